"""The line-manager and CPD-team layers (C2, C4): who may answer, on whose behalf, conflicts reported."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.audit_text import sentence
from db.errors import PermissionDenied, ValidationError
from db.models import AuditEntry, CpdActivity, CpdTeamState, LineManagerState, Notification, SharingLevel
from db.queries.audit import AuditFilter, audit_page
from db.services.layer_decisions import Layer, LayerSkip, decide_layer
from db.services.requests import enter_request, withdraw_request
from db.services.signoff import SkipReason
from tests.helpers import activities, user_id
from tests.request_helpers import details, job_at, managed_job, school_sharing, user_job


def row(db, activity_id: int) -> CpdActivity:
    with db.read() as session:
        found = session.get(CpdActivity, activity_id)
        session.expunge(found)
        return found


def entered(db, job_id: int, username: str = "alex.morgan", **changes) -> tuple[int, int]:
    result = enter_request(db, user_id(db, username), job_id, details(**changes))
    return result.activity_id, result.version


def test_the_line_manager_agrees_as_themselves(demo_db) -> None:
    chris = user_id(demo_db, "chris.lee")
    activity, version = entered(demo_db, managed_job(demo_db, "chris.lee"))

    result = decide_layer(demo_db, chris, Layer.LINE_MANAGER, {activity: version}, LineManagerState.AGREED)

    assert result.applied == (activity,) and result.on_behalf == ()
    after = row(demo_db, activity)
    assert after.line_manager_state is LineManagerState.AGREED and after.line_manager_user_id == chris
    assert after.line_manager_job_id == user_job(demo_db, "chris.lee")[0] and after.version == version + 1
    with demo_db.read() as session:
        note = session.scalars(
            select(Notification).where(Notification.activity_id == activity, Notification.kind == "line_manager_agreed")
        ).one()
        assert note.subject.startswith("Your line manager agreed")


def test_a_decider_records_it_on_the_line_managers_behalf_and_the_audit_says_so(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    job = managed_job(demo_db, "chris.lee")
    activity, version = entered(demo_db, job)

    result = decide_layer(demo_db, sam, Layer.LINE_MANAGER, {activity: version}, LineManagerState.DENIED, "Ofsted week")

    assert result.on_behalf == (activity,)
    after = row(demo_db, activity)
    assert after.line_manager_state is LineManagerState.DENIED and after.line_manager_reason == "Ofsted week"
    assert after.line_manager_user_id == sam
    page = audit_page(demo_db, user_id(demo_db, "alex.morgan"), AuditFilter(action="line_manager_denied_for"), 0)
    text = sentence(page[0])
    assert text.startswith("Sam Patel recorded on behalf of Chris Lee that the line manager denied")
    assert text.endswith(": Ofsted week")


def test_the_line_managers_answer_changes_with_a_reason(demo_db) -> None:
    chris = user_id(demo_db, "chris.lee")
    activity, version = entered(demo_db, managed_job(demo_db, "chris.lee"))
    decide_layer(demo_db, chris, Layer.LINE_MANAGER, {activity: version}, LineManagerState.DENIED, "No cover")

    with pytest.raises(ValidationError, match="reason to change"):
        decide_layer(demo_db, chris, Layer.LINE_MANAGER, {activity: version + 1}, LineManagerState.AGREED)
    assert row(demo_db, activity).line_manager_state is LineManagerState.DENIED

    decide_layer(demo_db, chris, Layer.LINE_MANAGER, {activity: version + 1}, LineManagerState.AGREED, "Cover found")
    after = row(demo_db, activity)
    assert after.line_manager_state is LineManagerState.AGREED and after.line_manager_reason == "Cover found"


def test_many_at_once_with_conflicts_reported_and_left_alone(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    mis_school = school_sharing(demo_db, SharingLevel.MIS)  # the demo's own rows there: no central entry
    job = job_at(demo_db, school)
    fine, fine_v = entered(demo_db, job, title="First")
    stale, stale_v = entered(demo_db, job, title="Second")
    gone, gone_v = entered(demo_db, job, title="Third")
    own, own_v = entered(demo_db, user_job(demo_db, "sam.patel")[0], title="Sam's own")
    unshared, unshared_v = next(iter(activities(demo_db, CpdActivity.organisation_id == mis_school, limit=1).items()))
    withdraw_request(demo_db, sam, gone, gone_v)
    decide_layer(demo_db, sam, Layer.CPD_TEAM, {stale: stale_v}, CpdTeamState.APPROVED)

    result = decide_layer(
        demo_db, sam, Layer.CPD_TEAM,
        {fine: fine_v, stale: stale_v, gone: gone_v + 1, own: own_v, unshared: unshared_v, 10**9: 1},
        CpdTeamState.DECLINED, "Budget spent",
    )  # fmt: skip

    assert result.applied == (fine,)
    reasons = {skip.activity_id: skip.reason for skip in result.skipped}
    assert reasons == {
        stale: SkipReason.CHANGED,
        gone: LayerSkip.WITHDRAWN,
        own: SkipReason.OWN_REQUEST,
        unshared: SkipReason.NOT_PERMITTED,
        10**9: SkipReason.NOT_FOUND,
    }
    assert row(demo_db, fine).cpd_team_state is CpdTeamState.DECLINED
    assert row(demo_db, stale).cpd_team_state is CpdTeamState.APPROVED
    assert row(demo_db, unshared).cpd_team_state is CpdTeamState.PENDING
    with demo_db.read() as session:
        audited = session.scalars(select(AuditEntry.entity_id).where(AuditEntry.action == "cpd_team_declined")).all()
    assert audited == [fine]


def test_view_and_comment_users_may_not_decide_either_layer(demo_db) -> None:
    jo = user_id(demo_db, "jo.evans")
    activity, version = entered(demo_db, job_at(demo_db, school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)))
    with pytest.raises(PermissionDenied, match="view and comment"):
        decide_layer(demo_db, jo, Layer.CPD_TEAM, {activity: version}, CpdTeamState.APPROVED)
    result = decide_layer(demo_db, jo, Layer.LINE_MANAGER, {activity: version}, LineManagerState.AGREED)
    assert result.applied == () and result.skipped[0].reason is SkipReason.NOT_PERMITTED
    assert row(demo_db, activity).version == version


def test_a_decline_needs_a_reason_and_a_layer_takes_only_its_own_answers(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    activity, version = entered(demo_db, job_at(demo_db, school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)))
    with demo_db.read() as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ValidationError, match="reason to decline"):
        decide_layer(demo_db, sam, Layer.CPD_TEAM, {activity: version}, CpdTeamState.DECLINED, "  ")
    with pytest.raises(ValidationError, match="Agree or Deny"):
        decide_layer(demo_db, sam, Layer.LINE_MANAGER, {activity: version}, CpdTeamState.APPROVED)
    with pytest.raises(ValidationError, match="nothing was decided"):
        decide_layer(demo_db, sam, Layer.CPD_TEAM, {}, CpdTeamState.APPROVED)
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
