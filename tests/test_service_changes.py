"""Every service says what it changed (``act.changed``), so the operation that ran it can publish
that on the data bus: the panels that watch those kinds refresh, and widgets never publish.

One case per service: the service runs under ``db.changes.recorded`` as the desktop's operation
runs it, and the kinds (and ids, where the service knows them) it recorded are what a panel needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from db.changes import DataChange, recorded
from db.engine import Database
from db.models import (
    Budget,
    CpdActivity,
    CpdTeamState,
    Job,
    LineManagerState,
    Module,
    Organisation,
    OrgKind,
    PartnershipState,
)
from db.queries.activities import ACTIVITIES
from db.queries.flood_fill import FLOOD_FILLS
from db.queries.gias_import import preview_gias_import
from db.queries.groups import GROUPS
from db.queries.organisations import BUDGETS, ORGANISATIONS
from db.queries.saved_views import SAVED_VIEWS
from db.queries.staff import JOBS
from db.scope import scope_for
from db.services import groups as groups_service
from db.services.activity_edits import current_edit, edit_activity
from db.services.budgets import set_budget
from db.services.decisions import mark_completed, revert_batch
from db.services.flood_fill import FloodFillSpec, create_flood_fill
from db.services.gias_import import apply_gias_import
from db.services.jobs import bring_up_job, set_staff_visibility
from db.services.organisations import save_details
from db.services.saved_views import create_shared_view, delete_shared_view
from db.services.signoff import sign_off
from tests.helpers import pending_elsewhere, user_id
from tests.test_flood_fill_service import fillable_jobs, primary_creator
from tests.test_gias_import import EXTRACT, GRADES, TRUST

Expected = set[tuple[str, frozenset[int]]]


def _kinds(changes: tuple[DataChange, ...]) -> Expected:
    return {(change.kind, change.ids) for change in changes}


def _decidable_orgs(db: Database, username: str = "sam.patel") -> set[int]:
    with db.read() as session:
        return set(scope_for(session, user_id(db, username)).orgs(Module.PARTNERSHIP_CPD, at_least=3))


def _pending(db: Database, limit: int = 3) -> dict[int, int]:
    return pending_elsewhere(db, "sam.patel", _decidable_orgs(db), limit=limit)


def _school(db: Database) -> Organisation:
    with db.read() as session:
        org = session.scalars(select(Organisation).where(Organisation.kind == OrgKind.SCHOOL).limit(1)).one()
        session.expunge(org)
        return org


def budget(db: Database) -> tuple[object, Expected]:
    with db.read() as session:
        row = session.scalars(select(Budget).order_by(Budget.id).limit(1)).one()
        org, period, amount, version, budget_id = (
            row.organisation_id, row.period_id, row.amount_pence, row.version, row.id
        )  # fmt: skip
    alex = user_id(db, "alex.morgan")
    return lambda: set_budget(db, alex, org, period, amount + 100, version), {(BUDGETS, frozenset({budget_id}))}


def details(db: Database) -> tuple[object, Expected]:
    org = _school(db)
    alex = user_id(db, "alex.morgan")
    work = lambda: save_details(db, alex, org.id, org.version, expertise="Oracy; phonics", leader="Ann Lee")  # noqa: E731
    return work, {(ORGANISATIONS, frozenset({org.id}))}


def visibility(db: Database) -> tuple[object, Expected]:
    org = _school(db)
    alex = user_id(db, "alex.morgan")
    work = lambda: set_staff_visibility(db, alex, org.id, not org.staff_visibility_restricted, org.version)  # noqa: E731
    return work, {(ORGANISATIONS, frozenset({org.id})), (JOBS, frozenset())}


def bring_up(db: Database) -> tuple[object, Expected]:
    sam = user_id(db, "sam.patel")
    with db.read() as session:
        trust = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
        has_trust_job = select(Job.person_id).where(Job.organisation_id == trust)
        orgs = scope_for(session, sam).orgs(Module.STAFF)
        job_id = session.scalars(
            select(Job.id).where(Job.organisation_id.in_(sorted(orgs - {trust})), Job.person_id.not_in(has_trust_job))
        ).first()
    assert job_id is not None
    return lambda: bring_up_job(db, sam, job_id), {(JOBS, None)}  # the new job's id is only known after


def groups(db: Database) -> tuple[object, Expected]:
    sam = user_id(db, "sam.patel")
    category = groups_service.create_category(db, sam, "Changes test")
    group = groups_service.create_group(db, sam, category, "Year 6")
    return lambda: groups_service.rename_group(db, sam, group, "Year 6 team", 1), {(GROUPS, frozenset({group}))}


def category(db: Database) -> tuple[object, Expected]:
    sam = user_id(db, "sam.patel")
    return lambda: groups_service.create_category(db, sam, "Whole kind"), {(GROUPS, frozenset())}


def saved_view(db: Database) -> tuple[object, Expected]:
    sam = user_id(db, "sam.patel")
    view = create_shared_view(db, sam, "Pending at my schools", {"partnership_state": "pending"})
    return lambda: delete_shared_view(db, sam, view), {(SAVED_VIEWS, frozenset({view}))}


def signing_off(db: Database) -> tuple[object, Expected]:
    sam = user_id(db, "sam.patel")
    ticked = _pending(db)
    work = lambda: sign_off(db, sam, ticked, PartnershipState.AUTHORISED)  # noqa: E731
    return work, {(ACTIVITIES, frozenset(ticked))}


def undoing(db: Database) -> tuple[object, Expected]:
    sam = user_id(db, "sam.patel")
    ticked = _pending(db)
    batch = sign_off(db, sam, ticked, PartnershipState.AUTHORISED).batch_id
    assert batch is not None
    return lambda: revert_batch(db, sam, batch), {(ACTIVITIES, frozenset(ticked))}


def completing(db: Database) -> tuple[object, Expected]:
    sam = user_id(db, "sam.patel")
    activity_id, version = next(iter(_pending(db, limit=1).items()))
    starts_on = date.today() - timedelta(days=10)
    with db.transaction() as session:
        session.execute(
            update(CpdActivity)
            .where(CpdActivity.id == activity_id)
            .values(
                starts_on=starts_on,
                ends_on=starts_on,
                line_manager_state=LineManagerState.AGREED,
                cpd_team_state=CpdTeamState.APPROVED,
            )
        )
    work = lambda: mark_completed(db, sam, activity_id, version, starts_on)  # noqa: E731
    return work, {(ACTIVITIES, frozenset({activity_id}))}


def editing(db: Database) -> tuple[object, Expected]:
    sam = user_id(db, "sam.patel")
    activity_id = next(iter(_pending(db, limit=1)))
    with db.read() as session:
        row = session.get(CpdActivity, activity_id)
        assert row is not None
        edit, version = current_edit(row), row.version
    changed = replace(edit, travel_cost_pence=edit.travel_cost_pence + 1234)
    work = lambda: edit_activity(db, sam, activity_id, version, changed)  # noqa: E731
    return work, {(ACTIVITIES, frozenset({activity_id}))}


def flood_filling(db: Database) -> tuple[object, Expected]:
    sam = user_id(db, "sam.patel")
    spec = FloodFillSpec("Changes INSET", "INSET", "Hub", date(2026, 1, 5), date(2026, 1, 5), primary_creator(db))
    jobs = fillable_jobs(db, "sam.patel")[:5]
    return lambda: create_flood_fill(db, sam, spec, jobs), {(ACTIVITIES, frozenset()), (FLOOD_FILLS, None)}


def gias(db: Database) -> tuple[object, Expected]:
    alex = user_id(db, "alex.morgan")
    plan = preview_gias_import(db, alex, EXTRACT, TRUST, GRADES)
    return lambda: apply_gias_import(db, alex, plan), {(ORGANISATIONS, None)}


CASES: dict[str, Callable[[Database], tuple[object, Expected]]] = {
    "set_budget": budget,
    "save_details": details,
    "set_staff_visibility": visibility,
    "bring_up_job": bring_up,
    "rename_group": groups,
    "create_category": category,
    "delete_shared_view": saved_view,
    "sign_off": signing_off,
    "revert_batch": undoing,
    "mark_completed": completing,
    "edit_activity": editing,
    "create_flood_fill": flood_filling,
    "apply_gias_import": gias,
}


@pytest.mark.parametrize("service", sorted(CASES))
def test_each_service_records_what_it_changed(demo_db: Database, service: str) -> None:
    work, expected = CASES[service](demo_db)
    done = recorded(work)  # type: ignore[arg-type]
    got = _kinds(done.changes)
    # ``None`` stands for ids only the service knows (a new row's): the kind must be there, with some ids.
    for kind, ids in expected:
        if ids is None:
            assert any(k == kind and found for k, found in got), f"{service}: no {kind} change with ids in {got}"
        else:
            assert (kind, ids) in got, f"{service}: expected {kind} {sorted(ids)}, recorded {got}"
    assert {kind for kind, _ids in got} == {kind for kind, _ids in expected}


def test_a_refused_service_records_nothing(demo_db: Database) -> None:
    jo = user_id(demo_db, "jo.evans")
    org = _school(demo_db)
    outcome: list[Exception] = []

    def work() -> None:
        try:
            save_details(demo_db, jo, org.id, org.version, expertise="Not mine", leader=None)
        except Exception as error:  # the refusal is the point: nothing may have been recorded
            outcome.append(error)

    assert recorded(work).changes == ()
    assert outcome, "jo.evans should not be able to change a school's details"


def test_bulk_audit_rows_are_stamped_with_the_acting_user_whatever_the_rows_say(demo_db: Database) -> None:
    """``audit_rows`` and ``audit_from_select`` (the bulk paths of sign-off and flood fill) stamp the
    user and the database identity themselves, as ``audit`` does (A2, A3)."""
    from db.actions import begin
    from db.models import AuditEntry

    sam = user_id(demo_db, "sam.patel")
    with begin(demo_db, sam) as act:
        act.audit_rows([{"action": "bulk_probe", "entity": "probe", "entity_id": 1, "user_id": 999_999}])
        act.audit_from_select(
            {"action": "select_probe", "entity": "probe", "db_identity": "someone else"},
            select(CpdActivity.id).order_by(CpdActivity.id).limit(3),
            ["entity_id"],
        )
    with demo_db.read() as session:
        stamped = session.execute(
            select(AuditEntry.action, AuditEntry.user_id, AuditEntry.db_identity, AuditEntry.entity_id).where(
                AuditEntry.entity == "probe"
            )
        ).all()
    assert sorted(action for action, *_ in stamped) == ["bulk_probe", *["select_probe"] * 3]
    assert {(user, identity) for _action, user, identity, _id in stamped} == {(sam, demo_db.identity)}
    assert all(entity_id is not None for *_rest, entity_id in stamped)
