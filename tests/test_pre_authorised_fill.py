"""A pre-authorised flood fill (F5) is a partnership decision like any other (C3, A2, C4 undo)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select, update

from db.errors import StaleData, ValidationError
from db.models import AuditEntry, CpdActivity, DecisionBatch, Notification, PartnershipState
from db.queries.recent_decisions import recent_batches
from db.services.decisions import revert_batch
from db.services.flood_fill import PRE_AUTHORISED, create_flood_fill
from db.services.signoff import sign_off
from tests.helpers import user_id
from tests.test_flood_fill_service import fillable_jobs, spec  # noqa: F401  (fixture)


def _fill(db, spec, size: int, username: str = "sam.patel"):  # noqa: F811
    uid = user_id(db, username)
    jobs = fillable_jobs(db, username, limit=size)
    assert len(jobs) == size
    result = create_flood_fill(db, uid, replace(spec, pre_authorise=True), jobs)
    with db.read() as session:
        rows = session.execute(
            select(CpdActivity.id, CpdActivity.job_id, CpdActivity.version, CpdActivity.decision_batch_id).where(
                CpdActivity.flood_fill_batch_id == result.batch_id
            )
        ).all()
    return uid, rows


def _state(db, ids) -> dict[int, tuple]:
    with db.read() as session:
        return {
            row[0]: tuple(row[1:])
            for row in session.execute(
                select(
                    CpdActivity.id,
                    CpdActivity.partnership_state,
                    CpdActivity.partnership_user_id,
                    CpdActivity.partnership_decided_at,
                    CpdActivity.decision_batch_id,
                    CpdActivity.charged_organisation_id,
                ).where(CpdActivity.id.in_(ids))
            )
        }


@pytest.mark.parametrize("size", [1, 7, 40])
def test_every_pre_authorised_activity_has_its_decision_audit_row_and_notification(demo_db, spec, size) -> None:  # noqa: F811
    sam, rows = _fill(demo_db, spec, size)
    ids = sorted(r.id for r in rows)
    batch_id = rows[0].decision_batch_id
    with demo_db.read() as session:
        audit = session.execute(
            select(AuditEntry.entity_id, AuditEntry.user_id, AuditEntry.before, AuditEntry.after, AuditEntry.reason)
            .where(AuditEntry.action == "partnership_authorised", AuditEntry.decision_batch_id == batch_id)
            .order_by(AuditEntry.entity_id)
        ).all()
        notes = session.execute(
            select(Notification.activity_id, Notification.recipient_job_id, Notification.kind).where(
                Notification.activity_id.in_(ids)
            )
        ).all()
    assert [a.entity_id for a in audit] == ids
    assert all(a.user_id == sam and a.reason == PRE_AUTHORISED for a in audit)
    assert all(
        a.before["partnership_state"] == "pending" and a.after == {"partnership_state": "authorised", "version": 1}
        for a in audit
    )
    assert sorted((n.activity_id, n.recipient_job_id) for n in notes) == sorted((r.id, r.job_id) for r in rows)
    assert {n.kind for n in notes} == {"partnership_authorised"}


def test_a_fill_that_is_not_pre_authorised_writes_no_decision_and_no_notification(demo_db, spec) -> None:  # noqa: F811
    sam = user_id(demo_db, "sam.patel")
    result = create_flood_fill(demo_db, sam, spec, fillable_jobs(demo_db, "sam.patel", limit=5))
    with demo_db.read() as session:
        ids = session.scalars(select(CpdActivity.id).where(CpdActivity.flood_fill_batch_id == result.batch_id)).all()
        assert session.scalar(select(func.count()).where(Notification.activity_id.in_(ids))) == 0
        assert (
            session.scalar(
                select(func.count()).where(AuditEntry.entity == "cpd_activity", AuditEntry.entity_id.in_(ids))
            )
            == 0
        )


@pytest.mark.parametrize("size", [1, 12])
def test_undo_of_a_pre_authorisation_returns_every_activity_to_pending(demo_db, spec, size) -> None:  # noqa: F811
    sam, rows = _fill(demo_db, spec, size)
    ids = sorted(r.id for r in rows)
    batch_id = rows[0].decision_batch_id
    assert batch_id in {b.id for b in recent_batches(demo_db, sam)}

    reverted = revert_batch(demo_db, sam, batch_id)

    assert sorted(reverted.restored) == ids
    assert set(_state(demo_db, ids).values()) == {(PartnershipState.PENDING, None, None, None, None)}
    with demo_db.read() as session:
        assert session.get(DecisionBatch, batch_id).reverted_at is not None
        reverted_rows = session.scalar(
            select(func.count()).where(AuditEntry.action == "partnership_reverted", AuditEntry.entity_id.in_(ids))
        )
        assert reverted_rows == size
    # The activities can now be decided again as any pending request.
    again = sign_off(demo_db, sam, {i: 2 for i in ids}, PartnershipState.REJECTED, "Not this term")
    assert sorted(again.applied) == ids


def test_undo_refuses_as_a_whole_when_one_pre_authorised_activity_was_decided_since(demo_db, spec) -> None:  # noqa: F811
    sam, rows = _fill(demo_db, spec, 6)
    ids = sorted(r.id for r in rows)
    batch_id = rows[0].decision_batch_id
    with demo_db.transaction() as session:  # an edit since (C5) moved one row on
        session.execute(update(CpdActivity).where(CpdActivity.id == ids[2]).values(version=CpdActivity.version + 1))
    before = _state(demo_db, ids)
    with pytest.raises(StaleData, match="1 of the 6 activities changed"):
        revert_batch(demo_db, sam, batch_id)
    assert _state(demo_db, ids) == before
    with demo_db.read() as session:
        assert session.get(DecisionBatch, batch_id).reverted_at is None


def test_a_pre_authorisation_made_without_audit_rows_is_still_undone_exactly(demo_db, spec) -> None:  # noqa: F811
    """Fills pre-authorised by an older TrustDesk have no decision audit rows; their undo is still exact."""
    sam, rows = _fill(demo_db, spec, 5)
    ids = sorted(r.id for r in rows)
    with demo_db.transaction() as session:  # the old program's shape: a flood-fill decision batch, no audit rows
        old = DecisionBatch(user_id=sam, decision=PartnershipState.AUTHORISED, reason=PRE_AUTHORISED,
                            activity_count=len(ids), source="flood_fill")  # fmt: skip
        session.add(old)
        session.flush()
        session.execute(update(CpdActivity).where(CpdActivity.id.in_(ids)).values(decision_batch_id=old.id, version=1))
        old_id = old.id
    reverted = revert_batch(demo_db, sam, old_id)
    assert sorted(reverted.restored) == ids
    assert {state[0] for state in _state(demo_db, ids).values()} == {PartnershipState.PENDING}


def test_undo_that_would_restore_nothing_is_refused_and_the_batch_stays_open(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    with demo_db.transaction() as session:  # a decision batch whose rows the log does not know
        batch = DecisionBatch(user_id=sam, decision=PartnershipState.AUTHORISED, reason="", activity_count=3)
        session.add(batch)
        session.flush()
        batch_id = batch.id
    with pytest.raises(ValidationError, match="covered 3 activities but the audit log records 0"):
        revert_batch(demo_db, sam, batch_id)
    with demo_db.read() as session:
        assert session.get(DecisionBatch, batch_id).reverted_at is None
