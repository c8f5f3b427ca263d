"""The register of a training event's session: attended or absent for each booked person, in bulk (T1).

The register is the organiser's: Training events at decide level at the organisation
that runs the event.  It feeds the booked people's CPD activities through the one
attendance rule (db.services.attendance.record_in): whoever was present at any
session has attended; whoever was marked absent at every session recorded so far
did not attend.  The activities that rule leaves alone (turned down, completed,
or not the user's to record: CPD decide at the person's school, D6) are reported,
never forced; the register itself is kept either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db.actions import Action, begin
from db.engine import Database
from db.errors import NotFound, ValidationError
from db.models import (
    BookingState,
    CompletionState,
    Level,
    Module,
    TrainingEventAttendance,
    TrainingEventBooking,
    TrainingEventSession,
    utcnow,
)
from db.queries.training_bookings import BOOKINGS
from db.services.attendance import FollowUpResult, FollowUpSkip, FollowUpSkipped, record_in
from db.services.training_places import BOOKING, lock_event

NOTHING = "Nothing was recorded."


@dataclass(frozen=True)
class RegisterResult:
    present: int
    absent: int
    changed: int
    attendance: tuple[FollowUpResult, ...]

    def sentence(self) -> str:
        text = f"Register saved: {self.present:,} present, {self.absent:,} absent ({self.changed:,} changed)."
        marked = sum(len(r.applied) for r in self.attendance)
        if marked:
            text += f" {marked:,} {'activity' if marked == 1 else 'activities'} updated."
        skipped: dict[FollowUpSkip, int] = {}
        for result in self.attendance:
            for row in result.skipped:
                if row.reason is not FollowUpSkip.ALREADY:
                    skipped[row.reason] = skipped.get(row.reason, 0) + 1
        if skipped:
            text += " Activities left alone: " + "; ".join(f"{n:,} because {why.value}" for why, n in skipped.items())
            text += "."
        return text


def take_register(
    db: Database, user_id: int, event_id: int, session_id: int, marks: Mapping[int, bool]
) -> RegisterResult:
    """Record ``marks`` (booking id → attended) for one session and feed the activities' attendance."""
    if not marks:
        raise ValidationError(f"Nobody is marked present or absent. {NOTHING}")
    with begin(db, user_id) as act:
        session = act.session
        event = lock_event(act, event_id)
        act.require(Module.TRAINING, event.organisation_id, what=f"take the register of “{event.title}”")
        if event.cancelled_at is not None:
            raise ValidationError(f"“{event.title}” was cancelled, so it has no register. {NOTHING}")
        meeting = session.get(TrainingEventSession, session_id)
        if meeting is None or meeting.event_id != event.id:
            raise NotFound(f"That session of “{event.title}” no longer exists; look again. {NOTHING}")
        if meeting.on_date > date.today():
            raise ValidationError(
                f"The session on {meeting.on_date:%d %b %Y} has not happened yet: take its register on the day "
                f"or after. {NOTHING}"
            )
        bookings = {
            b.id: b
            for b in session.scalars(
                select(TrainingEventBooking).where(
                    TrainingEventBooking.id.in_(sorted(marks)),
                    TrainingEventBooking.event_id == event.id,
                    TrainingEventBooking.state == BookingState.BOOKED,
                )
            )
        }
        gone = len(marks) - len(bookings)
        if gone:
            raise ValidationError(
                f"{gone:,} of the people on this register {'is' if gone == 1 else 'are'} no longer booked on "
                f"“{event.title}” (cancelled since it was shown); look again. {NOTHING}"
            )
        changed = _write_marks(act, session_id, marks)
        attendance = _feed_activities(act, list(bookings.values()))
        act.changed(BOOKINGS, event.id)
        present = sum(1 for v in marks.values() if v)
        return RegisterResult(present, len(marks) - present, changed, attendance)


def _write_marks(act: Action, session_id: int, marks: Mapping[int, bool]) -> int:
    session = act.session
    existing = {
        row.booking_id: row
        for row in session.scalars(
            select(TrainingEventAttendance).where(
                TrainingEventAttendance.session_id == session_id,
                TrainingEventAttendance.booking_id.in_(sorted(marks)),
            )
        )
    }
    now = utcnow()
    audit = []
    for booking_id, attended in sorted(marks.items()):
        row = existing.get(booking_id)
        if row is not None and row.attended == attended:
            continue
        audit.append(
            {
                "at": now,
                "action": "register_marked",
                "entity": BOOKING,
                "entity_id": booking_id,
                "before": None if row is None else {"session_id": session_id, "attended": row.attended},
                "after": {"session_id": session_id, "attended": attended},
            }
        )
        if row is None:
            session.add(
                TrainingEventAttendance(
                    session_id=session_id,
                    booking_id=booking_id,
                    attended=attended,
                    recorded_by_user_id=act.user_id,
                    recorded_at=now,
                )
            )
        else:
            row.attended, row.recorded_by_user_id, row.recorded_at = attended, act.user_id, now
    session.flush()
    act.audit_rows(audit)
    return len(audit)


def _feed_activities(act: Action, bookings: list[TrainingEventBooking]) -> tuple[FollowUpResult, ...]:
    """Each marked person's activity: attended if present at any session, did not attend if absent at all."""
    with_activity = {b.id: b.activity_id for b in bookings if b.activity_id is not None}
    if not with_activity:
        return ()
    marks: dict[int, list[bool]] = {}
    for booking_id, attended in act.session.execute(
        select(TrainingEventAttendance.booking_id, TrainingEventAttendance.attended).where(
            TrainingEventAttendance.booking_id.in_(sorted(with_activity))
        )
    ):
        marks.setdefault(booking_id, []).append(bool(attended))
    wanted: dict[CompletionState, dict[int, int | None]] = {}
    for booking_id, activity_id in with_activity.items():
        state = CompletionState.ATTENDED if any(marks.get(booking_id, [])) else CompletionState.DID_NOT_ATTEND
        wanted.setdefault(state, {})[activity_id] = None  # None: the rule and the permission alone decide
    if act.scope.best_level(Module.PARTNERSHIP_CPD) < Level.DECIDE:
        # the register stands; recording the activities' attendance is a CPD decider's (attendance.py)
        skipped = tuple(FollowUpSkipped(a, "", "", FollowUpSkip.NOT_PERMITTED) for ids in wanted.values() for a in ids)
        return (FollowUpResult(CompletionState.ATTENDED, (), skipped),)
    return tuple(record_in(act, ids, state) for state, ids in sorted(wanted.items()))
