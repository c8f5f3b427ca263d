"""Attendance and completion of many activities at once (C2, C4, D6).

Recording what happened after a request is a CPD decider's job at the
individual's organisation, like a decision: the same reach (a decide-level
grant, within any group restriction, and for a trust-level grant only where
the school shares group actions) and the same conflict reporting as sign-off.
Rows the user may not touch, rows changed since they were shown and rows the
rule refuses are left alone and come back in ``FollowUpResult.skipped`` with
the reason; every other row changes in the same transaction, with one audit
row each (which PostgreSQL's guard on activities requires) and, for a
completion, one notification to the individual.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.actions import Action, begin
from db.engine import Database
from db.errors import NotFound, PermissionDenied, ValidationError
from db.models import (
    CompletionState,
    CpdActivity,
    Job,
    Level,
    Module,
    Organisation,
    PartnershipState,
    Person,
    TrainingEvent,
    utcnow,
)
from db.queries.activities import ACTIVITIES
from db.services.decisions import completion_refusal
from db.services.signoff import _chunks

ATTENDANCE_STATES = (CompletionState.ATTENDED, CompletionState.DID_NOT_ATTEND)
DOING = "record attendance or completion"


class FollowUpSkip(enum.StrEnum):
    CHANGED = "changed since it was shown"
    NOT_PERMITTED = "you may not record attendance for this organisation"
    NOT_FOUND = "it no longer exists"
    TURNED_DOWN = "it was turned down or withdrawn"
    NOT_STARTED = "it has not started by that date"
    COMPLETED = "it is already recorded as completed"
    ALREADY = "it was already recorded so"


@dataclass(frozen=True, slots=True)
class FollowUpSkipped:
    activity_id: int
    title: str
    individual: str
    reason: FollowUpSkip
    organisation: str = ""


@dataclass(frozen=True)
class FollowUpResult:
    state: CompletionState
    applied: tuple[int, ...]
    skipped: tuple[FollowUpSkipped, ...] = field(default_factory=tuple)

    def count(self, reason: FollowUpSkip) -> int:
        return sum(1 for row in self.skipped if row.reason is reason)

    def sentence(self) -> str:
        """What happened, in one line for the panel's message."""
        done = {
            CompletionState.ATTENDED: "marked attended",
            CompletionState.DID_NOT_ATTEND: "marked did not attend",
            CompletionState.COMPLETED: "marked completed",
        }[self.state]
        text = f"{len(self.applied):,} {'activity' if len(self.applied) == 1 else 'activities'} {done}."
        if self.skipped:
            reasons: dict[FollowUpSkip, int] = {}
            for row in self.skipped:
                reasons[row.reason] = reasons.get(row.reason, 0) + 1
            text += " Left alone: " + "; ".join(f"{n:,} because {why.value}" for why, n in reasons.items()) + "."
        return text


@dataclass(frozen=True, slots=True)
class _Row:
    version: int
    org: int
    job_id: int
    title: str
    individual: str
    organisation: str
    starts_on: date
    state: CompletionState
    partnership: PartnershipState
    refusal: str | None


def _load(session: Session, ids: Sequence[int]) -> dict[int, _Row]:
    """The rows as they are now, locked on PostgreSQL in id order (as sign-off does)."""
    rows: dict[int, _Row] = {}
    lock = session.get_bind().dialect.name == "postgresql"
    for chunk in _chunks(sorted(ids)):
        query = (
            select(
                CpdActivity.id,
                CpdActivity.version,
                CpdActivity.organisation_id,
                CpdActivity.job_id,
                CpdActivity.title,
                Person.first_name + " " + Person.last_name,
                Organisation.name,
                CpdActivity.starts_on,
                CpdActivity.completion_state,
                CpdActivity.partnership_state,
                CpdActivity.line_manager_state,
                CpdActivity.cpd_team_state,
            )
            .join(Job, Job.id == CpdActivity.job_id)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == CpdActivity.organisation_id)
            .where(CpdActivity.id.in_(chunk))
        )
        if lock:
            query = query.order_by(CpdActivity.id).with_for_update(of=CpdActivity)
        for row in session.connection().execute(query):
            (activity_id, version, org, job, title, who, org_name, starts, state, partnership, lm, cpd) = row
            refusal = completion_refusal(partnership, lm, cpd)
            rows[activity_id] = _Row(version, org, job, title, who, org_name, starts, state, partnership, refusal)
    return rows


def _why_not(row: _Row, shown: int | None, permitted: bool, state: CompletionState, on: date) -> FollowUpSkip | None:
    if shown is not None and row.version != shown:
        return FollowUpSkip.CHANGED
    if not permitted:
        return FollowUpSkip.NOT_PERMITTED
    if row.refusal is not None:
        return FollowUpSkip.TURNED_DOWN
    if row.state is state:
        return FollowUpSkip.ALREADY
    if row.state is CompletionState.COMPLETED:
        return FollowUpSkip.COMPLETED
    if row.starts_on > on:
        return FollowUpSkip.NOT_STARTED
    return None


def record_in(
    act: Action, shown: Mapping[int, int | None], state: CompletionState, completed_on: date | None = None
) -> FollowUpResult:
    """The rule for a set of activities inside an action the caller owns.

    ``shown`` maps each activity to the version the user saw, or None where the
    user did not see the row (a whole training event): then only the rule and
    the permission can leave it alone.
    """
    if state is CompletionState.COMPLETED:
        if completed_on is None:
            raise ValidationError("Give the date the activity was completed.")
        if completed_on > date.today():
            raise ValidationError("The completion date is in the future: record completion on or after the day itself.")
    elif state not in ATTENDANCE_STATES:
        raise ValidationError("Attendance is either attended or did not attend.")
    if not shown:
        raise ValidationError("No activities were ticked, so nothing was recorded.")
    scope = act.scope
    if scope.best_level(Module.PARTNERSHIP_CPD) < Level.DECIDE:
        raise PermissionDenied("You may view partnership CPD but not record attendance or completion.")
    on = completed_on or date.today()
    current = _load(act.session, list(shown))
    refused = act.central_refusals(Module.PARTNERSHIP_CPD, {row.org for row in current.values()}, DOING)
    applied: list[int] = []
    skipped: list[FollowUpSkipped] = []
    for activity_id in sorted(shown):
        row = current.get(activity_id)
        if row is None:
            skipped.append(FollowUpSkipped(activity_id, "", "", FollowUpSkip.NOT_FOUND))
            continue
        permitted = row.org not in refused and scope.reaches_job(
            Module.PARTNERSHIP_CPD, row.org, row.job_id, Level.DECIDE
        )
        why = _why_not(row, shown[activity_id], permitted, state, on)
        if why is None:
            applied.append(activity_id)
        else:
            skipped.append(FollowUpSkipped(activity_id, row.title, row.individual, why, row.organisation))
    if applied:
        _apply(act, state, completed_on, applied, current)
        act.changed(ACTIVITIES, applied)
    return FollowUpResult(state=state, applied=tuple(applied), skipped=tuple(skipped))


def _apply(
    act: Action, state: CompletionState, completed_on: date | None, applied: Sequence[int], current: Mapping[int, _Row]
) -> None:
    now = utcnow()
    completed = state is CompletionState.COMPLETED
    values = {
        "completion_state": state,
        "completed_on": completed_on if completed else None,
        "version": CpdActivity.version + 1,
    }
    action = "completion_recorded" if completed else "attendance_recorded"
    after = {"completion_state": state.value}
    if completed and completed_on is not None:
        after["completed_on"] = completed_on.isoformat()
    connection = act.session.connection()
    for chunk in _chunks(applied):
        connection.execute(update(CpdActivity).where(CpdActivity.id.in_(chunk)).values(values))
        act.audit_rows(
            [
                {
                    "at": now,
                    "action": action,
                    "entity": "cpd_activity",
                    "entity_id": activity_id,
                    "before": {"completion_state": current[activity_id].state.value},
                    "after": {**after, "version": current[activity_id].version + 1},
                }
                for activity_id in chunk
            ]
        )
        if completed:  # the individual hears that their training is on record; attendance is bookkeeping
            act.notify_rows(
                [
                    {
                        "created_at": now,
                        "recipient_job_id": current[activity_id].job_id,
                        "kind": "completion_recorded",
                        "subject": f"Your CPD “{current[activity_id].title}” was recorded as completed",
                        "body": "You can now record what it was worth: hours, a rating, its impact.",
                        "activity_id": activity_id,
                    }
                    for activity_id in chunk
                ]
            )


def record_attendance(
    db: Database, user_id: int, shown_versions: Mapping[int, int], attended: bool = True
) -> FollowUpResult:
    """Mark the ticked activities attended (or did not attend), at the versions the user saw them."""
    state = CompletionState.ATTENDED if attended else CompletionState.DID_NOT_ATTEND
    with begin(db, user_id) as act:
        return record_in(act, dict(shown_versions), state)


def record_completion(
    db: Database, user_id: int, shown_versions: Mapping[int, int], completed_on: date
) -> FollowUpResult:
    """Mark the ticked activities completed on ``completed_on`` (not in the future)."""
    with begin(db, user_id) as act:
        return record_in(act, dict(shown_versions), CompletionState.COMPLETED, completed_on)


def record_event_attendance(db: Database, user_id: int, event_id: int, attended: bool = True) -> FollowUpResult:
    """Mark every activity of a training event attended (or did not attend): the register of the day."""
    state = CompletionState.ATTENDED if attended else CompletionState.DID_NOT_ATTEND
    with begin(db, user_id) as act:
        if act.session.get(TrainingEvent, event_id) is None:
            raise NotFound("That training event no longer exists.")
        # the rows this user sees at all: a school's staff hidden from them are not even named (D6, P3)
        in_reach = act.scope.rows_in_reach(Module.PARTNERSHIP_CPD, CpdActivity.organisation_id, CpdActivity.job_id)
        ids = act.session.scalars(
            select(CpdActivity.id).where(CpdActivity.training_event_id == event_id, in_reach)
        ).all()
        if not ids:
            raise ValidationError("Nobody has an activity for that training event, so nothing was recorded.")
        return record_in(act, dict.fromkeys(ids), state)
