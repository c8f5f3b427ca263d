"""The write contract (db/actions.py): one transaction, scope, audit, notifications, what changed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.actions import begin
from db.changes import recorded
from db.engine import Database
from db.errors import NotFound, PermissionDenied, StaleData
from db.models import AuditEntry, Budget, Level, Module, Notification, Organisation, OrgKind
from tests.helpers import user_id


def _count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _school(db: Database) -> int:
    with db.read() as session:
        found = session.scalar(select(Organisation.id).where(Organisation.kind != OrgKind.TRUST).limit(1))
    assert found is not None
    return found


def test_a_committed_action_records_its_audit_row_and_changes(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = _school(demo_db)
    audits = _count(demo_db, AuditEntry)

    def work() -> int:
        with begin(demo_db, sam) as act:
            org = act.fetch(Organisation, school, missing="gone")
            act.audit("organisation_looked_at", "organisation", org.id, after={"name": org.name})
            act.changed("organisations", org.id)
            act.changed("organisations", [org.id, org.id + 1000])
            return org.id

    outcome = recorded(work)
    assert outcome.result == school
    assert [(c.kind, c.ids) for c in outcome.changes] == [("organisations", frozenset({school, school + 1000}))]
    assert _count(demo_db, AuditEntry) == audits + 1
    with demo_db.read() as session:
        entry = session.execute(
            select(AuditEntry.user_id, AuditEntry.db_identity, AuditEntry.action)
            .order_by(AuditEntry.id.desc())
            .limit(1)
        ).one()
    assert tuple(entry) == (sam, demo_db.identity, "organisation_looked_at")


def test_a_change_of_a_whole_kind_wins_over_ids(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")

    def work() -> None:
        with begin(demo_db, sam) as act:
            act.changed("groups", 3)
            act.changed("groups")
            act.changed("groups", 4)

    assert [(c.kind, c.ids) for c in recorded(work).changes] == [("groups", frozenset())]


def test_a_failed_action_changes_and_publishes_nothing(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = _school(demo_db)
    audits, notes = _count(demo_db, AuditEntry), _count(demo_db, Notification)
    with demo_db.read() as session:
        job = session.scalar(select(func.min(Notification.recipient_job_id)))

    def work() -> None:
        with begin(demo_db, sam) as act:
            act.audit("x", "organisation", school)
            if job is not None:
                act.notify(job, "x", "subject")
            act.changed("organisations", school)
            raise StaleData("in the way")

    with pytest.raises(StaleData):
        recorded(work)
    assert (_count(demo_db, AuditEntry), _count(demo_db, Notification)) == (audits, notes)


def test_the_preamble_refuses_in_sentences(demo_db: Database) -> None:
    viewer = user_id(demo_db, "jo.evans")  # CPD team member: sees budgets, does not set them
    school = _school(demo_db)
    with begin(demo_db, viewer) as act:
        with pytest.raises(NotFound, match="That budget has gone"):
            act.fetch(Budget, 10**9, missing="That budget has gone.")
        with pytest.raises(PermissionDenied, match="You may not set this budget"):
            act.require(Module.BUDGETS, school, Level.DECIDE, what="set this budget")
        org = act.fetch(Organisation, school, missing="gone")
        act.check_version(org, org.version, "The school")
        with pytest.raises(StaleData, match="The school was changed by someone else"):
            act.check_version(org, org.version + 1, "The school")
        with pytest.raises(StaleData):
            act.check_version(None, 1, "The budget")
        act.check_version(None, None, "A budget nobody has set")


def test_changes_outside_recording_are_dropped_and_nested_recordings_share(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    with begin(demo_db, sam) as act:  # a command-line run: nobody listens, nothing accumulates
        act.changed("budgets", 1)

    def inner() -> None:
        with begin(demo_db, sam) as act:
            act.changed("budgets", 2)

    def outer() -> None:
        assert [c.ids for c in recorded(inner).changes] == [frozenset({2})]
        with begin(demo_db, sam) as act:
            act.changed("jobs", 5)

    assert [(c.kind, c.ids) for c in recorded(outer).changes] == [
        ("budgets", frozenset({2})),
        ("jobs", frozenset({5})),
    ]
