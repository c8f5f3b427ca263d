"""Search boxes: what a person types finds the same rows on SQLite and PostgreSQL (db/queries/text_search.py).

Every list query goes through ``any_contains``; these tests use four of them
(Partnership CPD, organisations, staff, the audit log) with the demo trust.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from db.models import CpdActivity, Organisation, OrgKind, Person
from db.queries import activities as cpd
from db.queries.audit import AuditFilter, count_audit
from db.queries.organisations import OrganisationFilter, list_organisations
from db.queries.staff import StaffFilter, first_staff_page
from db.queries.text_search import clean_search_text
from tests.helpers import user_id

SAM = "sam.patel"


def _rename_first(db, column, value: str, *where) -> int:
    table = column.class_
    with db.transaction() as session:
        row_id = session.scalar(select(table.id).where(*where).order_by(table.id).limit(1))
        session.execute(update(table).where(table.id == row_id).values({column.key: value}))
    return row_id


def _activity_ids(db, search: str) -> set[int]:
    page = cpd.first_rows(db, user_id(db, SAM), cpd.ActivityFilter(search=search), limit=10_000)
    return {row.id for row in page.rows}


@pytest.fixture
def renamed(demo_db):
    """One activity titled with accented capitals, one organisation and one person too."""
    activity = _rename_first(demo_db, CpdActivity.title, "ÉCOLE D’ÉTÉ: ZOË’S ÖKONOMIE")
    organisation = _rename_first(demo_db, Organisation.name, "Académie Saint-Éloi", Organisation.kind == OrgKind.SCHOOL)
    person = _rename_first(demo_db, Person.last_name, "ÅSTRÖM")
    return demo_db, activity, organisation, person


@pytest.mark.parametrize("typed", ["zoë", "ZOË", "Zoë’s", "ökonomie", "école d’été", "zoe\u0308", "zo\x00ë", " zoë\t"])
def test_non_ascii_letters_match_whatever_their_case(renamed, typed) -> None:
    db, activity, _, _ = renamed
    assert activity in _activity_ids(db, typed)


def test_a_non_ascii_search_finds_only_what_contains_it(renamed) -> None:
    db, activity, _, _ = renamed
    assert _activity_ids(db, "ÖKONOMIE") == {activity}
    assert _activity_ids(db, "zoë’s économie") == set()
    assert _activity_ids(db, "zo_") == set()  # % and _ typed by the user are taken literally


def test_ascii_search_is_unchanged(renamed) -> None:
    db, activity, _, _ = renamed
    found = _activity_ids(db, "ÖKONOMIE".lower().replace("ö", "")[:4])  # "kono": plain ASCII, any case
    assert activity in found
    assert _activity_ids(db, "KONOMIE") == _activity_ids(db, "konomie")


def test_organisations_and_staff_searches_fold_case_the_same(renamed) -> None:
    db, _, organisation, person = renamed
    sam = user_id(db, SAM)
    orgs = list_organisations(db, sam, OrganisationFilter(search="SAINT-ÉLOI", include_closed=True))
    assert [row.id for row in orgs] == [organisation]
    staff = first_staff_page(db, sam, StaffFilter(search="åström"))
    assert {row.person_id for row in staff.rows} == {person}


@pytest.mark.parametrize("typed", ["\x00", "coach\x00ing", "\x00coaching", "coaching\x1b", "\x85"])
def test_control_characters_never_reach_the_database(demo_db, typed) -> None:
    """PostgreSQL refuses a NUL in a string; SQLite stopped the pattern at it."""
    sam, cleaned = user_id(demo_db, SAM), clean_search_text(typed)
    assert _activity_ids(demo_db, typed) == _activity_ids(demo_db, cleaned)
    assert count_audit(demo_db, sam, AuditFilter(search=typed)) == count_audit(
        demo_db, sam, AuditFilter(search=cleaned)
    )
    organisations = list_organisations(demo_db, sam, OrganisationFilter(search=typed))
    assert organisations == list_organisations(demo_db, sam, OrganisationFilter(search=cleaned))
    assert len(organisations) > 0 or cleaned == "coaching"


def test_cleaning_keeps_words_apart() -> None:
    assert clean_search_text("  coach\x00ing\tday\r\n") == "coaching day"
    assert clean_search_text("zoe\u0308") == "zoë"
