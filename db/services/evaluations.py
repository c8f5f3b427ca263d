"""An activity's evaluation: hours, a rating from 1 to 5, impact and what changed in practice (C1, C2).

Recorded after the activity was attended or completed, by whoever may speak
for the individual's CPD at that organisation: a CPD decider or a "view and
comment" user there (within any group restriction, and for a trust-level
grant only where the school shares its staff data, D6).  The evaluation row
carries its own version, so two people evaluating the same activity at once
cannot overwrite each other unseen.

The impact in words is also written to the activity's ``evaluation`` column,
which predates the evaluation table and which "completed without an
evaluation" (filter and dashboard) reads: that test stays one column of the
activity row, served by the same scan as every other dashboard figure.
The hours and rating are written to the activity too (``evaluation_hours``,
``evaluation_rating``, migration 0018), with whose hours they are
(``evaluation_person_id``, 0023), so that what the CPD was worth is summed
from one index of the activities (``db.queries.evaluation_figures``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import select, update

from db.actions import Action, begin
from db.engine import Database
from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import ActivityEvaluation, CompletionState, CpdActivity, Job, Level, Module, utcnow
from db.queries.activities import ACTIVITIES
from db.scope import Scope, scope_for
from db.text_files import describe_char, first_control

MAX_HOURS = 500.0
MAX_WORDS_CHARS = 4000
EVALUABLE = (CompletionState.ATTENDED, CompletionState.COMPLETED)
NOT_YET = "Record the activity as attended or completed before evaluating it."
NOT_YOURS = "You may not record evaluations for this individual's CPD."


@dataclass(frozen=True, slots=True)
class Evaluation:
    hours: float
    rating: int
    impact: str
    practice_change: str

    def as_audit(self) -> dict[str, object]:
        return {
            "hours": self.hours,
            "rating": self.rating,
            "impact": self.impact,
            "practice_change": self.practice_change,
        }


def _words(value: str | None, label: str) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    control = first_control(text.replace("\n", " ").replace("\t", " "))
    if control is not None:
        raise ValidationError(f"The {label} holds a control character ({describe_char(control)}); retype it.")
    if len(text) > MAX_WORDS_CHARS:
        raise ValidationError(f"The {label} is {len(text):,} characters long: keep it under {MAX_WORDS_CHARS:,}.")
    return text


def check_evaluation(hours: object, rating: object, impact: str | None, practice_change: str | None) -> Evaluation:
    """The evaluation as it will be stored, or one sentence saying what is wrong (dialog and import alike)."""
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not math.isfinite(hours):
        raise ValidationError("Give the hours as a number, such as 6 or 2.5.")
    if not 0 < hours <= MAX_HOURS:
        raise ValidationError(f"The hours must be more than 0 and at most {MAX_HOURS:,.0f}.")
    if isinstance(rating, bool) or not isinstance(rating, int | float) or rating not in (1, 2, 3, 4, 5):
        raise ValidationError("The rating is a whole number from 1 (poor) to 5 (excellent).")
    return Evaluation(
        hours=round(float(hours), 2),
        rating=int(rating),
        impact=_words(impact, "impact"),
        practice_change=_words(practice_change, "change in practice"),
    )


@dataclass(frozen=True, slots=True)
class EvaluationShown:
    """What the dialog opens with: the evaluation as it is, its version, and whether this user may record it."""

    activity_id: int
    title: str
    completion_state: CompletionState
    version: int | None  # None: not evaluated yet
    evaluation: Evaluation | None
    why_not: str = ""  # empty when this user may record it

    @property
    def may_record(self) -> bool:
        return not self.why_not


def why_not_record(scope: Scope, row: CpdActivity) -> str:
    if not scope.reaches_job(Module.PARTNERSHIP_CPD, row.organisation_id, row.job_id, Level.COMMENT):
        return NOT_YOURS
    if row.completion_state not in EVALUABLE:
        return NOT_YET
    return ""


def load_evaluation(db: Database, user_id: int, activity_id: int) -> EvaluationShown:
    with db.read() as session:
        row = session.get(CpdActivity, activity_id)
        scope = scope_for(session, user_id)
        if row is None or not scope.reaches_job(Module.PARTNERSHIP_CPD, row.organisation_id, row.job_id):
            raise NotFound("That activity no longer exists.")
        found = session.get(ActivityEvaluation, activity_id)
        evaluation = None
        if found is not None:
            evaluation = Evaluation(found.hours or 0.0, found.rating or 0, found.impact, found.practice_change)
        return EvaluationShown(
            activity_id=activity_id,
            title=row.title,
            completion_state=row.completion_state,
            version=None if found is None else found.version,
            evaluation=evaluation,
            why_not=why_not_record(scope, row),
        )


def record_evaluation(
    db: Database, user_id: int, activity_id: int, shown_version: int | None, evaluation: Evaluation
) -> int:
    """Record or correct the evaluation seen at ``shown_version`` (None: there was none); the new version."""
    with begin(db, user_id) as act:
        return record_evaluation_in(act, activity_id, shown_version, evaluation)


def record_evaluation_in(act: Action, activity_id: int, shown_version: int | None, evaluation: Evaluation) -> int:
    """The rule inside an action the caller owns (the import records many in one)."""
    session = act.session
    query = select(CpdActivity).where(CpdActivity.id == activity_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.scalars(query).first()
    if row is None or not act.scope.reaches_job(Module.PARTNERSHIP_CPD, row.organisation_id, row.job_id):
        raise NotFound("That activity no longer exists.")
    why = why_not_record(act.scope, row)
    if why == NOT_YOURS:
        raise PermissionDenied(why)
    if why:
        raise ValidationError(why)
    found = session.get(ActivityEvaluation, activity_id)
    if (None if found is None else found.version) != shown_version:
        raise StaleData("Someone recorded an evaluation of this activity since it was shown; reload it and try again.")
    before = None
    if found is None:
        found = ActivityEvaluation(activity_id=activity_id)
        session.add(found)
    else:
        before = {
            "hours": found.hours,
            "rating": found.rating,
            "impact": found.impact,
            "practice_change": found.practice_change,
        }  # the version goes up by one on flush (optimistic locking)
    found.hours = evaluation.hours
    found.rating = evaluation.rating
    found.impact = evaluation.impact
    found.practice_change = evaluation.practice_change
    found.recorded_by_user_id = act.user_id
    found.recorded_at = utcnow()
    session.flush()
    session.execute(
        update(CpdActivity)
        .where(CpdActivity.id == activity_id)
        .values(
            evaluation=evaluation.impact,
            evaluation_hours=found.hours or 0.0,
            evaluation_rating=found.rating,
            evaluation_person_id=select(Job.person_id).where(Job.id == row.job_id).scalar_subquery(),
            version=row.version + 1,
        ),
        execution_options={"synchronize_session": False},
    )
    act.audit(
        "evaluation_recorded" if before is None else "evaluation_corrected",
        "cpd_activity",
        activity_id,
        before=before,
        after=evaluation.as_audit(),
    )
    act.changed(ACTIVITIES, activity_id)
    return found.version
