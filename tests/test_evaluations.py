"""An activity's evaluation (C1, C2): recorded by a decider or comment-level user, version-checked, audited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import ActivityEvaluation, AuditEntry, CompletionState, CpdActivity, Module, PartnershipState
from db.scope import scope_for
from db.services.attendance import record_completion
from db.services.evaluations import check_evaluation, load_evaluation, record_evaluation
from tests.helpers import activities, user_id


def completed_activity(db, username: str = "sam.patel") -> int:
    """One activity this user may decide, recorded as completed yesterday."""
    uid = user_id(db, username)
    with db.read() as session:
        orgs = scope_for(session, uid).orgs(Module.PARTNERSHIP_CPD, at_least=3)
    rows = activities(
        db,
        CpdActivity.organisation_id.in_(orgs),
        CpdActivity.starts_on <= date.today() - timedelta(days=1),
        CpdActivity.completion_state == CompletionState.NOT_COMPLETED,
        CpdActivity.partnership_state == PartnershipState.AUTHORISED,
        CpdActivity.line_manager_state != "denied",
        CpdActivity.cpd_team_state != "declined",
        limit=1,
    )
    (activity_id,) = rows
    with db.read() as session:
        starts = session.get(CpdActivity, activity_id).starts_on
    assert record_completion(db, uid, rows, starts).applied == (activity_id,)
    return activity_id


GOOD = check_evaluation(6, 4, "Questioning in Year 9 is sharper.", "Cold-calling in every lesson.")


def test_recording_an_evaluation_stores_it_audits_it_and_marks_the_activity_evaluated(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    activity_id = completed_activity(demo_db)
    shown = load_evaluation(demo_db, sam, activity_id)
    assert shown.may_record and shown.version is None

    version = record_evaluation(demo_db, sam, activity_id, None, GOOD)

    assert version == 1
    with demo_db.read() as session:
        stored = session.get(ActivityEvaluation, activity_id)
        assert (stored.hours, stored.rating, stored.recorded_by_user_id) == (6.0, 4, sam)
        assert session.get(CpdActivity, activity_id).evaluation == "Questioning in Year 9 is sharper."
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "evaluation_recorded")).all()
        assert [(a.entity_id, a.after["rating"]) for a in audit] == [(activity_id, 4)]


def test_a_stale_evaluation_is_refused_and_the_first_one_kept(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    activity_id = completed_activity(demo_db)
    record_evaluation(demo_db, sam, activity_id, None, GOOD)
    with pytest.raises(StaleData, match="since it was shown"):
        record_evaluation(demo_db, sam, activity_id, None, check_evaluation(1, 1, "", ""))
    corrected = record_evaluation(demo_db, sam, activity_id, 1, check_evaluation(7.5, 5, "Better", "More"))
    assert corrected == 2
    with demo_db.read() as session:
        assert session.get(ActivityEvaluation, activity_id).rating == 5


def test_a_comment_level_user_may_evaluate(demo_db) -> None:
    jo = user_id(demo_db, "jo.evans")
    with demo_db.read() as session:
        scope = scope_for(session, jo)
        comment_orgs = scope.orgs(Module.PARTNERSHIP_CPD, at_least=2)
        assert scope.best_level(Module.PARTNERSHIP_CPD) == 2
    activity_id = completed_activity(demo_db)
    with demo_db.read() as session:
        assert session.get(CpdActivity, activity_id).organisation_id in comment_orgs
    assert record_evaluation(demo_db, jo, activity_id, None, GOOD) == 1


def test_a_school_coordinator_may_not_evaluate_elsewhere(demo_db) -> None:
    chris = user_id(demo_db, "chris.lee")
    activity_id = completed_activity(demo_db)
    with demo_db.read() as session:
        row = session.get(CpdActivity, activity_id)
        reaches = scope_for(session, chris).reaches_job(Module.PARTNERSHIP_CPD, row.organisation_id, row.job_id, 2)
    if reaches:
        pytest.skip("this activity is at chris.lee's own school")
    with pytest.raises((PermissionDenied, NotFound), match=r"no longer exists|may not"):
        record_evaluation(demo_db, chris, activity_id, None, GOOD)


def test_an_activity_not_yet_attended_cannot_be_evaluated(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    (activity_id,) = activities(demo_db, CpdActivity.completion_state == CompletionState.NOT_COMPLETED, limit=1)
    with pytest.raises(ValidationError, match="attended or completed"):
        record_evaluation(demo_db, sam, activity_id, None, GOOD)
    with demo_db.read() as session:
        assert session.get(ActivityEvaluation, activity_id) is None


@pytest.mark.parametrize(
    ("hours", "rating", "impact", "message"),
    [
        (0, 3, "", "more than 0"),
        (-2, 3, "", "more than 0"),
        ("six", 3, "", "as a number"),
        (float("nan"), 3, "", "as a number"),
        (3, 6, "", "from 1"),
        (3, 2.5, "", "from 1"),
        (3, True, "", "from 1"),
        (3, 3, "bad\x07bell", "control character"),
        (3, 3, "x" * 4001, "keep it under"),
    ],
)
def test_bad_evaluations_are_one_sentence(hours, rating, impact, message) -> None:
    with pytest.raises(ValidationError, match=message):
        check_evaluation(hours, rating, impact, "")


def test_the_follow_up_filters_answer_in_sql(demo_db) -> None:
    from dataclasses import replace

    from db.queries.activities import ActivityFilter
    from db.queries.decidable_rows import matching_versions
    from db.queries.filter_codec import filter_from_data, filter_to_data

    sam = user_id(demo_db, "sam.patel")
    started = ActivityFilter(pending_started=True)
    assert filter_from_data(filter_to_data(started)) == started
    found = matching_versions(demo_db, sam, started)
    with demo_db.read() as session:
        rows = session.execute(
            select(CpdActivity.id, CpdActivity.starts_on, CpdActivity.partnership_state).where(
                CpdActivity.id.in_(found)
            )
        ).all()
    assert rows and all(starts <= date.today() for _i, starts, _s in rows)
    assert {state for _i, _d, state in rows} <= {PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION}

    activity_id = completed_activity(demo_db)
    unevaluated = ActivityFilter(completion_state=CompletionState.COMPLETED, without_evaluation=True)
    assert activity_id in matching_versions(demo_db, sam, unevaluated)
    record_evaluation(demo_db, sam, activity_id, None, GOOD)
    assert activity_id not in matching_versions(demo_db, sam, unevaluated)
    assert activity_id in matching_versions(demo_db, sam, replace(unevaluated, without_evaluation=False))
