"""Booking staff onto a training event, the waiting list, cancelling and the places (T1).

Who may: booking and cancelling need Training events at decide level at the staff's
school, where a grant held at the trust reaches a school only if it shares group actions
(D6: a booking makes CPD activities, a central action), and the person must be someone
the user may see (Staff: hidden staff and group limits, P3); their school must have opted
in (db.services.training_opt_ins).  Every refusal is one sentence and changes nothing;
every action is one transaction with its audit and notifications.

Bookings past the places join the waiting list in the order they were made; a cancelled
place goes to the first waiting booking at once (db.services.training_places).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from db.actions import Action, begin
from db.engine import Database
from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import (
    BookingState,
    CpdActivity,
    DecisionBatch,
    Job,
    Level,
    Module,
    Organisation,
    PartnershipState,
    Person,
    TrainingEvent,
    TrainingEventBooking,
    TrainingEventOptIn,
    utcnow,
)
from db.queries.training_bookings import BOOKINGS
from db.services.flood_fill import UNDECIDED_BEFORE
from db.services.job_selection import Target, check_pre_authorise, check_present_and_active, load_targets, named
from db.services.signoff import Decided, record_decisions_of
from db.services.training_places import (
    BOOKING,
    Place,
    booked_count,
    create_place_activities,
    fill_free_places,
    fit_to_places,
    lock_event,
    withdraw_place_activities,
)

NOBODY = "Nobody was booked."
PRE_AUTHORISED = "Pre-authorised when booked"


def _bookable(event: TrainingEvent, shown_version: int | None, doing: str) -> None:
    """The event still takes bookings, and is as the user saw it."""
    if event.cancelled_at is not None:
        raise ValidationError(f"“{event.title}” was cancelled, so you cannot {doing}.")
    if not event.published:
        raise ValidationError(f"“{event.title}” is not published (any more), so you cannot {doing}.")
    if shown_version is not None and shown_version != event.version:
        raise StaleData(f"“{event.title}” was changed by someone else since it was shown; look again. {NOBODY}")


# -- booking ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BookingResult:
    booked: int
    waiting: int
    pre_authorised: bool

    def sentence(self) -> str:
        text = f"{self.booked:,} booked"
        if self.pre_authorised and self.booked:
            text += " and pre-authorised"
        if self.waiting:
            text += f"; {self.waiting:,} on the waiting list (no places left)"
        return text + "."


def _check_staff(act: Action, event: TrainingEvent, targets: dict[int, Target]) -> None:
    session, scope = act.session, act.scope
    orgs = {t.organisation_id for t in targets.values()}
    opted = set(
        session.scalars(
            select(TrainingEventOptIn.organisation_id).where(
                TrainingEventOptIn.event_id == event.id, TrainingEventOptIn.organisation_id.in_(sorted(orgs))
            )
        )
    )
    if orgs - opted:
        names = list(session.scalars(select(Organisation.name).where(Organisation.id.in_(sorted(orgs - opted)))))
        raise ValidationError(
            f"{named(sorted(names))} {'has' if len(names) == 1 else 'have'} not opted into “{event.title}”: "
            f"opt in first, or remove those staff. {NOBODY}"
        )
    refused = act.central_refusals(Module.TRAINING, orgs, "book staff onto training")
    if refused:
        raise PermissionDenied(f"{' '.join(list(refused.values())[:3])} {NOBODY}")
    unseen = [t for t in targets.values() if not scope.reaches_job(Module.STAFF, t.organisation_id, t.job_id)]
    if unseen:
        raise PermissionDenied(
            f"{len(unseen):,} of the chosen staff {'is' if len(unseen) == 1 else 'are'} outside the staff you may "
            f"see (their school hides them, or your grant is limited to groups). {NOBODY}"
        )
    twice = list(
        session.execute(
            select(Person.first_name + " " + Person.last_name, TrainingEventBooking.state)
            .join(Job, Job.id == TrainingEventBooking.job_id)
            .join(Person, Person.id == Job.person_id)
            .where(
                TrainingEventBooking.event_id == event.id,
                TrainingEventBooking.job_id.in_(sorted(targets)),
                TrainingEventBooking.state != BookingState.CANCELLED,
            )
            .order_by(Person.last_name, Person.first_name)
        )
    )
    if twice:
        raise ValidationError(
            f"{named([name for name, _state in twice])} {'is' if len(twice) == 1 else 'are'} already booked or "
            f"waiting on “{event.title}”: a person is booked once. {NOBODY}"
        )


def book_staff(
    db: Database,
    user_id: int,
    event_id: int,
    job_ids: Sequence[int],
    *,
    shown_version: int | None,
    pre_authorise: bool = False,
) -> BookingResult:
    """Book the chosen jobs, in the order given: places first, then the waiting list."""
    chosen = list(dict.fromkeys(job_ids))
    if not chosen:
        raise ValidationError(f"No staff are chosen. {NOBODY}")
    with begin(db, user_id) as act:
        session = act.session
        event = lock_event(act, event_id)
        _bookable(event, shown_version, "book staff onto it")
        if act.scope.best_level(Module.TRAINING) < Level.DECIDE:
            raise PermissionDenied("You may not book staff onto training events.")
        targets = load_targets(session, chosen)
        check_present_and_active(chosen, targets, NOBODY)
        _check_staff(act, event, targets)
        free = len(chosen) if event.places is None else max(event.places - booked_count(session, event.id), 0)
        given, queued = chosen[:free], chosen[free:]
        decided = None
        if pre_authorise and given:
            check_pre_authorise(
                act, {targets[j].organisation_id for j in given}, {targets[j].person_id for j in given},
                "This booking", NOBODY.lower(),
            )  # fmt: skip
            now = utcnow()
            batch = DecisionBatch(
                decided_at=now, user_id=user_id, decision=PartnershipState.AUTHORISED, reason=PRE_AUTHORISED,
                activity_count=len(given), source="training_booking",
            )  # fmt: skip
            session.add(batch)
            session.flush()
            decided = Decided(now, PartnershipState.AUTHORISED, PRE_AUTHORISED, batch.id)
        places = [Place(j, targets[j].organisation_id, user_id) for j in given]
        made = create_place_activities(act, event, places, decided)
        if decided is not None:
            record_decisions_of(
                act,
                decided,
                select(CpdActivity.id, CpdActivity.job_id, CpdActivity.title).where(
                    CpdActivity.id.in_(sorted(made.values()))
                ),
                UNDECIDED_BEFORE,
                1,
            )
        _insert_bookings(act, event, targets, given, queued, made)
        act.changed(BOOKINGS, event.id)
        return BookingResult(len(given), len(queued), decided is not None)


def _insert_bookings(
    act: Action,
    event: TrainingEvent,
    targets: dict[int, Target],
    given: Sequence[int],
    queued: Sequence[int],
    made: Mapping[int, int],
) -> None:
    session = act.session
    now = utcnow()
    waiting_before = (
        session.scalar(
            select(func.count()).where(
                TrainingEventBooking.event_id == event.id, TrainingEventBooking.state == BookingState.WAITING
            )
        )
        or 0
    )
    rows = [
        TrainingEventBooking(
            event_id=event.id,
            job_id=job_id,
            organisation_id=targets[job_id].organisation_id,
            state=BookingState.BOOKED if job_id in made else BookingState.WAITING,
            queued_at=now,
            activity_id=made.get(job_id),
            booked_by_user_id=act.user_id,
        )
        for job_id in [*given, *queued]
    ]
    session.add_all(rows)
    try:
        session.flush()  # in order: the ids keep the waiting list's order among bookings made at one moment
    except IntegrityError as exc:
        raise ValidationError(
            f"Someone booked one of these staff onto “{event.title}” a moment ago; look again. {NOBODY}"
        ) from exc
    act.audit_rows(
        [
            {
                "at": now,
                "action": "training_booked" if b.state is BookingState.BOOKED else "training_waiting",
                "entity": BOOKING,
                "entity_id": b.id,
                "after": {
                    "event_id": event.id,
                    "job_id": b.job_id,
                    "state": b.state.value,
                    "activity_id": b.activity_id,
                },
            }
            for b in rows
        ]
    )
    when = f"{event.starts_on:%d %b %Y}"
    act.notify_rows(
        [
            {
                "created_at": now,
                "recipient_job_id": b.job_id,
                "kind": "training_booked" if b.state is BookingState.BOOKED else "training_waiting",
                "subject": (
                    f"You are booked on “{event.title}” ({when})"
                    if b.state is BookingState.BOOKED
                    else f"You are on the waiting list for “{event.title}” ({when}), number {waiting_before + n}"
                ),
                "body": (
                    "Your CPD activity for it waits for your line manager, the CPD team and the partnership."
                    if b.state is BookingState.BOOKED
                    else "You are offered a place as soon as one comes free."
                ),
                "activity_id": b.activity_id,
            }
            for n, b in enumerate(rows, start=1 - len(given))
        ]
    )


# -- cancelling and places -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CancelResult:
    cancelled: int
    promoted: int

    def sentence(self) -> str:
        text = f"{self.cancelled:,} booking{'s' if self.cancelled != 1 else ''} cancelled"
        if self.promoted:
            text += f"; {self.promoted:,} from the waiting list now booked and told"
        return text + "."


def cancel_bookings(db: Database, user_id: int, event_id: int, shown: Mapping[int, int]) -> CancelResult:
    """Cancel the bookings seen at these versions; their activities are withdrawn; free places go to the
    waiting list at once."""
    if not shown:
        raise ValidationError("No bookings are chosen, so nothing was cancelled.")
    with begin(db, user_id) as act:
        session = act.session
        event = lock_event(act, event_id)
        rows = {
            b.id: b
            for b in session.scalars(
                select(TrainingEventBooking).where(
                    TrainingEventBooking.id.in_(sorted(shown)), TrainingEventBooking.event_id == event.id
                )
            )
        }
        if len(rows) != len(shown):
            raise NotFound("One of those bookings no longer exists; look again. Nothing was cancelled.")
        for booking_id, version in shown.items():
            act.check_version(rows[booking_id], version, "A booking", message=None)
            if rows[booking_id].state is BookingState.CANCELLED:
                raise ValidationError("One of those bookings is already cancelled; look again. Nothing was cancelled.")
        refused = act.central_refusals(Module.TRAINING, {b.organisation_id for b in rows.values()}, "cancel bookings")
        if refused:
            raise PermissionDenied(f"{' '.join(list(refused.values())[:3])} Nothing was cancelled.")
        withdraw_place_activities(
            act,
            [b.activity_id for b in rows.values() if b.activity_id is not None],
            f"The booking on “{event.title}” was cancelled",
        )
        now = utcnow()
        act.audit_rows(
            [
                {
                    "at": now,
                    "action": "training_booking_cancelled",
                    "entity": BOOKING,
                    "entity_id": b.id,
                    "before": {"state": b.state.value},
                    "after": {"state": BookingState.CANCELLED.value, "event_id": event.id},
                }
                for b in rows.values()
            ]
        )
        act.notify_rows(
            [
                {
                    "created_at": now,
                    "recipient_job_id": b.job_id,
                    "kind": "training_booking_cancelled",
                    "subject": f"Your {'place' if b.state is BookingState.BOOKED else 'waiting-list place'} on "
                    f"“{event.title}” ({event.starts_on:%d %b %Y}) was cancelled",
                    "activity_id": b.activity_id,
                }
                for b in rows.values()
            ]
        )
        for booking in rows.values():
            booking.state = BookingState.CANCELLED
            booking.cancelled_at = now
            booking.cancelled_by_user_id = user_id
        session.flush()
        promoted = fill_free_places(act, event) if event.cancelled_at is None and event.published else []
        act.changed(BOOKINGS, event.id)
        return CancelResult(len(rows), len(promoted))


@dataclass(frozen=True, slots=True)
class PlacesResult:
    places: int | None
    moved_to_waiting: int
    promoted: int
    version: int

    def sentence(self) -> str:
        text = "No limit on places" if self.places is None else f"{self.places:,} places"
        if self.moved_to_waiting:
            text += f"; {self.moved_to_waiting:,} of the latest booked moved back to the front of the waiting list"
        if self.promoted:
            text += f"; {self.promoted:,} from the waiting list now booked and told"
        return text + "."


def change_places(db: Database, user_id: int, event_id: int, shown_version: int, places: int | None) -> PlacesResult:
    """Set the event's places (None: no limit).  Below the bookings, the latest booked move back to the
    waiting list, in turn first; above, the waiting list moves up."""
    if places is not None and places < 0:
        raise ValidationError("The number of places cannot be negative.")
    with begin(db, user_id) as act:
        event = lock_event(act, event_id)
        act.require(Module.TRAINING, event.organisation_id, what=f"change the places on “{event.title}”")
        if event.cancelled_at is not None:
            raise ValidationError(f"“{event.title}” was cancelled, so its places cannot change.")
        act.check_version(event, shown_version, f"“{event.title}”")
        before = event.places
        event.places = places
        act.session.flush()
        moved = fit_to_places(act, event)
        promoted = fill_free_places(act, event) if event.published else []
        act.audit(
            "training_places_changed",
            "training_event",
            event.id,
            before={"places": before},
            after={"places": places, "moved_to_waiting": moved, "promoted": len(promoted), "version": event.version},
        )
        act.changed(BOOKINGS, event.id)
        return PlacesResult(places, moved, len(promoted), event.version)
