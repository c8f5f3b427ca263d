"""The Organisation column's sort key kept on each activity (``organisation_sort``), and the Period sort.

The list sorts by the organisation's name from a copy on the activity (an index gives that order):
every path that adds activities must give it, and every path that renames an organisation must
refresh it, or a school would sort under its old name.  By period, all periods are read one period
at a time; paging on from the last row must give every row once, in order.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from db.models import AcademicPeriod, CpdActivity, Job, Organisation, OrgKind, SharingLevel
from db.queries import activities as q
from db.queries.activity_export import iter_export_values_in
from db.queries.organisation_records import organisation_record
from db.queries.request_import import preview_request_import
from db.scope import scope_for
from db.services.flood_fill import FloodFillSpec, create_flood_fill
from db.services.gias_import import import_gias
from db.services.organisation_records import OrganisationFields, edit_organisation
from db.services.request_import import apply_request_import
from db.services.requests import enter_request
from db.services.trust_settings import set_trust_name
from tests.helpers import user_id
from tests.request_helpers import details, job_at, school_sharing, user_job
from tests.request_import_helpers import emails_at, row, urn_of, write_csv


def _kept_and_shown(db, ids: list[int]) -> list[tuple[str, str]]:
    """(the activity's sort key, its organisation's name) of each activity."""
    with db.read() as session:
        return list(
            session.execute(
                select(CpdActivity.organisation_sort, Organisation.name)
                .join(Organisation, Organisation.id == CpdActivity.organisation_id)
                .where(CpdActivity.id.in_(ids))
            ).tuples()
        )


def _ids_at(db, organisation_id: int) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(CpdActivity.id).where(CpdActivity.organisation_id == organisation_id)))


def _versions(db, ids: list[int]) -> dict[int, int]:
    with db.read() as session:
        query = select(CpdActivity.id, CpdActivity.version).where(CpdActivity.id.in_(ids))
        return dict(session.execute(query).tuples().all())


def _assert_kept(db, ids: list[int]) -> None:
    pairs = _kept_and_shown(db, ids)
    assert len(pairs) == len(ids) and ids
    assert all(kept == name and name for kept, name in pairs), pairs


def test_a_renamed_organisation_sorts_under_its_new_name_at_once(demo_db) -> None:
    alex, sam = user_id(demo_db, "alex.morgan"), user_id(demo_db, "sam.patel")
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    ids = _ids_at(demo_db, school)
    versions = _versions(demo_db, ids)
    shown = organisation_record(demo_db, alex, school)
    renamed = OrganisationFields(
        "AAAA Renamed Academy",
        kind=shown.kind,
        urn=shown.urn,
        phase=shown.phase,
        cluster=shown.cluster,
        status=shown.status,
        leader=shown.leader,
    )
    first = q.ActivityFilter(sort="organisation", descending=False)
    assert q.first_rows(demo_db, sam, first, limit=1).rows[0].organisation != "AAAA Renamed Academy"

    edit_organisation(demo_db, alex, school, shown.version, renamed)

    assert {kept for kept, _name in _kept_and_shown(demo_db, ids)} == {"AAAA Renamed Academy"}
    page = q.first_rows(demo_db, sam, first, limit=5).rows
    assert [r.organisation for r in page] == ["AAAA Renamed Academy"] * 5
    assert [r.organisation_id for r in page] == [school] * 5
    assert _versions(demo_db, ids) == versions  # not an edit of the activities: nobody's open copy goes stale


def test_a_gias_import_and_the_trusts_new_name_refresh_the_key(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    fixtures = Path(__file__).parent / "fixtures" / "gias"
    with demo_db.read() as session:
        birchwell = session.scalars(select(Organisation.id).where(Organisation.urn == "944127")).one()
        trust = session.scalars(select(Organisation).where(Organisation.kind == OrgKind.TRUST)).first()
        assert trust is not None
        trust_id, trust_version = trust.id, trust.version
    import_gias(demo_db, alex, fixtures / "establishments.csv", "TR09471", fixtures / "grades.csv")
    assert {kept for kept, _name in _kept_and_shown(demo_db, _ids_at(demo_db, birchwell))} == {"Birchwell Academy"}

    job = job_at(demo_db, trust_id, not_user=False)  # the central team's own request
    made = enter_request(demo_db, alex, job, details()).activity_id
    set_trust_name(demo_db, alex, "Renamed Learning Trust", trust_version)
    assert _kept_and_shown(demo_db, [made]) == [("Renamed Learning Trust", "Renamed Learning Trust")]


def test_every_path_that_adds_activities_gives_the_key(demo_db, tmp_path: Path) -> None:
    from db.services.training_bookings import book_staff
    from tests.test_flood_fill_service import fillable_jobs, primary_creator
    from tests.training_helpers import event_version, make_event, opted_in, schools, staff_at

    alex, sam = user_id(demo_db, "alex.morgan"), user_id(demo_db, "sam.patel")
    # the demo's own rows (written in bulk, as the large demo's million are)
    with demo_db.read() as session:
        _assert_kept(demo_db, list(session.scalars(select(CpdActivity.id))))
    # a new request
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    entered = enter_request(demo_db, alex, job_at(demo_db, school), details())
    _assert_kept(demo_db, [entered.activity_id])
    # a flood fill
    spec = FloodFillSpec(
        title="Organisation sort fill",
        activity_type="INSET",
        provider="Trust English hub",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 1, 5),
        creator_job_id=primary_creator(demo_db),
    )
    fill = create_flood_fill(demo_db, sam, spec, fillable_jobs(demo_db, "sam.patel"))
    with demo_db.read() as session:
        filled = list(session.scalars(select(CpdActivity.id).where(CpdActivity.flood_fill_batch_id == fill.batch_id)))
    _assert_kept(demo_db, filled)
    # a request import
    _job, school = user_job(demo_db, "chris.lee")
    urn = urn_of(demo_db, school)
    rows = [row(email, urn, "Sort key import") for email in emails_at(demo_db, urn)]
    path = write_csv(tmp_path / "requests.csv", rows)
    imported = apply_request_import(demo_db, sam, preview_request_import(demo_db, sam, path))
    _assert_kept(demo_db, list(imported.activity_ids))
    # a training place
    place_school = schools(demo_db)[0]
    event_id = make_event(demo_db, places=3)
    opted_in(demo_db, event_id, place_school)
    staff = staff_at(demo_db, place_school, 3)
    book_staff(demo_db, sam, event_id, staff, shown_version=event_version(demo_db, event_id))
    with demo_db.read() as session:
        booked = list(session.scalars(select(CpdActivity.id).where(CpdActivity.training_event_id == event_id)))
    assert len(booked) == 3
    _assert_kept(demo_db, booked)


def test_an_insert_that_leaves_the_key_out_gets_it_from_the_organisation(demo_db) -> None:
    job_id = job_at(demo_db, school_sharing(demo_db, SharingLevel.GROUP_ACTIONS))
    with demo_db.transaction() as session:
        template = session.scalars(select(CpdActivity).limit(1)).one()
        job = session.get(Job, job_id)
        activity = CpdActivity(
            job_id=job_id,
            organisation_id=job.organisation_id,
            title="Added without an organisation sort key",
            activity_type=template.activity_type,
            starts_on=template.starts_on,
            ends_on=template.ends_on,
            period_id=template.period_id,
        )
        session.add(activity)
        session.flush()
        made = activity.id
    _assert_kept(demo_db, [made])


def _all_rows(db, user: int, filt: q.ActivityFilter) -> list[q.ActivityRow]:
    rows: list[q.ActivityRow] = []
    while more := q.fetch_page(db, user, filt, len(rows), after=rows[-1] if rows else None):
        rows += more
    return rows


def test_all_periods_by_period_page_in_period_order_without_gaps(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    with demo_db.read() as session:
        period_of = dict(session.execute(select(CpdActivity.id, CpdActivity.period_id)).tuples().all())
        starts = dict(session.execute(select(AcademicPeriod.id, AcademicPeriod.starts_on)).tuples().all())
    expected = q.summarise(demo_db, sam, q.ActivityFilter()).count
    for descending in (True, False):
        rows = _all_rows(demo_db, sam, q.ActivityFilter(sort="period", descending=descending))
        assert len(rows) == expected and len({r.id for r in rows}) == expected
        keys = [(starts[period_of[r.id]], period_of[r.id], r.starts_on, r.id) for r in rows]
        assert keys == sorted(keys, reverse=descending)
        assert len({period_of[r.id] for r in rows}) > 1


def test_an_export_keeps_the_lists_order_by_period_and_by_organisation(demo_db) -> None:
    """The workbook holds the rows in the order the panel shows them (the export sorts in one statement)."""
    sam = user_id(demo_db, "sam.patel")
    for sort in ("period", "organisation"):
        filt = q.ActivityFilter(sort=sort, descending=False)
        with demo_db.read() as session:
            exported = [values[0] for values in iter_export_values_in(session, scope_for(session, sam), filt)]
        assert exported == [r.id for r in _all_rows(demo_db, sam, filt)], sort
