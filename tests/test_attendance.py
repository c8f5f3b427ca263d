"""Attendance and completion in bulk (C2, C4, D6): one transaction, conflicts reported, audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from db.errors import PermissionDenied, ValidationError
from db.models import (
    AuditEntry,
    CompletionState,
    CpdActivity,
    Module,
    Notification,
    PartnershipState,
    SharingLevel,
    TrainingEvent,
)
from db.scope import scope_for
from db.services.attendance import (
    FollowUpSkip,
    record_attendance,
    record_completion,
    record_event_attendance,
)
from tests.helpers import activities, org_with_sharing, user_id

YESTERDAY = date.today() - timedelta(days=1)


def decidable(db, username: str) -> set[int]:
    with db.read() as session:
        return set(scope_for(session, user_id(db, username)).orgs(Module.PARTNERSHIP_CPD, at_least=3))


def started_open(db, orgs: set[int], limit: int = 10) -> dict[int, int]:
    """Activities already started, not turned down, not yet attended, in these organisations."""
    return activities(
        db,
        CpdActivity.organisation_id.in_(orgs),
        CpdActivity.starts_on <= YESTERDAY,
        CpdActivity.completion_state == CompletionState.NOT_COMPLETED,
        CpdActivity.partnership_state.in_([PartnershipState.AUTHORISED, PartnershipState.PENDING]),
        CpdActivity.line_manager_state != "denied",
        CpdActivity.cpd_team_state != "declined",
        limit=limit,
    )


def states(db, ids) -> dict[int, CompletionState]:
    with db.read() as session:
        query = select(CpdActivity.id, CpdActivity.completion_state).where(CpdActivity.id.in_(ids))
        return dict(session.execute(query).tuples().all())


def test_marking_ticked_rows_attended_changes_them_with_one_audit_row_each(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = started_open(demo_db, decidable(demo_db, "sam.patel"))
    assert len(ticked) == 10

    result = record_attendance(demo_db, sam, ticked, attended=True)

    assert sorted(result.applied) == sorted(ticked) and result.skipped == ()
    assert set(states(demo_db, ticked).values()) == {CompletionState.ATTENDED}
    with demo_db.read() as session:
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "attendance_recorded", AuditEntry.entity_id.in_(ticked))
        ).all()
        assert len(audit) == 10 and audit[0].after["completion_state"] == "attended"
        versions = activities(demo_db, CpdActivity.id.in_(ticked))
        assert all(versions[i] == ticked[i] + 1 for i in ticked)


def test_did_not_attend_then_a_stale_row_is_reported_and_left_alone(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = started_open(demo_db, decidable(demo_db, "sam.patel"), limit=4)
    first = min(ticked)
    record_attendance(demo_db, sam, {first: ticked[first]}, attended=False)

    result = record_attendance(demo_db, sam, ticked, attended=False)  # ``first`` is now a version behind

    assert [row.activity_id for row in result.skipped] == [first]
    assert result.skipped[0].reason is FollowUpSkip.CHANGED
    assert sorted(result.applied) == sorted(set(ticked) - {first})
    assert set(states(demo_db, ticked).values()) == {CompletionState.DID_NOT_ATTEND}


def test_completion_with_a_date_notifies_the_individual(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = started_open(demo_db, decidable(demo_db, "sam.patel"), limit=5)
    with demo_db.read() as session:
        latest_start = session.scalar(select(func.max(CpdActivity.starts_on)).where(CpdActivity.id.in_(ticked)))

    result = record_completion(demo_db, sam, ticked, latest_start)

    assert sorted(result.applied) == sorted(ticked)
    with demo_db.read() as session:
        rows = session.scalars(select(CpdActivity).where(CpdActivity.id.in_(ticked))).all()
        assert {(r.completion_state, r.completed_on) for r in rows} == {(CompletionState.COMPLETED, latest_start)}
        notes = session.scalars(select(Notification).where(Notification.activity_id.in_(ticked))).all()
        assert len(notes) == 5 and all("recorded as completed" in n.subject for n in notes)


def test_a_future_completion_date_is_one_sentence_and_changes_nothing(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = started_open(demo_db, decidable(demo_db, "sam.patel"), limit=3)
    with pytest.raises(ValidationError, match="in the future"):
        record_completion(demo_db, sam, ticked, date.today() + timedelta(days=1))
    assert set(states(demo_db, ticked).values()) == {CompletionState.NOT_COMPLETED}


def test_rejected_and_withdrawn_requests_are_left_alone(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = started_open(demo_db, decidable(demo_db, "sam.patel"), limit=3)
    rejected, withdrawn, fine = sorted(ticked)
    with demo_db.transaction() as session:
        for activity_id, state in ((rejected, PartnershipState.REJECTED), (withdrawn, PartnershipState.WITHDRAWN)):
            row = session.get(CpdActivity, activity_id)
            row.partnership_state = state
            session.add(AuditEntry(user_id=sam, action="test", entity="cpd_activity", entity_id=activity_id))
    fresh = activities(demo_db, CpdActivity.id.in_(ticked))

    result = record_completion(demo_db, sam, fresh, YESTERDAY)

    assert result.applied == (fine,)
    assert {row.activity_id: row.reason for row in result.skipped} == {
        rejected: FollowUpSkip.TURNED_DOWN,
        withdrawn: FollowUpSkip.TURNED_DOWN,
    }


def test_a_school_that_does_not_share_group_actions_is_reported_not_touched(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = org_with_sharing(demo_db, SharingLevel.MIS)
    rows = activities(demo_db, CpdActivity.organisation_id == school, CpdActivity.starts_on <= YESTERDAY, limit=3)
    assert rows

    result = record_attendance(demo_db, sam, rows)

    assert result.applied == ()
    assert {row.reason for row in result.skipped} == {FollowUpSkip.NOT_PERMITTED}


def test_a_comment_level_user_may_not_record_attendance(demo_db) -> None:
    jo = user_id(demo_db, "jo.evans")
    with demo_db.read() as session:
        if scope_for(session, jo).best_level(Module.PARTNERSHIP_CPD) >= 3:
            pytest.skip("jo.evans decides somewhere in this demo")
    rows = started_open(demo_db, decidable(demo_db, "sam.patel"), limit=2)
    with pytest.raises(PermissionDenied, match="not record attendance"):
        record_attendance(demo_db, jo, rows)


def test_a_training_event_register_marks_all_its_activities(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    orgs = decidable(demo_db, "sam.patel")
    ids = sorted(started_open(demo_db, orgs, limit=6))
    with demo_db.transaction() as session:
        event = TrainingEvent(
            organisation_id=min(orgs), title="Twilight: feedback", starts_on=YESTERDAY, ends_on=YESTERDAY
        )
        session.add(event)
        session.flush()
        event_id = event.id
        session.execute(
            update(CpdActivity)
            .where(CpdActivity.id.in_(ids))
            .values(training_event_id=event_id, starts_on=YESTERDAY, ends_on=YESTERDAY)
        )
        for activity_id in ids:
            session.add(AuditEntry(user_id=sam, action="test", entity="cpd_activity", entity_id=activity_id))

    result = record_event_attendance(demo_db, sam, event_id, attended=True)

    assert sorted(result.applied) == ids
    assert set(states(demo_db, ids).values()) == {CompletionState.ATTENDED}
    again = record_event_attendance(demo_db, sam, event_id, attended=True)
    assert again.applied == () and again.count(FollowUpSkip.ALREADY) == len(ids)


def test_nothing_ticked_is_one_sentence(demo_db) -> None:
    with pytest.raises(ValidationError, match="No activities were ticked"):
        record_attendance(demo_db, user_id(demo_db, "sam.patel"), {})


def test_one_completion_from_the_details_notifies_and_a_withdrawn_request_is_refused(demo_db) -> None:
    from db.services.decisions import mark_completed

    sam = user_id(demo_db, "sam.patel")
    first, second = sorted(started_open(demo_db, decidable(demo_db, "sam.patel"), limit=2))
    versions = activities(demo_db, CpdActivity.id.in_([first, second]))
    mark_completed(demo_db, sam, first, versions[first], YESTERDAY)
    with demo_db.read() as session:
        notes = session.scalars(select(Notification.kind).where(Notification.activity_id == first)).all()
    assert notes == ["completion_recorded"]

    with demo_db.transaction() as session:
        session.get(CpdActivity, second).partnership_state = PartnershipState.WITHDRAWN
        session.add(AuditEntry(user_id=sam, action="test", entity="cpd_activity", entity_id=second))
    version = activities(demo_db, CpdActivity.id == second)[second]
    with pytest.raises(ValidationError, match="withdrawn"):
        mark_completed(demo_db, sam, second, version, YESTERDAY)
    assert states(demo_db, [second]) == {second: CompletionState.NOT_COMPLETED}
