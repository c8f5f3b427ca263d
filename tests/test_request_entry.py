"""Entering a CPD request on someone's behalf, editing it before any decision and withdrawing it (C1, D6)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from db.errors import PermissionDenied, StaleData, ValidationError
from db.models import (
    ActivitySession,
    AuditEntry,
    CpdActivity,
    CpdTeamState,
    LineManagerState,
    Notification,
    PartnershipState,
    SharingLevel,
)
from db.queries.activities import ActivityFilter, summarise
from db.queries.budget_summary import budget_lines
from db.queries.dashboard import dashboard_figures
from db.scope import scope_for
from db.services.layer_decisions import Layer, decide_layer
from db.services.requests import cover_warning, edit_request, enter_request, withdraw_request
from tests.helpers import user_id
from tests.request_helpers import details, job_at, school_sharing, user_job


def counts(db) -> tuple[int, int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(CpdActivity)),
            session.scalar(select(func.count()).select_from(AuditEntry)),
            session.scalar(select(func.count()).select_from(Notification)),
        )


def test_a_coordinator_enters_a_request_for_someone_at_their_school(demo_db) -> None:
    chris = user_id(demo_db, "chris.lee")
    _job, school = user_job(demo_db, "chris.lee")
    job = job_at(demo_db, school)

    result = enter_request(demo_db, chris, job, details(title="  Phonics leadership course  "))

    with demo_db.read() as session:
        row = session.get(CpdActivity, result.activity_id)
        assert row.title == "Phonics leadership course" and row.job_id == job and row.organisation_id == school
        assert row.entered_by_user_id == chris and row.created_by_job_id == job
        assert row.partnership_state is PartnershipState.PENDING
        assert row.line_manager_state is LineManagerState.PENDING
        assert row.total_cost_pence == 65_400 and row.cover_days == 1.5
        assert row.intended_outcome.startswith("Consistent") and row.sharing_plan.startswith("Twilight")
        sessions = session.scalars(
            select(ActivitySession.on_date)
            .where(ActivitySession.activity_id == row.id)
            .order_by(ActivitySession.on_date)
        ).all()
        assert sessions == [date(2026, 11, 10), date(2026, 11, 24)]
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == row.id, AuditEntry.action == "request_entered")
        ).one()
        assert audit.user_id == chris and audit.after["partnership_state"] == "pending"
        note = session.scalars(select(Notification).where(Notification.activity_id == row.id)).one()
        assert note.recipient_job_id == job and "Chris Lee" in note.subject


def test_a_comment_level_member_of_the_cpd_team_may_enter_one(demo_db) -> None:
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    result = enter_request(demo_db, user_id(demo_db, "jo.evans"), job_at(demo_db, school), details())
    assert result.version == 1


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"ends_on": date(2026, 11, 1), "sessions": ()}, "end date is before the start date"),
        ({"course_fee_pence": -100}, "Course fee cannot be negative"),
        ({"travel_cost_pence": -1}, "Travel cannot be negative"),
        ({"cover_days": -0.5}, "Cover days cannot be negative"),
        ({"title": "   "}, "Give the request a title"),
        ({"activity_type": "Away day"}, "Choose a type from the list"),
        ({"sessions": (date(2026, 12, 1),)}, "set the end date to the last session"),
    ],
)
def test_bad_input_gets_one_sentence_and_changes_nothing(demo_db, change: dict, words: str) -> None:
    chris = user_id(demo_db, "chris.lee")
    job = job_at(demo_db, user_job(demo_db, "chris.lee")[1])
    before = counts(demo_db)
    with pytest.raises(ValidationError) as refused:
        enter_request(demo_db, chris, job, replace(details(), **change))
    assert words in refused.value.message and refused.value.message.count(". ") == 0
    assert counts(demo_db) == before


def test_entry_needs_cpd_rights_at_that_organisation(demo_db) -> None:
    pat = user_id(demo_db, "pat.kim")  # views CPD only
    chris = user_id(demo_db, "chris.lee")  # one school
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    other = next(org for org in range(2, 16) if org not in (user_job(demo_db, "chris.lee")[1], 7, 15, 12))
    before = counts(demo_db)
    with pytest.raises(PermissionDenied, match="comment level"):
        enter_request(demo_db, pat, job_at(demo_db, school), details())
    with pytest.raises(PermissionDenied):
        enter_request(demo_db, chris, job_at(demo_db, other), details())
    assert counts(demo_db) == before


def test_a_school_sharing_mis_data_only_takes_no_central_entry(demo_db) -> None:
    school = school_sharing(demo_db, SharingLevel.MIS)
    before = counts(demo_db)
    with pytest.raises(PermissionDenied, match="no central action"):
        enter_request(demo_db, user_id(demo_db, "sam.patel"), job_at(demo_db, school), details())
    assert counts(demo_db) == before


def test_cover_days_past_the_limit_warn(demo_db) -> None:
    job = job_at(demo_db, user_job(demo_db, "chris.lee")[1])
    assert cover_warning(demo_db, job, date(2026, 11, 3), 1.0) == ""
    warning = cover_warning(demo_db, job, date(2026, 11, 3), 40.0)
    assert "past their limit" in warning


def test_edit_before_any_decision_changes_any_field_then_c5_takes_over(demo_db) -> None:
    chris = user_id(demo_db, "chris.lee")
    job = job_at(demo_db, user_job(demo_db, "chris.lee")[1])
    entered = enter_request(demo_db, chris, job, details())

    edited = edit_request(
        demo_db, chris, entered.activity_id, entered.version,
        replace(details(), title="Phonics for KS1 leaders", provider="", sessions=(date(2026, 11, 17),)),
    )  # fmt: skip
    assert set(edited.changed) == {"title", "provider", "sessions"} and edited.version == 2
    with demo_db.read() as session:
        assert session.get(CpdActivity, entered.activity_id).title == "Phonics for KS1 leaders"
        assert session.scalars(
            select(ActivitySession.on_date).where(ActivitySession.activity_id == entered.activity_id)
        ).all() == [date(2026, 11, 17)]

    with pytest.raises(StaleData):
        edit_request(demo_db, chris, entered.activity_id, entered.version, replace(details(), title="Old view"))

    decide_layer(demo_db, chris, Layer.CPD_TEAM, {entered.activity_id: 2}, CpdTeamState.APPROVED)
    before = counts(demo_db)
    with pytest.raises(ValidationError, match="Edit dates and costs"):
        edit_request(demo_db, chris, entered.activity_id, 3, replace(details(), title="After a decision"))
    assert counts(demo_db) == before


def test_withdrawn_requests_leave_the_pending_totals(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    jo = user_id(demo_db, "jo.evans")
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    entered = enter_request(demo_db, jo, job_at(demo_db, school), details(course_fee_pence=99_900))

    def pending() -> int:
        with demo_db.read() as session:
            lines = budget_lines(session, scope_for(session, sam), None, school)
        return sum(line.pending_pence for line in lines)

    with_it = pending()
    # jo entered it, so jo may withdraw it though jo decides nothing
    version = withdraw_request(demo_db, jo, entered.activity_id, entered.version, "Course cancelled")
    assert pending() == with_it - 120_300
    with demo_db.read() as session:
        row = session.get(CpdActivity, entered.activity_id)
        assert row.partnership_state is PartnershipState.WITHDRAWN and row.version == version
        assert row.withdrawn_by_user_id == jo and row.withdrawn_at is not None
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == row.id, AuditEntry.action == "request_withdrawn")
        ).one()
        assert audit.reason == "Course cancelled"
    with pytest.raises(ValidationError, match="withdrawn"):
        withdraw_request(demo_db, sam, entered.activity_id, version)


def test_only_whoever_entered_it_or_a_decider_may_withdraw(demo_db) -> None:
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    sam = user_id(demo_db, "sam.patel")
    entered = enter_request(demo_db, sam, job_at(demo_db, school), details())
    before = counts(demo_db)
    with pytest.raises(PermissionDenied, match="whoever entered it"):
        withdraw_request(demo_db, user_id(demo_db, "jo.evans"), entered.activity_id, entered.version)
    assert counts(demo_db) == before
    withdraw_request(demo_db, user_id(demo_db, "alex.morgan"), entered.activity_id, entered.version)


def test_a_withdrawn_request_waits_for_no_layer_in_the_filters_or_the_dashboard(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    entered = enter_request(demo_db, sam, job_at(demo_db, school), details())
    waiting = ActivityFilter(organisation_id=school, period_id=None, line_manager_state=LineManagerState.PENDING)
    team = ActivityFilter(organisation_id=school, period_id=None, cpd_team_state=CpdTeamState.PENDING)
    before = (summarise(demo_db, sam, waiting).count, summarise(demo_db, sam, team).count)
    with demo_db.read() as session:
        period = session.get(CpdActivity, entered.activity_id).period_id
    figures = dashboard_figures(demo_db, sam, period, school)

    withdraw_request(demo_db, sam, entered.activity_id, entered.version)

    assert (summarise(demo_db, sam, waiting).count, summarise(demo_db, sam, team).count) == (
        before[0] - 1,
        before[1] - 1,
    )
    after = dashboard_figures(demo_db, sam, period, school)
    assert after.pending_line_manager == figures.pending_line_manager - 1
    assert after.pending_cpd_team == figures.pending_cpd_team - 1
