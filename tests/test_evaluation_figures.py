"""Dashboard figures of what CPD was worth (DB1): hours, evaluation completion and ratings, in SQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from db.models import ActivityEvaluation, CompletionState, CpdActivity, Job, Module, Organisation, PartnershipState
from db.queries.dashboard import dashboard_figures
from db.queries.evaluation_figures import evaluation_figures
from db.scope import scope_for
from db.services.attendance import record_completion
from db.services.evaluations import check_evaluation, record_evaluation
from tests.helpers import activities, user_id


def three_completed(db) -> tuple[int, list[CpdActivity]]:
    """Three activities of one organisation and period that sam.patel may decide, completed."""
    sam = user_id(db, "sam.patel")
    with db.read() as session:
        orgs = sorted(scope_for(session, sam).orgs(Module.PARTNERSHIP_CPD, at_least=3))
    for org in orgs:
        rows = activities(
            db,
            CpdActivity.organisation_id == org,
            CpdActivity.starts_on <= date.today() - timedelta(days=1),
            CpdActivity.completion_state == CompletionState.NOT_COMPLETED,
            CpdActivity.partnership_state == PartnershipState.AUTHORISED,
            CpdActivity.line_manager_state != "denied",
            CpdActivity.cpd_team_state != "declined",
            limit=3,
        )
        if len(rows) == 3:
            break
    assert len(rows) == 3
    assert len(record_completion(db, sam, rows, date.today()).applied) == 3
    with db.read() as session:
        found = session.scalars(select(CpdActivity).where(CpdActivity.id.in_(rows)).order_by(CpdActivity.id)).all()
        session.expunge_all()
    return sam, list(found)


def test_hours_and_ratings_add_up_per_organisation_person_provider_and_type(demo_db) -> None:
    sam, rows = three_completed(demo_db)
    with demo_db.transaction() as session:
        # start from known numbers: only the three below (no user action deletes an evaluation, so the
        # activities' copies of the hours and rating are cleared here as well)
        session.execute(delete(ActivityEvaluation))
        session.execute(update(CpdActivity).values(evaluation=None, evaluation_hours=None, evaluation_rating=None))
    for row, (hours, rating) in zip(rows, ((2, 5), (3, 4), (4.5, 3)), strict=True):
        record_evaluation(demo_db, sam, row.id, None, check_evaluation(hours, rating, "Impact", ""))
    periods = {row.period_id for row in rows}

    figures = [evaluation_figures(demo_db, sam, period, rows[0].organisation_id) for period in periods]

    org_hours = sum(row.hours for f in figures for row in f.hours_by_organisation)
    assert org_hours == pytest.approx(9.5)
    assert sum(f.evaluations for f in figures) == 3
    with demo_db.read() as session:
        people = {session.get(Job, row.job_id).person_id for row in rows}
    listed = {p.key: p.hours for f in figures for p in f.hours_by_person}
    assert set(listed) == people and sum(listed.values()) == pytest.approx(9.5)
    if len(periods) == 1 and len({row.provider for row in rows}) == 1:
        (provider,) = figures[0].rating_by_provider
        assert (provider.evaluations, provider.average) == (3, 4.0)
    if len(periods) == 1 and len({row.activity_type for row in rows}) == 3:
        assert sorted(r.average for r in figures[0].rating_by_type) == [3.0, 4.0, 5.0]
    assert sum(r.evaluations for f in figures for r in f.rating_by_type) == 3


def test_evaluation_completion_is_evaluated_of_completed(demo_db) -> None:
    sam, rows = three_completed(demo_db)
    period, org = rows[0].period_id, rows[0].organisation_id
    with demo_db.read() as session:
        completed = session.scalars(
            select(CpdActivity.evaluation).where(
                CpdActivity.period_id == period,
                CpdActivity.organisation_id == org,
                CpdActivity.completion_state == CompletionState.COMPLETED,
            )
        ).all()
    before = dashboard_figures(demo_db, sam, period, org)
    assert before.completed == len(completed)
    assert before.evaluation_rate == pytest.approx(sum(e is not None for e in completed) / len(completed))

    record_evaluation(demo_db, sam, rows[0].id, None, check_evaluation(1, 3, "Worth it", ""))

    after = dashboard_figures(demo_db, sam, period, org)
    assert after.completed - after.without_evaluation == before.completed - before.without_evaluation + 1


def test_a_school_coordinator_sees_only_the_organisations_of_their_dashboard(demo_db) -> None:
    chris, sam = user_id(demo_db, "chris.lee"), user_id(demo_db, "sam.patel")
    with demo_db.read() as session:
        theirs = scope_for(session, chris).orgs(Module.DASHBOARD)
    everyone = {row.key for row in evaluation_figures(demo_db, sam, None).hours_by_organisation}
    shown = {row.key for row in evaluation_figures(demo_db, chris, None).hours_by_organisation}
    assert shown <= theirs and shown < everyone


def _cells(sheet) -> list[tuple]:
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_the_workbook_gains_evaluation_sheets_and_keeps_the_budget_sheet_as_it_was(demo_db, tmp_path) -> None:
    from openpyxl import load_workbook

    from db.excel import budget_sheet
    from db.excel.evaluation_sheet import EVALUATION_SHEET, PEOPLE_SHEET
    from db.excel.export import export_workbook
    from db.excel.layout import BUDGET_SHEET
    from db.excel.writer import TextStyle, open_workbook
    from db.queries.activity_export import filter_from_options
    from db.queries.budget_summary import budget_lines

    alex = user_id(demo_db, "alex.morgan")
    filt = filter_from_options(demo_db, period="2025/26")
    path = export_workbook(demo_db, alex, filt, tmp_path / "budget.xlsx").path

    # The Budget sheet is exactly what the Budget sheet writer alone makes of the same lines.
    with demo_db.read() as session:
        lines = budget_lines(session, scope_for(session, alex), [filt.period_id], None)
    alone = tmp_path / "alone.xlsx"
    book = open_workbook(alone)
    header = TextStyle(book, {"bold": True})
    budget_sheet.write(book, book.add_worksheet(BUDGET_SHEET), header, lines)
    book.close()
    exported = load_workbook(path)
    assert _cells(exported[BUDGET_SHEET]) == _cells(load_workbook(alone)[BUDGET_SHEET])

    figures = evaluation_figures(demo_db, alex, filt.period_id, module=Module.PARTNERSHIP_CPD, people_limit=None)
    summary = {row[0]: row[1] for row in _cells(exported[EVALUATION_SHEET]) if row[0]}
    assert summary["CPD hours evaluated"] == pytest.approx(figures.hours)
    dashboard = dashboard_figures(demo_db, alex, filt.period_id)
    assert summary["Completed activities"] == dashboard.completed
    assert summary["Evaluation completion"] == pytest.approx(dashboard.evaluation_rate)
    for row in figures.rating_by_type:
        assert summary[row.name] == pytest.approx(row.average)
    people = _cells(exported[PEOPLE_SHEET])[1:]
    assert len(people) == figures.people
    assert sum(row[2] for row in people) == pytest.approx(figures.hours)


# -- the figures from the hours and ratings the activities carry (migration 0018) ---------------------


def _joined(db, user: int, period: int | None, module: Module = Module.DASHBOARD) -> dict:
    """What the CPD was worth worked out from the evaluations themselves (the join the figures made before
    0018), with everyone listed: the reference the carried hours and ratings must give."""
    a, e = CpdActivity, ActivityEvaluation
    with db.read() as session:
        scope = scope_for(session, user)
        where = [scope.rows_in_reach(module, a.organisation_id, a.job_id)]
        if period is not None:
            where.append(a.period_id == period)
        rows = session.execute(
            select(a.organisation_id, a.provider, a.activity_type, Job.person_id, e.hours, e.rating)
            .select_from(e)
            .join(a, a.id == e.activity_id)
            .join(Job, Job.id == a.job_id)
            .where(*where)
        ).all()
        names = dict(session.execute(select(Organisation.id, Organisation.name)).tuples().all())
    orgs: dict[int, list] = {}
    people: dict[int, list] = {}
    types: dict[str, list] = {}
    where: dict[int, set[int]] = {}
    for org, _provider, kind, person, hours, rating in rows:
        where.setdefault(person, set()).add(org)
        for table, key in ((orgs, org), (people, person), (types, kind)):
            entry = table.setdefault(key, [0.0, 0, 0, 0])
            entry[0] += hours or 0.0
            entry[1] += 1
            entry[2] += rating is not None
            entry[3] += rating or 0

    def done_at(person: int) -> str:
        first, more = names[min(where[person])], len(where[person]) - 1
        return f"{first} and {more} more" if more else first

    return {
        "orgs": {key: (round(h, 2), n) for key, (h, n, _r, _s) in orgs.items()},
        "people": {key: (round(h, 2), n, done_at(key)) for key, (h, n, _r, _s) in people.items()},
        "types": {key: (r, round(s / r, 2)) for key, (_h, _n, r, s) in types.items() if r},
    }


def _carried(db, user: int, period: int | None) -> dict:
    figures = evaluation_figures(db, user, period, people_limit=None)
    return {
        "orgs": {row.key: (row.hours, row.evaluations) for row in figures.hours_by_organisation},
        "people": {row.key: (row.hours, row.evaluations, row.organisation) for row in figures.hours_by_person},
        "types": {row.name: (row.evaluations, row.average) for row in figures.rating_by_type},
    }


def _current_period(db) -> int:
    with db.read() as session:
        return session.scalar(
            select(CpdActivity.period_id).where(CpdActivity.evaluation_hours.is_not(None)).order_by(CpdActivity.id)
        )


def test_the_figures_from_the_activities_equal_those_from_the_evaluations(demo_db) -> None:
    sam, rows = three_completed(demo_db)
    record_evaluation(demo_db, sam, rows[0].id, None, check_evaluation(2.5, 5, "First", ""))
    version = record_evaluation(demo_db, sam, rows[1].id, None, check_evaluation(0.5, 1, "Second", ""))
    record_evaluation(demo_db, sam, rows[1].id, version, check_evaluation(6, 2, "Corrected", ""))  # a correction
    chris = user_id(demo_db, "chris.lee")
    for user in (sam, chris):
        for period in (rows[1].period_id, _current_period(demo_db), None):
            expected = _joined(demo_db, user, period)
            assert expected["orgs"], "the demo has evaluations to add up"
            assert _carried(demo_db, user, period) == expected
    figures = evaluation_figures(demo_db, sam, rows[1].period_id)  # the dashboard's: the first people listed
    everyone = _joined(demo_db, sam, rows[1].period_id)["people"]
    assert figures.people == len(everyone)
    ranked = sorted(everyone.items(), key=lambda item: -item[1][0])
    assert [row.hours for row in figures.hours_by_person] == [hours for _person, (hours, *_rest) in ranked][:200]


def test_the_migration_copies_every_evaluation_onto_its_activity(demo_db) -> None:
    """Back to 0017 (no copies), an evaluation corrected there, then up again: the copies are the evaluations'."""
    from alembic import command
    from sqlalchemy import text

    from db.migrate import alembic_config

    sam = user_id(demo_db, "sam.patel")
    period = _current_period(demo_db)
    expected = _joined(demo_db, sam, None)
    with demo_db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0017")
        connection.execute(text("UPDATE activity_evaluations SET hours = NULL, rating = 1 WHERE activity_id % 5 = 0"))
    changed = _joined(demo_db, sam, None)
    assert changed != expected
    with demo_db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert _carried(demo_db, sam, None) == changed
    assert _carried(demo_db, sam, period) == _joined(demo_db, sam, period)


def test_an_older_database_gains_each_evaluations_person(demo_db) -> None:
    """Back to 0022 (no person beside the hours), then up again: the hours per person are the evaluations'."""
    from alembic import command

    from db.migrate import alembic_config

    sam = user_id(demo_db, "sam.patel")
    period = _current_period(demo_db)
    with demo_db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0022")
        if connection.dialect.name == "sqlite":  # SQLite keeps the column: as a file written before it
            connection.exec_driver_sql("UPDATE cpd_activities SET evaluation_person_id = NULL")
    with demo_db.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    for when in (period, None):
        assert _carried(demo_db, sam, when)["people"] == _joined(demo_db, sam, when)["people"]


def _evaluated_person_elsewhere(db, among: set[int], than: set[int]) -> tuple[int, int]:
    """(organisation, person) of an evaluated activity at one of ``among``, not at ``than``, whose person
    has exactly one job."""
    with db.read() as session:
        one_job = select(Job.person_id).group_by(Job.person_id).having(func.count() == 1)
        return session.execute(
            select(CpdActivity.organisation_id, Job.person_id)
            .join(Job, Job.id == CpdActivity.job_id)
            .where(
                CpdActivity.evaluation_hours > 0,
                Job.person_id.in_(one_job),
                CpdActivity.organisation_id.in_(among),
                CpdActivity.organisation_id.not_in(than),
            )
            .order_by(CpdActivity.id)
            .limit(1)
        ).one()


def test_linking_two_records_adds_their_evaluated_hours_up_under_the_kept_person(demo_db) -> None:
    from db.models import Person
    from db.queries.people import staff_form_choices
    from db.services.job_lifecycle import link_people

    alex, sam = user_id(demo_db, "alex.morgan"), user_id(demo_db, "sam.patel")
    linkable = {choice.id for choice in staff_form_choices(demo_db, alex).organisations}  # alex keeps their staff
    first_org, keep = _evaluated_person_elsewhere(demo_db, linkable, set())
    _org, merge = _evaluated_person_elsewhere(demo_db, linkable, {first_org})
    before = _carried(demo_db, sam, None)["people"]
    with demo_db.read() as session:
        kept, merged = (session.get(Person, person).version for person in (keep, merge))

    link_people(demo_db, alex, keep, kept, merge, merged)

    after = _carried(demo_db, sam, None)["people"]
    assert merge not in after
    assert after[keep][0] == pytest.approx(before[keep][0] + before[merge][0])
    assert after[keep][1] == before[keep][1] + before[merge][1]
    assert after == _joined(demo_db, sam, None)["people"]


def test_the_people_listed_are_the_first_of_everyone_ranked_and_everyone_is_counted(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    period = _current_period(demo_db)
    everyone = evaluation_figures(demo_db, sam, period, people_limit=None)
    assert everyone.people == len(everyone.hours_by_person) > 3
    first = evaluation_figures(demo_db, sam, period, people_limit=3)
    assert first.people == everyone.people
    assert first.hours_by_person == everyone.hours_by_person[:3]
