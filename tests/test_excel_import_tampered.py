"""Tampered budget workbooks decide nothing they should not, on both engines.

Each test edits a genuine export the way a reviewer (or another program)
might — swapped or edited hidden ids, cleared cells, out-of-range numbers, a
workbook from another database — and checks what the import does to the data.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from db.database_identity import DATABASE_ID_KEY
from db.excel.export import export_workbook
from db.excel.import_decisions import NOT_FOUND, Outcome, import_decisions
from db.excel.layout import (
    DATA_SHEET,
    DECISION_COL,
    HEADERS,
    ID_COL,
    INDIVIDUAL_COL,
    MARKER_SHEET,
    ORGANISATION_COL,
    STARTS_COL,
    TITLE_COL,
    VERSION_COL,
)
from db.excel.safety import WorkbookRefused
from db.models import CpdActivity, PartnershipState, SharingLevel, TrustSetting
from db.queries.activities import ActivityFilter
from db.services.signoff import SkipReason
from tests.excel_helpers import decidable, record_decisions, rows_by_id, versions_in
from tests.excel_tamper import edit_cells, set_identity
from tests.helpers import org_with_sharing, user_id

PENDING = ActivityFilter(partnership_state=PartnershipState.PENDING, sort="created", descending=False)


def states(db, ids) -> dict[int, PartnershipState]:
    with db.read() as session:
        query = select(CpdActivity.id, CpdActivity.partnership_state).where(CpdActivity.id.in_(list(ids)))
        return dict(session.execute(query).tuples().all())


def rows_shown(path: Path) -> dict[int, tuple]:
    """Activity id → the row's values, as the workbook shows them."""
    book = load_workbook(path, read_only=True)
    try:
        rows = book[DATA_SHEET].iter_rows(min_row=2, values_only=True)
        return {values[ID_COL]: values for values in rows if values[ID_COL] is not None}
    finally:
        book.close()


@pytest.fixture
def exported(demo_db, tmp_path):
    sam = user_id(demo_db, "sam.patel")
    return sam, export_workbook(demo_db, sam, PENDING, tmp_path / "review.xlsx").path


def look_alike_pair(path: Path, ids: list[int]) -> tuple[int, int]:
    """Two decidable rows of different individuals, with the same title and version if there are any (flood-fill)."""
    rows = rows_shown(path)
    pairs = [(a, b) for a in ids for b in ids if a < b and rows[a][INDIVIDUAL_COL] != rows[b][INDIVIDUAL_COL]]
    alike = [(a, b) for a, b in pairs if rows[a][TITLE_COL] == rows[b][TITLE_COL]]
    same_version = [(a, b) for a, b in alike if rows[a][VERSION_COL] == rows[b][VERSION_COL]]
    return (same_version or alike or pairs)[0]


@pytest.mark.parametrize("swap", ["ids", "ids and versions", "one id copied onto a look-alike"])
def test_swapped_ids_on_look_alike_rows_decide_nothing(demo_db, exported, swap) -> None:
    sam, path = exported
    ids = decidable(demo_db, "sam.patel", path, 60)
    first, second = look_alike_pair(path, ids)
    record_decisions(path, {first: ("Authorise", ""), second: ("Reject", "Not this year")})
    versions = versions_in(path)
    if swap == "ids":
        edit_cells(path, {first: {ID_COL: second}, second: {ID_COL: first}})
    elif swap == "ids and versions":
        edit_cells(
            path,
            {
                first: {ID_COL: second, VERSION_COL: versions[second]},
                second: {ID_COL: first, VERSION_COL: versions[first]},
            },
        )
    else:  # the second row's own id is gone; the first row now claims the second's activity
        edit_cells(
            path,
            {first: {ID_COL: second, VERSION_COL: versions[second]}, second: {ID_COL: None, DECISION_COL: None}},
        )

    result = import_decisions(demo_db, sam, path)

    assert result.count(Outcome.APPLIED) == 0
    claimed = [r for r in result.rows if r.decision is not None and r.activity_id in (first, second)]
    assert claimed
    for row in claimed:
        assert row.outcome in (Outcome.INVALID, Outcome.CHANGED)
        assert "“Individual”" in row.why and ("does not match" in row.why or "changed since" in row.why)
    assert states(demo_db, [first, second]) == dict.fromkeys((first, second), PartnershipState.PENDING)


@pytest.mark.parametrize("cleared", [None, "   "])
def test_a_blank_identity_cell_makes_the_row_invalid_even_with_an_edited_id(demo_db, exported, cleared) -> None:
    sam, path = exported
    columns = (INDIVIDUAL_COL, ORGANISATION_COL, TITLE_COL, STARTS_COL)
    ids = decidable(demo_db, "sam.patel", path, 2 * len(columns) + 1)
    rows, targets, untouched = ids[: len(columns)], ids[len(columns) : -1], ids[-1]
    record_decisions(path, {i: ("Authorise", "") for i in [*rows, untouched]})
    versions = versions_in(path)
    # Each edited row's id names another activity (one the user may decide), and the cell that would
    # betray the edit is cleared; the other activity's own row loses its id so it is not a duplicate.
    edits: dict[int, dict[int, object]] = {}
    for row, target, column in zip(rows, targets, columns, strict=True):
        edits[row] = {ID_COL: target, VERSION_COL: versions[target], column: cleared}
        edits[target] = {ID_COL: None}
    edit_cells(path, edits)

    result = import_decisions(demo_db, sam, path)

    invalid = {r.activity_id: r.why for r in result.of(Outcome.INVALID) if r.activity_id is not None}
    for target, column in zip(targets, columns, strict=True):
        assert invalid[target].startswith(f"its {HEADERS[column]} cell is empty")
    assert result.applied_ids == {untouched}
    assert set(states(demo_db, rows + targets).values()) == {PartnershipState.PENDING}


BAD_NUMBERS = (1e30, -1, 0, 2**31, 2**63, "1e30", "-1", "12abc", "²", "٣", 3.5, "inf", True, "forty-two")


@pytest.mark.parametrize("column", [ID_COL, VERSION_COL], ids=["id", "version"])
def test_out_of_range_or_non_whole_ids_and_versions_are_invalid_rows(demo_db, exported, column) -> None:
    sam, path = exported
    ids = decidable(demo_db, "sam.patel", path, len(BAD_NUMBERS) + 1)
    bad, good = ids[:-1], ids[-1]
    record_decisions(path, {i: ("Authorise", "") for i in ids})
    where = rows_by_id(path)
    edit_cells(path, {i: {column: value} for i, value in zip(bad, BAD_NUMBERS, strict=True)})

    result = import_decisions(demo_db, sam, path)

    invalid = {r.row: r.why for r in result.of(Outcome.INVALID)}
    assert sorted(invalid) == sorted(where[i] for i in bad)
    assert all("is not a whole number from 1 to 2,147,483,647" in why for why in invalid.values())
    assert result.applied_ids == {good}
    assert set(states(demo_db, bad).values()) == {PartnershipState.PENDING}


def test_text_and_float_ids_of_other_programs_still_match(demo_db, exported) -> None:
    sam, path = exported
    as_text, as_float = decidable(demo_db, "sam.patel", path, 2)
    record_decisions(path, {as_text: ("Authorise", ""), as_float: ("Authorise", "")})
    edit_cells(path, {as_text: {ID_COL: f" {as_text} "}, as_float: {ID_COL: float(as_float)}})

    result = import_decisions(demo_db, sam, path)

    assert result.applied_ids == {as_text, as_float}


@pytest.mark.parametrize("other", ["another database", "a database never exported from", "workbook edited"])
def test_a_workbook_from_another_database_is_refused_as_a_whole(demo_db, exported, other) -> None:
    sam, path = exported
    ids = decidable(demo_db, "sam.patel", path, 3)
    record_decisions(path, {i: ("Authorise", "") for i in ids})
    if other == "another database":  # the same demo built twice: same ids, same people, other identity
        set_identity(demo_db, str(uuid.uuid4()))
    elif other == "a database never exported from":
        set_identity(demo_db, None)
    else:
        book = load_workbook(path)
        marker = book[MARKER_SHEET]
        row = next(r for r in marker.iter_rows() if r[0].value == DATABASE_ID_KEY)
        row[1].value = str(uuid.uuid4())
        book.save(path)

    with pytest.raises(WorkbookRefused, match="exported from another TrustDesk database"):
        import_decisions(demo_db, sam, path, dry_run=True)
    assert set(states(demo_db, ids).values()) == {PartnershipState.PENDING}


def test_a_workbook_without_a_database_identity_is_refused(demo_db, exported) -> None:
    sam, path = exported
    record_decisions(path, {i: ("Authorise", "") for i in decidable(demo_db, "sam.patel", path, 2)})
    book = load_workbook(path)
    for row in book[MARKER_SHEET].iter_rows():
        if row[0].value == DATABASE_ID_KEY:
            row[0].value = row[1].value = None
    book.save(path)
    with pytest.raises(WorkbookRefused, match="does not say which TrustDesk database"):
        import_decisions(demo_db, sam, path)


def test_the_database_identity_survives_exports_and_is_written_once(demo_db, exported, tmp_path) -> None:
    sam, first = exported
    second = export_workbook(demo_db, sam, PENDING, tmp_path / "again.xlsx").path
    marks = []
    for path in (first, second):
        book = load_workbook(path, read_only=True)
        marks.append(dict(book[MARKER_SHEET].iter_rows(max_col=2, values_only=True))[DATABASE_ID_KEY])
        book.close()
    assert marks[0] == marks[1] and uuid.UUID(marks[0])
    with demo_db.read() as session:
        stored = session.scalars(select(TrustSetting.value).where(TrustSetting.key == DATABASE_ID_KEY)).all()
    assert stored == [marks[0]]


def decide_directly(db, organisation_id: int) -> list[int]:
    """Two authorised and two rejected activities in an organisation, as that school's own staff decided them."""
    chosen: list[int] = []
    with db.transaction() as session:
        for state in (PartnershipState.AUTHORISED, PartnershipState.REJECTED):
            some = select(CpdActivity.id).where(
                CpdActivity.organisation_id == organisation_id,
                CpdActivity.partnership_state == PartnershipState.PENDING,
            )
            ids = session.scalars(some.limit(2)).all()
            session.execute(
                update(CpdActivity)
                .where(CpdActivity.id.in_(ids))
                .values(partnership_state=state, version=CpdActivity.version + 1)
            )
            chosen += ids
    return chosen


def test_rows_outside_scope_are_refused_before_anything_else_is_said(demo_db, tmp_path) -> None:
    """Already-decided rows of an organisation the user may only view are refused, not "already decided"."""
    sam = user_id(demo_db, "sam.patel")
    view_only = org_with_sharing(demo_db, SharingLevel.MIS)
    decide_directly(demo_db, view_only)
    path = export_workbook(demo_db, sam, ActivityFilter(organisation_id=view_only), tmp_path / "mis.xlsx").path
    now = states(demo_db, versions_in(path))
    as_it_is = {PartnershipState.AUTHORISED: ("Authorise", ""), PartnershipState.REJECTED: ("Reject", "Not now")}
    decided = {i: as_it_is[s] for i, s in now.items() if s in as_it_is}
    pending = [i for i, s in now.items() if s is PartnershipState.PENDING][:2]
    assert decided and pending
    record_decisions(path, decided | {i: ("Authorise", "") for i in pending})

    result = import_decisions(demo_db, sam, path)

    assert result.count(Outcome.ALREADY) == 0
    assert {r.why for r in result.of(Outcome.REFUSED)} == {SkipReason.NOT_PERMITTED.value}
    assert {r.activity_id for r in result.of(Outcome.REFUSED)} == set(decided) | set(pending)
    assert states(demo_db, pending) == dict.fromkeys(pending, PartnershipState.PENDING)


def test_an_edited_id_pointing_outside_scope_says_nothing_about_that_activity(demo_db, exported) -> None:
    sam, path = exported
    outside = decide_directly(demo_db, org_with_sharing(demo_db, SharingLevel.MIS))[0]  # authorised
    here, missing = decidable(demo_db, "sam.patel", path, 2)
    record_decisions(path, {here: ("Authorise", ""), missing: ("Authorise", "")})
    edits: dict[int, dict[int, object]] = {here: {ID_COL: outside, TITLE_COL: "Anything"}}
    edits[missing] = {ID_COL: 2_000_000_000}
    if outside in rows_by_id(path):
        edits[outside] = {ID_COL: None}  # its own row (exported while pending) would make the id a duplicate
    edit_cells(path, edits)

    result = import_decisions(demo_db, sam, path)

    refused = {r.activity_id: r.why for r in result.of(Outcome.REFUSED)}
    assert refused == {outside: SkipReason.NOT_PERMITTED.value, 2_000_000_000: NOT_FOUND}
    assert states(demo_db, [outside]) == {outside: PartnershipState.AUTHORISED}


def test_a_retitled_activity_is_not_decided_from_an_old_row(demo_db, exported) -> None:
    sam, path = exported
    retitled, bumped, fine = decidable(demo_db, "sam.patel", path, 3)
    record_decisions(path, {i: ("Authorise", "") for i in (retitled, bumped, fine)})
    with demo_db.transaction() as session:  # a rename that did not move the version (a direct database edit)
        session.execute(update(CpdActivity).where(CpdActivity.id == retitled).values(title="Something else"))
        session.execute(
            update(CpdActivity).where(CpdActivity.id == bumped).values(title="Renamed", version=CpdActivity.version + 1)
        )

    result = import_decisions(demo_db, sam, path)

    assert [r.activity_id for r in result.of(Outcome.INVALID)] == [retitled]
    assert [r.activity_id for r in result.of(Outcome.CHANGED)] == [bumped]
    assert "changed since the export" in result.of(Outcome.CHANGED)[0].why
    assert result.applied_ids == {fine}


def test_a_copy_of_the_same_database_takes_the_rows_that_still_match(demo_db, exported, tmp_path, db_engine) -> None:
    if db_engine != "sqlite":
        pytest.skip("a file copy is how a SQLite database is copied")
    from db.engine import DatabaseTarget
    from db.migrate import open_database

    sam, path = exported
    same, renamed = decidable(demo_db, "sam.patel", path, 2)
    record_decisions(path, {same: ("Authorise", ""), renamed: ("Authorise", "")})
    copy_path = tmp_path / "copy.sqlite"
    with sqlite3.connect(demo_db.display) as source, sqlite3.connect(copy_path) as target:
        source.backup(target)
    copy = open_database(DatabaseTarget.parse(str(copy_path)))
    try:
        with copy.transaction() as session:
            session.execute(update(CpdActivity).where(CpdActivity.id == renamed).values(title="Renamed in the copy"))
        result = import_decisions(copy, sam, path)
        assert result.applied_ids == {same}
        assert [r.activity_id for r in result.of(Outcome.INVALID)] == [renamed]
        assert any("a copy of this database" in w for w in result.warnings)
        assert states(copy, [same, renamed]) == {same: PartnershipState.AUTHORISED, renamed: PartnershipState.PENDING}
    finally:
        copy.dispose()
    assert states(demo_db, [same]) == {same: PartnershipState.PENDING}
