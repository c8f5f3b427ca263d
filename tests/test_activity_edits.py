"""Correcting an activity's dates and costs (C5): a decided request must be decided again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import AcademicPeriod, AuditEntry, CpdActivity, Job, Module, Notification, PartnershipState
from db.periods import period_containing
from db.scope import scope_for
from db.services.activity_edits import current_edit, edit_activity
from db.services.signoff import sign_off
from tests.helpers import own_person_id, user_id


def decidable(db, username: str, state: PartnershipState, *, own: bool = False) -> CpdActivity:
    """One activity in the given state that the user may decide (or, with ``own``, the user's own)."""
    person = own_person_id(db, username)
    with db.read() as session:
        scope = scope_for(session, user_id(db, username))
        orgs = scope.orgs(Module.PARTNERSHIP_CPD, at_least=3)
        query = (
            select(CpdActivity)
            .join(Job, Job.id == CpdActivity.job_id)
            .where(CpdActivity.partnership_state == state, CpdActivity.organisation_id.in_(orgs))
            .where((Job.person_id == person) if own else (Job.person_id != person))
            .order_by(CpdActivity.id)
            .limit(1)
        )
        row = session.scalar(query)
        assert row is not None, f"the demo has no {state} activity for {username}"
        session.expunge(row)
        return row


def reread(db, activity_id: int) -> CpdActivity:
    with db.read() as session:
        row = session.get(CpdActivity, activity_id)
        session.expunge(row)
        return row


def audit_and_notes(db, activity_id: int) -> tuple[list[AuditEntry], list[Notification]]:
    with db.read() as session:
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == activity_id, AuditEntry.action == "activity_edited")
        ).all()
        notes = session.scalars(
            select(Notification).where(Notification.activity_id == activity_id, Notification.kind == "activity_edited")
        ).all()
        for item in (*audit, *notes):
            session.expunge(item)
        return list(audit), list(notes)


def test_a_fee_rise_on_an_authorised_request_needs_reauthorisation_audited_and_notified(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    row = decidable(demo_db, "sam.patel", PartnershipState.AUTHORISED)
    edit = replace(current_edit(row), course_fee_pence=row.course_fee_pence + 4_550)

    result = edit_activity(demo_db, sam, row.id, row.version, edit, note="Provider raised the fee")

    assert result.changed == ("course_fee_pence",) and result.changed_labels == ("Course fee",)
    assert result.needs_reauthorisation and result.state is PartnershipState.NEEDS_REAUTHORISATION
    after = reread(demo_db, row.id)
    assert after.partnership_state is PartnershipState.NEEDS_REAUTHORISATION
    assert after.version == row.version + 1 == result.version
    assert after.course_fee_pence == row.course_fee_pence + 4_550
    assert after.total_cost_pence == row.total_cost_pence + 4_550
    assert after.charged_organisation_id is None
    [audit], [note] = audit_and_notes(demo_db, row.id)
    assert audit.user_id == sam and audit.db_identity and audit.reason == "Provider raised the fee"
    assert audit.before["course_fee_pence"] == row.course_fee_pence
    assert audit.after["course_fee_pence"] == row.course_fee_pence + 4_550
    assert audit.before["partnership_state"] == "authorised"
    assert audit.after["partnership_state"] == "needs_reauthorisation"
    assert audit.before["partnership_user_id"] == row.partnership_user_id  # who decided is kept
    assert note.recipient_job_id == row.job_id
    assert "Course fee" in note.body and "re-authorisation" in note.body and "Provider raised" in note.body


def test_moving_a_rejected_request_to_another_date_needs_reauthorisation(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    row = decidable(demo_db, "sam.patel", PartnershipState.REJECTED)
    edit = replace(
        current_edit(row), starts_on=row.starts_on + timedelta(days=7), ends_on=row.ends_on + timedelta(days=7)
    )

    result = edit_activity(demo_db, sam, row.id, row.version, edit)

    assert result.changed == ("starts_on", "ends_on") and result.needs_reauthorisation
    assert reread(demo_db, row.id).partnership_state is PartnershipState.NEEDS_REAUTHORISATION


def test_a_pending_request_stays_pending_and_cover_days_alone_do_not_undo_a_decision(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    pending = decidable(demo_db, "sam.patel", PartnershipState.PENDING)
    result = edit_activity(
        demo_db, sam, pending.id, pending.version, replace(current_edit(pending), travel_cost_pence=1_234)
    )
    assert not result.needs_reauthorisation and result.state is PartnershipState.PENDING
    assert reread(demo_db, pending.id).partnership_state is PartnershipState.PENDING
    [_audit], [note] = audit_and_notes(demo_db, pending.id)
    assert "re-authorisation" not in note.body

    authorised = decidable(demo_db, "sam.patel", PartnershipState.AUTHORISED)
    days = replace(current_edit(authorised), cover_days=authorised.cover_days + 0.5)
    result = edit_activity(demo_db, sam, authorised.id, authorised.version, days)
    assert result.changed == ("cover_days",) and not result.needs_reauthorisation
    assert reread(demo_db, authorised.id).partnership_state is PartnershipState.AUTHORISED


def test_a_stale_version_is_refused_and_nothing_changes(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    row = decidable(demo_db, "sam.patel", PartnershipState.AUTHORISED)
    edit = replace(current_edit(row), other_cost_pence=row.other_cost_pence + 100)
    with pytest.raises(StaleData, match="changed this activity since it was shown"):
        edit_activity(demo_db, sam, row.id, row.version - 1, edit)
    after = reread(demo_db, row.id)
    assert (after.version, after.other_cost_pence, after.partnership_state) == (
        row.version,
        row.other_cost_pence,
        PartnershipState.AUTHORISED,
    )
    assert audit_and_notes(demo_db, row.id) == ([], [])


def test_view_and_comment_users_and_other_schools_may_not_edit(demo_db) -> None:
    row = decidable(demo_db, "sam.patel", PartnershipState.AUTHORISED)
    edit = replace(current_edit(row), course_fee_pence=row.course_fee_pence + 1)
    with pytest.raises(PermissionDenied, match="not change the dates or costs"):
        edit_activity(demo_db, user_id(demo_db, "jo.evans"), row.id, row.version, edit)

    chris = user_id(demo_db, "chris.lee")
    with demo_db.read() as session:
        own_school = scope_for(session, chris).orgs(Module.PARTNERSHIP_CPD, at_least=3)
        other = session.scalar(
            select(CpdActivity).where(CpdActivity.organisation_id.not_in(own_school)).order_by(CpdActivity.id).limit(1)
        )
        session.expunge(other)
    with pytest.raises(PermissionDenied, match="You may not change the dates or costs of CPD activities at "):
        edit_activity(demo_db, chris, other.id, other.version, replace(current_edit(other), cover_cost_pence=999_999))
    assert reread(demo_db, row.id).version == row.version and reread(demo_db, other.id).version == other.version


def test_nobody_edits_the_costs_of_their_own_request(demo_db) -> None:
    row = decidable(demo_db, "sam.patel", PartnershipState.PENDING, own=True)
    edit = replace(current_edit(row), course_fee_pence=row.course_fee_pence + 10_000)
    with pytest.raises(PermissionDenied, match="your own request"):
        edit_activity(demo_db, user_id(demo_db, "sam.patel"), row.id, row.version, edit)
    assert reread(demo_db, row.id).course_fee_pence == row.course_fee_pence


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_on": date(2020, 1, 1)}, "end date is before the start"),
        ({"course_fee_pence": -1}, "Course fee cannot be negative"),
        ({"travel_cost_pence": -500}, "Travel cannot be negative"),
        ({"cover_days": -0.5}, "Cover days cannot be negative"),
        ({"other_cost_pence": 2_147_483_647}, "too large"),
        ({}, "Nothing was changed"),
    ],
)
def test_invalid_input_is_refused_and_nothing_changes(demo_db, change, message) -> None:
    row = decidable(demo_db, "sam.patel", PartnershipState.AUTHORISED)
    edit = replace(current_edit(row), **change)
    with pytest.raises(ValidationError, match=message):
        edit_activity(demo_db, user_id(demo_db, "sam.patel"), row.id, row.version, edit)
    after = reread(demo_db, row.id)
    assert after.version == row.version and after.partnership_state is PartnershipState.AUTHORISED


def test_moving_the_start_into_another_academic_year_moves_its_period(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    row = decidable(demo_db, "sam.patel", PartnershipState.PENDING)
    later = date(row.starts_on.year + 3, row.starts_on.month, min(row.starts_on.day, 28))
    edit = replace(current_edit(row), starts_on=later, ends_on=later + (row.ends_on - row.starts_on))

    edit_activity(demo_db, sam, row.id, row.version, edit)

    after = reread(demo_db, row.id)
    with demo_db.read() as session:
        period = session.get(AcademicPeriod, after.period_id)
        assert period.label == period_containing(later).label
    assert after.period_id != row.period_id
    [audit], _notes = audit_and_notes(demo_db, row.id)
    assert audit.before["period_id"] == row.period_id and audit.after["period_id"] == after.period_id


def test_an_activity_that_no_longer_exists_is_reported(demo_db) -> None:
    row = decidable(demo_db, "sam.patel", PartnershipState.PENDING)
    edit = replace(current_edit(row), course_fee_pence=row.course_fee_pence + 1)
    with pytest.raises(NotFound, match="no longer exists"):
        edit_activity(demo_db, user_id(demo_db, "sam.patel"), 10_000_000, 1, edit)


def test_a_request_sent_back_by_an_edit_can_be_authorised_again(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    row = decidable(demo_db, "sam.patel", PartnershipState.AUTHORISED)
    edited = edit_activity(demo_db, sam, row.id, row.version, replace(current_edit(row), other_cost_pence=2_500))
    result = sign_off(demo_db, sam, {row.id: edited.version}, PartnershipState.AUTHORISED, "New cost is fine")
    assert result.applied == (row.id,)
    after = reread(demo_db, row.id)
    assert after.partnership_state is PartnershipState.AUTHORISED and after.charged_organisation_id is not None
