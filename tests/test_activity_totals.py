"""The dashboard's running totals (migration 0015) equal a grouped scan of the activities after every kind of write.

Each test writes through the real service (or, for what no service does, plain SQL), then compares
``activity_totals`` key by key with the grouped scan the dashboard used to run
(``tests/totals_reference.py``).  On both engines: SQLite keeps them with row-level triggers,
PostgreSQL with statement-level ones that add rows of changes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from db.demo import build_demo
from db.engine import Database
from db.excel.export import export_workbook
from db.excel.import_decisions import Outcome, import_decisions
from db.migrate import alembic_config
from db.models import (
    ActivityTextTotal,
    ActivityTotal,
    CompletionState,
    CpdActivity,
    CpdTeamState,
    LineManagerState,
    Module,
    PartnershipState,
    SharingLevel,
)
from db.queries.activities import ActivityFilter
from db.queries.request_import import preview_request_import
from db.queries.training_bookings import event_bookings
from db.queries.trust_settings import preview_start_month
from db.scope import scope_for
from db.services.activity_edits import current_edit, edit_activity
from db.services.activity_totals import fold_period, fold_where_due
from db.services.decisions import mark_completed, revert_batch
from db.services.evaluations import check_evaluation, record_evaluation
from db.services.layer_decisions import Layer, decide_layer
from db.services.request_import import apply_request_import
from db.services.requests import enter_request, withdraw_request
from db.services.signoff import sign_off
from db.services.training_bookings import book_staff, cancel_bookings, change_places
from db.services.trust_settings import set_start_month
from tests.bulk_rows import add_pending_activities, decidable_job
from tests.excel_helpers import decidable as decidable_in_workbook
from tests.excel_helpers import record_decisions
from tests.helpers import pending_elsewhere, user_id
from tests.request_helpers import details, flood_fill_plain_and_pre_authorised, job_at, school_sharing, user_job
from tests.request_import_helpers import emails_at, row, urn_of, write_csv
from tests.test_login_guard import sams_login  # noqa: F401  (fixture)
from tests.totals_reference import assert_totals_kept, kept_totals, reference_by_state, reference_totals
from tests.training_helpers import event_version, make_event, opted_in, schools, staff_at


def _decidable_orgs(db: Database, username: str) -> set[int]:
    with db.read() as session:
        return set(scope_for(session, user_id(db, username)).orgs(Module.PARTNERSHIP_CPD, at_least=3))


def _rows(db: Database, *conditions, limit: int = 10) -> list[CpdActivity]:
    with db.read() as session:
        found = session.scalars(select(CpdActivity).where(*conditions).order_by(CpdActivity.id).limit(limit)).all()
        for item in found:
            session.expunge(item)
    assert found, "the demo has no such activity"
    return list(found)


def test_the_demo_build_is_summed_exactly(demo_db: Database) -> None:
    kept = assert_totals_kept(demo_db)
    assert len(kept) > 100 and sum(sums[0] for sums in kept.values()) > 1000


def test_every_trigger_is_in_place_at_head(db: Database) -> None:
    """A later migration that rebuilds ``cpd_activities`` (SQLite's batch mode copies the table and drops the
    old one) would drop these triggers with it, and the dashboard would silently stop following the activities."""
    with db.engine.connect() as connection:
        if db.target.is_sqlite:
            found = connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cpd_activities'"
            ).scalars()
            expected = {
                f"{table}_{name}"
                for table in ("activity_totals", "activity_text_totals")
                for name in ("new_key", "insert", "delete", "update", "move")
            }
        else:
            found = connection.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'cpd_activities'::regclass AND NOT tgisinternal"
            ).scalars()
            expected = {
                f"{table}_{name}"
                for table in ("activity_totals", "activity_text_totals")
                for name in ("insert", "update", "delete")
            }
        assert expected <= set(found)


def test_sign_off_reject_and_undo(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", _decidable_orgs(demo_db, "sam.patel"), limit=60)
    ids = sorted(ticked)
    authorised = sign_off(demo_db, sam, {i: ticked[i] for i in ids[:40]}, PartnershipState.AUTHORISED, "Fits")
    assert len(authorised.applied) == 40
    rejected = sign_off(demo_db, sam, {i: ticked[i] for i in ids[40:]}, PartnershipState.REJECTED, "No cover")
    assert len(rejected.applied) == 20
    assert_totals_kept(demo_db)
    revert_batch(demo_db, sam, authorised.batch_id, "Decided in error")
    assert_totals_kept(demo_db)


def test_line_manager_and_cpd_team_decisions(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    orgs = _decidable_orgs(demo_db, "sam.patel")
    waiting = _rows(
        demo_db,
        CpdActivity.line_manager_state == LineManagerState.PENDING,
        CpdActivity.partnership_state == PartnershipState.PENDING,
        CpdActivity.organisation_id.in_(orgs),
        limit=20,
    )
    result = decide_layer(demo_db, sam, Layer.LINE_MANAGER, {r.id: r.version for r in waiting}, LineManagerState.AGREED)
    assert result.applied
    team = _rows(
        demo_db,
        CpdActivity.cpd_team_state == CpdTeamState.PENDING,
        CpdActivity.partnership_state == PartnershipState.PENDING,
        CpdActivity.organisation_id.in_(orgs),
        limit=20,
    )
    shown = {r.id: r.version for r in team}
    result = decide_layer(demo_db, sam, Layer.CPD_TEAM, shown, CpdTeamState.DECLINED, "Not this term")
    assert result.applied
    assert_totals_kept(demo_db)


def test_edits_of_cost_date_and_period(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    orgs = _decidable_orgs(demo_db, "sam.patel")
    first, second, third = _rows(
        demo_db,
        CpdActivity.partnership_state == PartnershipState.AUTHORISED,
        CpdActivity.organisation_id.in_(orgs),
        limit=3,
    )
    fee = replace(current_edit(first), course_fee_pence=first.course_fee_pence + 4_550, cover_days=2.5)
    assert edit_activity(demo_db, sam, first.id, first.version, fee).needs_reauthorisation
    month_later = replace(current_edit(second), starts_on=second.starts_on + timedelta(days=31),
                          ends_on=second.ends_on + timedelta(days=31))  # fmt: skip
    edit_activity(demo_db, sam, second.id, second.version, month_later)
    year_later = replace(current_edit(third), starts_on=third.starts_on + timedelta(days=366),
                         ends_on=third.ends_on + timedelta(days=366))  # fmt: skip
    edit_activity(demo_db, sam, third.id, third.version, year_later)
    with demo_db.read() as session:
        assert session.get(CpdActivity, third.id).period_id != third.period_id  # it moved to the next period
    assert_totals_kept(demo_db)


def test_entered_withdrawn_completed_and_evaluated(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    entered = enter_request(demo_db, sam, job_at(demo_db, school), details(course_fee_pence=99_900))
    assert_totals_kept(demo_db)
    withdraw_request(demo_db, sam, entered.activity_id, entered.version, "Course cancelled")
    assert_totals_kept(demo_db)
    orgs = _decidable_orgs(demo_db, "sam.patel")
    done = _rows(
        demo_db,
        CpdActivity.partnership_state == PartnershipState.AUTHORISED,
        CpdActivity.starts_on < date.today() - timedelta(days=7),
        CpdActivity.completion_state != CompletionState.COMPLETED,
        CpdActivity.organisation_id.in_(orgs),
        limit=1,
    )[0]
    mark_completed(demo_db, sam, done.id, done.version, date.today() - timedelta(days=1))
    assert_totals_kept(demo_db)
    # from "completed without an evaluation" to evaluated
    record_evaluation(demo_db, sam, done.id, None, check_evaluation(2, 4, "Worth it", "Shared with the team"))
    assert_totals_kept(demo_db)


def test_plain_sql_inserts_moves_and_deletes(demo_db: Database) -> None:
    """What no service does, a script might: the triggers still see it."""
    job = decidable_job(demo_db, "sam.patel")
    marker = add_pending_activities(demo_db, job, 300)  # one INSERT … SELECT of 300 rows
    assert_totals_kept(demo_db)
    with demo_db.engine.begin() as connection:
        other = connection.scalar(
            text("SELECT min(organisation_id) FROM cpd_activities WHERE organisation_id <> "
                 "(SELECT organisation_id FROM jobs WHERE id = :job)"), {"job": job}
        )  # fmt: skip
        moved = connection.execute(
            text("UPDATE cpd_activities SET organisation_id = :org, cover_days = cover_days + 0.5 "
                 "WHERE title = :marker AND id % 3 = 0"), {"org": other, "marker": marker}
        )  # fmt: skip
        assert moved.rowcount == 100
        retitled = connection.execute(
            text("UPDATE cpd_activities SET provider = 'Zoë Training', title = title || ' (online)' "
                 "WHERE title = :marker AND id % 5 = 0"), {"marker": marker}
        )  # fmt: skip
        assert retitled.rowcount == 60
    assert_totals_kept(demo_db)
    with demo_db.engine.begin() as connection:
        connection.execute(text("DELETE FROM cpd_activities WHERE title = :marker AND id % 2 = 0"), {"marker": marker})
    assert_totals_kept(demo_db)


@pytest.mark.engines("sqlite")
def test_a_script_replacing_activities_keeps_the_titles_totals(demo_db: Database) -> None:
    """``INSERT OR REPLACE`` hands its policy to the triggers' own inserts: a title already known must
    keep its id, or its totals would be left behind under the old one."""
    job = decidable_job(demo_db, "sam.patel")
    marker = add_pending_activities(demo_db, job, 20)
    with demo_db.engine.begin() as connection:
        columns = list(connection.exec_driver_sql("SELECT * FROM cpd_activities LIMIT 0").keys())
        copied = ", ".join(c for c in columns if c not in ("id", "total_cost_pence"))
        connection.execute(
            text(f"INSERT OR REPLACE INTO cpd_activities ({copied}) SELECT {copied} FROM cpd_activities "
                 "WHERE title = :marker"), {"marker": marker}
        )  # fmt: skip
    assert_totals_kept(demo_db)


def test_flood_fill_plain_and_pre_authorised(demo_db: Database) -> None:
    flood_fill_plain_and_pre_authorised(demo_db, "sam.patel")
    assert_totals_kept(demo_db)


def test_request_import(demo_db: Database, tmp_path: Path) -> None:
    _job, school = user_job(demo_db, "chris.lee")
    urn = urn_of(demo_db, school)
    a, b, _c = emails_at(demo_db, urn)
    path = write_csv(tmp_path / "requests.csv", [
        row(a, urn, "Phonics leadership"),
        row(b, urn, "Maths mastery", Category="conference", Date="2026-10-01", **{"End Date": "", "Course Fee": "300"}),
    ])  # fmt: skip
    sam = user_id(demo_db, "sam.patel")
    assert apply_request_import(demo_db, sam, preview_request_import(demo_db, sam, path)).added == 2
    assert_totals_kept(demo_db)


def test_decisions_workbook_import(demo_db: Database, tmp_path: Path) -> None:
    sam = user_id(demo_db, "sam.patel")
    first = min(pending_elsewhere(demo_db, "sam.patel", _decidable_orgs(demo_db, "sam.patel"), limit=1))
    with demo_db.read() as session:
        school = session.scalar(select(CpdActivity.organisation_id).where(CpdActivity.id == first))
    pending = ActivityFilter(partnership_state=PartnershipState.PENDING, organisation_id=school, sort="created")
    path = export_workbook(demo_db, sam, pending, tmp_path / "review.xlsx").path
    ids = decidable_in_workbook(demo_db, "sam.patel", path, 6)
    record_decisions(path, {i: ("Authorise", "") for i in ids[:4]} | {i: ("Reject", "No cover") for i in ids[4:]})
    assert import_decisions(demo_db, sam, path).count(Outcome.APPLIED) == 6
    assert_totals_kept(demo_db)


def test_training_places_booked_cancelled_and_cut(demo_db: Database) -> None:
    alex = user_id(demo_db, "alex.morgan")
    school = schools(demo_db)[0]
    event_id = make_event(demo_db, places=10)
    opted_in(demo_db, event_id, school)
    book_staff(demo_db, alex, event_id, staff_at(demo_db, school, 12), shown_version=event_version(demo_db, event_id))
    assert_totals_kept(demo_db)
    shown = event_bookings(demo_db, alex, event_id)
    cancel_bookings(demo_db, alex, event_id, {r.id: r.version for r in shown.booked[:3]})
    assert_totals_kept(demo_db)
    change_places(demo_db, alex, event_id, event_version(demo_db, event_id), 5)
    assert_totals_kept(demo_db)


def test_a_new_start_month_moves_activities_between_periods(demo_db: Database) -> None:
    alex = user_id(demo_db, "alex.morgan")
    preview = preview_start_month(demo_db, alex, 7)
    assert preview.activities > 0
    set_start_month(demo_db, alex, 7, preview.activities)
    assert_totals_kept(demo_db)


def test_the_migration_backfills_a_database_that_has_activities(demo_db: Database) -> None:
    """Back to 0014 (no totals), activities changed there, then up again: the backfill sums what is there."""
    with demo_db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0015")  # 0015's totals again, made by its own code
    assert kept_totals(demo_db) == reference_totals(demo_db)
    with demo_db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0014")
        assert "activity_totals" not in inspect(connection).get_table_names()
        connection.execute(
            text("UPDATE cpd_activities SET partnership_state = 'authorised', cover_days = 1.5 WHERE id % 7 = 0")
        )
    scanned = reference_totals(demo_db)
    with demo_db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert assert_totals_kept(demo_db) == scanned
    with demo_db.read() as session:  # one row per key (period, organisation, month, the three states)
        assert session.scalar(select(func.count()).select_from(ActivityTotal)) == len(reference_by_state(demo_db))


def test_a_period_folds_into_one_row_per_key_and_keeps_its_sums(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", _decidable_orgs(demo_db, "sam.patel"), limit=40)
    for activity_id, version in ticked.items():  # one statement per row: many rows of changes on PostgreSQL
        sign_off(demo_db, sam, {activity_id: version}, PartnershipState.AUTHORISED, "One by one")
    before = assert_totals_kept(demo_db)
    with demo_db.read() as session:
        period = session.scalar(select(CpdActivity.period_id).where(CpdActivity.id == min(ticked)))
        rows = session.scalar(select(func.count()).where(ActivityTotal.period_id == period))
        rows += session.scalar(select(func.count()).where(ActivityTextTotal.period_id == period))
    folded = fold_period(demo_db, period)
    assert folded == (0 if demo_db.target.is_sqlite else rows)
    with demo_db.read() as session:
        per_key = session.execute(
            select(func.count()).where(ActivityTotal.period_id == period)
            .group_by(
                ActivityTotal.organisation_id,
                ActivityTotal.month,
                ActivityTotal.partnership_state,
                ActivityTotal.line_manager_state,
                ActivityTotal.cpd_team_state,
            )
        ).scalars().all()  # fmt: skip
    assert set(per_key) == {1}
    with demo_db.read() as session:
        x = ActivityTextTotal
        per_text_key = session.scalars(
            select(func.count()).where(x.period_id == period)
            .group_by(x.organisation_id, x.text_id, x.partnership_state, x.line_manager_state, x.cpd_team_state)
        ).all()  # fmt: skip
    assert set(per_text_key) == {1}
    assert fold_where_due(demo_db) == 0  # the demo build folded its own; nothing else is due
    assert kept_totals(demo_db) == before == reference_totals(demo_db)


@pytest.mark.engines("postgresql")
def test_the_dashboard_folds_a_period_it_found_in_many_rows(demo_db: Database, monkeypatch) -> None:
    import db.queries.dashboard as dashboard

    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", _decidable_orgs(demo_db, "sam.patel"), limit=10)
    for activity_id, version in ticked.items():
        sign_off(demo_db, sam, {activity_id: version}, PartnershipState.AUTHORISED, "One by one")
    with demo_db.read() as session:
        period = session.scalar(select(CpdActivity.period_id).where(CpdActivity.id == min(ticked)))
        many = session.scalar(select(func.count()).where(ActivityTotal.period_id == period))
    monkeypatch.setattr(dashboard, "SURPLUS_TO_FOLD", 5)
    figures = dashboard.dashboard_figures(demo_db, sam, period)
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).where(ActivityTotal.period_id == period)) < many
    assert dashboard.dashboard_figures(demo_db, sam, period) == figures
    assert_totals_kept(demo_db)


@pytest.mark.engines("postgresql")
def test_a_linked_login_moves_the_totals_and_folds_them_but_cannot_write_them(demo_db: Database, sams_login) -> None:  # noqa: F811
    """The triggers and the fold run as the tables' owner: a person's own login reads the totals only."""
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", _decidable_orgs(demo_db, "sam.patel"), limit=5)
    for activity_id, version in ticked.items():
        sign_off(sams_login, sam, {activity_id: version}, PartnershipState.AUTHORISED, "Fits")
    assert_totals_kept(demo_db)
    with demo_db.read() as session:
        period = session.scalar(select(CpdActivity.period_id).where(CpdActivity.id == min(ticked)))
    assert fold_period(sams_login, period) > 0
    assert_totals_kept(demo_db)
    with pytest.raises(DBAPIError, match="permission denied"), sams_login.transaction() as session:
        session.execute(text("UPDATE activity_totals SET activities = activities + 1"))
    with pytest.raises(DBAPIError, match="permission denied"), sams_login.transaction() as session:
        session.execute(text("UPDATE activity_text_totals SET activities = activities + 1"))


@pytest.mark.engines("postgresql")
def test_the_demo_load_gives_back_the_space_its_rows_of_changes_took(db: Database) -> None:
    """The load writes a row of changes to the totals per activity, then folds them to one row per key:
    left behind, their space is read by every count of all periods (0.2 s at five million activities)."""
    build_demo(db, scale="small", seed=1)
    with db.engine.connect() as connection:
        for table in ("activity_totals", "activity_text_totals"):
            rows = connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
            pages = connection.exec_driver_sql(f"SELECT pg_relation_size('{table}') / 8192").scalar_one()
            assert rows > 0 and pages <= rows // 40 + 2, (table, rows, pages)  # live rows: about 60 to a page
