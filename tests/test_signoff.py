"""Partnership sign-off (C3, C4): one transaction, nothing guessed, everything audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

import db.actions as actions_module
from db.errors import PermissionDenied, ValidationError
from db.models import AuditEntry, CpdActivity, Job, Module, Notification, PartnershipState, SharingLevel
from db.progress import Cancelled
from db.scope import scope_for
from db.services.signoff import SkipReason, sign_off
from tests.helpers import activities, org_with_sharing, own_person_id, pending_elsewhere, user_id


def decidable_orgs(db, username: str) -> set[int]:
    with db.read() as session:
        return set(scope_for(session, user_id(db, username)).orgs(Module.PARTNERSHIP_CPD, at_least=3))


def states(db, ids) -> dict[int, PartnershipState]:
    with db.read() as session:
        return dict(
            session.execute(select(CpdActivity.id, CpdActivity.partnership_state).where(CpdActivity.id.in_(ids)))
            .tuples()
            .all()
        )


def test_authorising_ticked_rows_records_decision_audit_and_notification(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=20)
    assert len(ticked) == 20

    result = sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED, "Fits the school improvement plan")

    assert sorted(result.applied) == sorted(ticked)
    assert result.skipped == ()
    with demo_db.read() as session:
        rows = session.execute(select(CpdActivity).where(CpdActivity.id.in_(ticked))).scalars().all()
        assert {r.partnership_state for r in rows} == {PartnershipState.AUTHORISED}
        assert all(r.version == ticked[r.id] + 1 for r in rows)
        assert all(r.partnership_user_id == sam and r.charged_organisation_id == r.organisation_id for r in rows)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.decision_batch_id == result.batch_id)).all()
        assert len(audit) == 20
        assert audit[0].before["partnership_state"] == "pending"
        assert audit[0].after["partnership_state"] == "authorised"
        assert audit[0].reason == "Fits the school improvement plan"
        notes = session.scalar(
            select(func.count()).select_from(Notification).where(Notification.activity_id.in_(ticked))
        )
        assert notes == 20


def test_rejecting_needs_a_reason_and_changes_nothing_without_one(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=5)
    with pytest.raises(ValidationError, match="reason"):
        sign_off(demo_db, sam, ticked, PartnershipState.REJECTED, "   ")
    assert set(states(demo_db, ticked).values()) == {PartnershipState.PENDING}


def test_rows_changed_since_shown_are_left_alone_and_reported(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=6)
    stale_id = next(iter(ticked))
    shown = dict(ticked)
    shown[stale_id] -= 1 if shown[stale_id] > 1 else -5  # the user saw an older version

    result = sign_off(demo_db, sam, shown, PartnershipState.AUTHORISED)

    assert result.count(SkipReason.CHANGED) == 1
    assert stale_id not in result.applied and len(result.applied) == 5
    assert states(demo_db, [stale_id])[stale_id] == PartnershipState.PENDING


def test_nobody_authorises_their_own_request(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    person = own_person_id(demo_db, "sam.patel")
    own = activities(
        demo_db,
        CpdActivity.job_id.in_(select(Job.id).where(Job.person_id == person)),
        CpdActivity.partnership_state == PartnershipState.PENDING,
    )
    assert own, "the demo gives sam.patel requests of their own"
    result = sign_off(demo_db, sam, own, PartnershipState.AUTHORISED)
    assert result.applied == ()
    assert result.count(SkipReason.OWN_REQUEST) == len(own)


def test_view_and_comment_users_may_not_decide(demo_db) -> None:
    jo = user_id(demo_db, "jo.evans")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=3)
    with pytest.raises(PermissionDenied):
        sign_off(demo_db, jo, ticked, PartnershipState.AUTHORISED)


def test_a_school_without_group_actions_is_not_decided_centrally(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    mis_only = org_with_sharing(demo_db, SharingLevel.MIS)
    ticked = pending_elsewhere(demo_db, "sam.patel", {mis_only}, limit=3)
    assert ticked
    result = sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED)
    assert result.count(SkipReason.NOT_SHARED) == len(ticked)  # and the result says why
    assert set(states(demo_db, ticked).values()) == {PartnershipState.PENDING}


def test_already_decided_rows_are_reported(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    decided = activities(
        demo_db,
        CpdActivity.partnership_state == PartnershipState.REJECTED,
        CpdActivity.organisation_id.in_(decidable_orgs(demo_db, "sam.patel")),
        limit=3,
    )
    result = sign_off(demo_db, sam, decided, PartnershipState.AUTHORISED)
    assert result.count(SkipReason.ALREADY_DECIDED) == len(decided)


def test_missing_rows_are_reported(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    result = sign_off(demo_db, sam, {987_654_321: 1}, PartnershipState.AUTHORISED)
    assert result.count(SkipReason.NOT_FOUND) == 1


def test_cancel_before_commit_changes_nothing(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=10)

    class CancelAtOnce:
        def report(self, done: int, total: int, text: str = "") -> None:
            pass

        def check_cancelled(self) -> None:
            raise Cancelled()

    with pytest.raises(Cancelled):
        sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED, progress=CancelAtOnce())
    assert set(states(demo_db, ticked).values()) == {PartnershipState.PENDING}
    with demo_db.read() as session:
        assert not session.scalar(
            select(func.count()).select_from(Notification).where(Notification.activity_id.in_(ticked))
        )


def test_a_failure_midway_leaves_nothing_half_done(demo_db, monkeypatch) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=10)
    real_insert = (
        actions_module.Action._insert_many
    )  # the action writes a decision's audit rows, then its notifications

    def failing_insert(self, table, *args):
        if table is Notification.__table__:
            raise RuntimeError("the database went away")
        return real_insert(self, table, *args)

    monkeypatch.setattr(actions_module.Action, "_insert_many", failing_insert)
    with pytest.raises(RuntimeError):
        sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED)
    assert set(states(demo_db, ticked).values()) == {PartnershipState.PENDING}
    with demo_db.read() as session:
        assert not session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id.in_(ticked)))
