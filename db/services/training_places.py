"""A booked place's CPD activity, the waiting list's promotions and an event's capacity (T1).

A booked place carries one CPD activity linked to the event, made like any request
(C1): title, type, provider and dates from the event, waiting for the line manager,
the CPD team and the partnership.  Who pays decides its course fee (C7): when the
school pays, the cost per place, charged at authorisation to the job's organisation
like any fee; when the central budget pays, nothing, so no school budget carries it
and the spend shows against the event's own budget (the Impact summary).

A waiting booking has no activity: it is nobody's CPD until a place is theirs.  When a
place comes free (a cancellation, more places) the first waiting booking in queue order
is promoted, its activity made and the person told, in the same transaction.  When the
places are lowered below the bookings, the latest booked move back to the waiting list
(ahead of those already waiting, since they were booked first) and their activities
are withdrawn: nobody loses their booking, and the count is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from db.actions import Action
from db.errors import NotFound, ValidationError
from db.models import (
    ActivitySession,
    AppUser,
    BookingState,
    CompletionState,
    CpdActivity,
    CpdTeamState,
    EventPayer,
    Job,
    LineManagerState,
    PartnershipState,
    TrainingEvent,
    TrainingEventBooking,
    TrainingEventSession,
    utcnow,
)
from db.periods import ensure_period
from db.queries.activities import ACTIVITIES
from db.services.signoff import Decided
from db.services.sort_keys import last_names_of_jobs, organisation_names

BOOKING = "training_event_booking"


def lock_event(act: Action, event_id: int) -> TrainingEvent:
    """The event, locked on PostgreSQL: bookings of one event are counted and placed one action at a time."""
    query = select(TrainingEvent).where(TrainingEvent.id == event_id)
    if act.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    event = act.session.scalar(query)
    if event is None:
        raise NotFound("That training event no longer exists.")
    return event


def booked_count(session: Session, event_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                TrainingEventBooking.event_id == event_id, TrainingEventBooking.state == BookingState.BOOKED
            )
        )
        or 0
    )


def course_fee(event: TrainingEvent) -> int:
    """C7: the school's budget carries the place only when the school pays."""
    return event.cost_pence if EventPayer(event.payer) is EventPayer.SCHOOL else 0


@dataclass(frozen=True, slots=True)
class Place:
    """A job being given a place, and who asked for it (``entered_by``: the booker)."""

    job_id: int
    organisation_id: int
    entered_by: int


def create_place_activities(
    act: Action, event: TrainingEvent, places: Sequence[Place], decided: Decided | None = None
) -> dict[int, int]:
    """One activity per place, audited; job id → activity id.  ``decided``: pre-authorised (F5 rules,
    checked by the caller), recorded with sign-off's own decision rows by the caller."""
    if not places:
        return {}
    session = act.session
    now = utcnow()
    creator_of = dict(session.execute(select(AppUser.id, AppUser.job_id)).tuples().all())
    last_names = last_names_of_jobs(session, [place.job_id for place in places])
    org_names = organisation_names(session, [place.organisation_id for place in places])
    period_id = ensure_period(session, event.starts_on)
    common = {
        "title": event.title,
        "activity_type": event.activity_type or "Course",
        "provider": event.provider,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "period_id": period_id,
        "course_fee_pence": course_fee(event),
        "training_event_id": event.id,
        "learning_module_id": event.learning_module_id,
        "created_at": now,
        "intended_outcome": "",
        "impact_measure": "",
        "sharing_plan": "",
        "line_manager_state": LineManagerState.PENDING,
        "cpd_team_state": CpdTeamState.PENDING,
        "completion_state": CompletionState.NOT_COMPLETED,
        "partnership_state": PartnershipState.PENDING,
    }
    if decided is not None:
        common.update(
            partnership_state=PartnershipState.AUTHORISED,
            partnership_decided_at=decided.now,
            partnership_user_id=act.user_id,
            partnership_reason=decided.reason,
            decision_batch_id=decided.batch_id,
        )
    made: list[tuple[int, CpdActivity]] = []
    for place in places:
        activity = CpdActivity(
            job_id=place.job_id,
            organisation_id=place.organisation_id,
            individual_sort=last_names.get(place.job_id, ""),
            organisation_sort=org_names.get(place.organisation_id, ""),
            entered_by_user_id=place.entered_by,
            created_by_job_id=creator_of.get(place.entered_by),
            charged_organisation_id=place.organisation_id if decided is not None else None,
            **common,
        )
        session.add(activity)
        made.append((place.job_id, activity))
    session.flush()
    ids = {job_id: activity.id for job_id, activity in made}
    _write_sessions(session, event, list(ids.values()))
    act.audit_rows(
        [
            {
                "at": now,
                "action": "training_place_activity",
                "entity": "cpd_activity",
                "entity_id": activity_id,
                "after": {
                    "title": event.title,
                    "training_event_id": event.id,
                    "job_id": job_id,
                    "course_fee_pence": common["course_fee_pence"],
                    "partnership_state": PartnershipState.PENDING.value,
                    "version": 1,
                },
            }
            for job_id, activity_id in ids.items()
        ]
    )
    act.changed(ACTIVITIES, ids.values())
    return ids


def _write_sessions(session: Session, event: TrainingEvent, activity_ids: Sequence[int]) -> None:
    """The event's further session dates become the activities' further sessions (the calendar shows them)."""
    later: list[date] = sorted(
        set(
            session.scalars(
                select(TrainingEventSession.on_date).where(
                    TrainingEventSession.event_id == event.id, TrainingEventSession.on_date > event.starts_on
                )
            )
        )
    )
    if later and activity_ids:
        session.execute(
            insert(ActivitySession), [{"activity_id": a, "on_date": on} for a in activity_ids for on in later]
        )


#: a place's activity is withdrawn unless it was refused or withdrawn already
WITHDRAWABLE = (PartnershipState.PENDING, PartnershipState.AUTHORISED, PartnershipState.NEEDS_REAUTHORISATION)


def withdraw_place_activities(
    act: Action, activity_ids: Sequence[int], reason: str, *, attended_stays: bool = False
) -> list[int]:
    """The activities of places given up: withdrawn (C1) in one statement, with an audit row each.

    A place with attendance on record cannot be given up, so one among them refuses the whole action;
    when the event itself is cancelled (``attended_stays``) their record stands and the rest are
    withdrawn.  Rejected or already withdrawn activities are left as they are.  Returns the ids withdrawn.
    """
    if not activity_ids:
        return []
    rows = act.session.execute(
        select(CpdActivity.id, CpdActivity.version, CpdActivity.partnership_state, CpdActivity.completion_state)
        .where(CpdActivity.id.in_(sorted(activity_ids)))
        .order_by(CpdActivity.id)
    ).all()
    attended = {row.id for row in rows if row.completion_state in (CompletionState.ATTENDED, CompletionState.COMPLETED)}
    if attended and not attended_stays:
        raise ValidationError(
            "Someone among them is recorded as having attended: a place with attendance on record cannot be "
            "given up. Nothing was changed."
        )
    live = [row for row in rows if row.partnership_state in WITHDRAWABLE and row.id not in attended]
    if not live:
        return []
    now = utcnow()
    ids = [row.id for row in live]
    act.session.execute(
        update(CpdActivity)
        .where(CpdActivity.id.in_(ids))
        .values(
            partnership_state=PartnershipState.WITHDRAWN,
            withdrawn_at=now,
            withdrawn_by_user_id=act.user_id,
            version=CpdActivity.version + 1,
        ),
        execution_options={"synchronize_session": False},
    )
    act.audit_rows(
        [
            {
                "at": now,
                "action": "request_withdrawn",
                "entity": "cpd_activity",
                "entity_id": row.id,
                "before": {"partnership_state": PartnershipState(row.partnership_state).value, "version": row.version},
                "after": {"partnership_state": PartnershipState.WITHDRAWN.value, "version": row.version + 1},
                "reason": reason,
            }
            for row in live
        ]
    )
    act.changed(ACTIVITIES, ids)
    return ids


def fill_free_places(act: Action, event: TrainingEvent) -> list[int]:
    """Promote waiting bookings, first in queue first, into the free places; the promoted booking ids.

    Each promoted person gets their place's activity and is told.  A waiting job that has ended
    meanwhile is passed over and stays waiting (its school decides what to do with it).
    """
    session = act.session
    free = None if event.places is None else event.places - booked_count(session, event.id)
    if free is not None and free <= 0:
        return []
    query = (
        select(TrainingEventBooking)
        .join(Job, Job.id == TrainingEventBooking.job_id)
        .where(
            TrainingEventBooking.event_id == event.id,
            TrainingEventBooking.state == BookingState.WAITING,
            Job.active.is_(True),
        )
        .order_by(TrainingEventBooking.queued_at, TrainingEventBooking.id)
    )
    if free is not None:
        query = query.limit(free)
    waiting = list(session.scalars(query))
    if not waiting:
        return []
    made = create_place_activities(
        act, event, [Place(b.job_id, b.organisation_id, b.booked_by_user_id) for b in waiting]
    )
    now = utcnow()
    for booking in waiting:
        booking.state = BookingState.BOOKED
        booking.activity_id = made[booking.job_id]
    session.flush()
    act.audit_rows(
        [
            {
                "at": now,
                "action": "training_booking_promoted",
                "entity": BOOKING,
                "entity_id": b.id,
                "before": {"state": BookingState.WAITING.value},
                "after": {"state": BookingState.BOOKED.value, "activity_id": b.activity_id, "event_id": event.id},
            }
            for b in waiting
        ]
    )
    act.notify_rows(
        [
            {
                "created_at": now,
                "recipient_job_id": b.job_id,
                "kind": "training_place_offered",
                "subject": f"A place came free on “{event.title}” ({event.starts_on:%d %b %Y}): you are now booked",
                "body": "You were on the waiting list. Your CPD activity now waits for your line manager, "
                "the CPD team and the partnership.",
                "activity_id": b.activity_id,
            }
            for b in waiting
        ]
    )
    return [b.id for b in waiting]


def fit_to_places(act: Action, event: TrainingEvent) -> int:
    """After the places were lowered: move the latest booked back to the waiting list; how many moved."""
    if event.places is None:
        return 0
    session = act.session
    excess = booked_count(session, event.id) - event.places
    if excess <= 0:
        return 0
    latest = list(
        session.scalars(
            select(TrainingEventBooking)
            .where(TrainingEventBooking.event_id == event.id, TrainingEventBooking.state == BookingState.BOOKED)
            .order_by(TrainingEventBooking.queued_at.desc(), TrainingEventBooking.id.desc())
            .limit(excess)
        )
    )
    withdraw_place_activities(
        act,
        [b.activity_id for b in latest if b.activity_id is not None],
        f"The places on “{event.title}” were reduced: back on the waiting list",
    )
    now = utcnow()
    act.audit_rows(
        [
            {
                "at": now,
                "action": "training_booking_moved_to_waiting",
                "entity": BOOKING,
                "entity_id": b.id,
                "before": {"state": BookingState.BOOKED.value, "activity_id": b.activity_id},
                "after": {"state": BookingState.WAITING.value, "activity_id": None, "event_id": event.id},
            }
            for b in latest
        ]
    )
    act.notify_rows(
        [
            {
                "created_at": now,
                "recipient_job_id": b.job_id,
                "kind": "training_place_withdrawn",
                "subject": f"The places on “{event.title}” were reduced: you are back on the waiting list",
                "body": "You keep your turn: you are offered the next place that comes free.",
                "activity_id": b.activity_id,
            }
            for b in latest
        ]
    )
    for booking in latest:
        booking.state = BookingState.WAITING
        booking.activity_id = None
    session.flush()
    return len(latest)
