"""One training event's opt-ins, bookings and waiting list, a session's register, and its impact (T1).

Counts (booked, waiting, free) are over every booking of the event, so a school
sees the same free places as the trust.  Who is booked is listed by name only
where the user may see that person's job (Staff: the data sharing agreement,
hidden staff and group limits, D6 and P3); the rest are counted as "not shown".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from db.changes import ChangeKind
from db.engine import Database
from db.errors import NotFound, PermissionDenied
from db.models import (
    AppUser,
    BookingState,
    CpdActivity,
    EventPayer,
    Group,
    GroupCategory,
    GroupMembership,
    Job,
    Level,
    Module,
    Organisation,
    OrgKind,
    OrgStatus,
    Person,
    TrainingEvent,
    TrainingEventAttendance,
    TrainingEventBooking,
    TrainingEventOptIn,
    TrainingEventSession,
)
from db.scope import Scope, central_action_refusals, scope_for

#: what a change to an event's opt-ins, bookings or register is called on the data bus (db.actions)
BOOKINGS: ChangeKind = "training_bookings"


@dataclass(frozen=True, slots=True)
class EventHeader:
    """What the booking and register views say about the event itself."""

    id: int
    title: str
    version: int
    organisation_id: int
    organiser: str
    starts_on: date
    ends_on: date
    places: int | None  # None: no limit
    cost_pence: int
    budget_pence: int | None
    payer: EventPayer
    published: bool
    cancelled: bool

    @property
    def bookable(self) -> bool:
        return self.published and not self.cancelled


@dataclass(frozen=True, slots=True)
class OptInRow:
    organisation_id: int
    organisation: str
    phase: str
    opted_in: bool
    opted_in_at: datetime | None
    opted_in_by: str
    booked: int
    waiting: int
    may_change: bool  # the user may opt it in or out (Training events at decide level there)


@dataclass(frozen=True, slots=True)
class BookingRow:
    id: int
    version: int
    job_id: int
    person: str
    role: str
    organisation_id: int
    organisation: str
    state: BookingState
    position: int | None  # on the waiting list, 1 first
    queued_at: datetime
    activity_id: int | None
    authorisation: str  # the activity's partnership state, "" without one
    booked_by: str


@dataclass(frozen=True, slots=True)
class EventBookings:
    event: EventHeader
    opt_ins: tuple[OptInRow, ...]
    booked: tuple[BookingRow, ...]
    waiting: tuple[BookingRow, ...]
    cancelled: tuple[BookingRow, ...]
    booked_count: int  # every booking, shown or not
    waiting_count: int
    not_shown: int  # live bookings of staff the user may not see
    may_book_at: tuple[int, ...]  # opted-in organisations where the user may book staff
    may_change_places: bool

    @property
    def free(self) -> int | None:
        return None if self.event.places is None else max(self.event.places - self.booked_count, 0)

    def counts_sentence(self) -> str:
        free = "no limit on places" if self.free is None else f"{self.free:,} free of {self.event.places:,}"
        return f"{self.booked_count:,} booked · {self.waiting_count:,} waiting · {free}"


def event_header(session: Session, scope: Scope, event_id: int) -> EventHeader:
    """The event, or NotFound; a draft is seen only by those who may see its organiser's training."""
    row = session.execute(
        select(TrainingEvent, Organisation.name)
        .join(Organisation, Organisation.id == TrainingEvent.organisation_id)
        .where(TrainingEvent.id == event_id)
    ).first()
    if row is None:
        raise NotFound("That training event no longer exists.")
    event, organiser = row
    if scope.best_level(Module.TRAINING) < Level.VIEW:
        raise PermissionDenied("You may not see training events.")
    if not event.published and not scope.can_see(Module.TRAINING, event.organisation_id):
        raise NotFound("That training event no longer exists.")
    return EventHeader(
        event.id, event.title, event.version, event.organisation_id, organiser, event.starts_on, event.ends_on,
        event.places, event.cost_pence, event.budget_pence, EventPayer(event.payer), bool(event.published),
        event.cancelled_at is not None,
    )  # fmt: skip


def live_counts(session: Session, event_id: int) -> dict[BookingState, int]:
    rows = session.execute(
        select(TrainingEventBooking.state, func.count())
        .where(TrainingEventBooking.event_id == event_id)
        .group_by(TrainingEventBooking.state)
    )
    return {BookingState(state): int(count) for state, count in rows}


def member_organisations(session: Session) -> list[tuple[int, str, str]]:
    """Every open member organisation (not the trust itself): who may opt into an event."""
    return [
        (org_id, name, phase or "")
        for org_id, name, phase in session.execute(
            select(Organisation.id, Organisation.name, Organisation.phase)
            .where(Organisation.kind != OrgKind.TRUST, Organisation.status != OrgStatus.CLOSED)
            .order_by(Organisation.name)
        )
    ]


def _opt_ins(session: Session, scope: Scope, event_id: int) -> tuple[OptInRow, ...]:
    opted = {
        org_id: (at, who or "")
        for org_id, at, who in session.execute(
            select(TrainingEventOptIn.organisation_id, TrainingEventOptIn.opted_in_at, AppUser.display_name)
            .outerjoin(AppUser, AppUser.id == TrainingEventOptIn.opted_in_by_user_id)
            .where(TrainingEventOptIn.event_id == event_id)
        )
    }
    per_org: dict[tuple[int, BookingState], int] = {
        (org, BookingState(state)): int(n)
        for org, state, n in session.execute(
            select(TrainingEventBooking.organisation_id, TrainingEventBooking.state, func.count())
            .where(TrainingEventBooking.event_id == event_id)
            .group_by(TrainingEventBooking.organisation_id, TrainingEventBooking.state)
        )
    }
    rows = []
    for org_id, name, phase in member_organisations(session):
        if not scope.can_see(Module.TRAINING, org_id) and org_id not in opted:
            continue
        at, who = opted.get(org_id, (None, ""))
        rows.append(
            OptInRow(
                org_id, name, phase, org_id in opted, at, who,
                per_org.get((org_id, BookingState.BOOKED), 0), per_org.get((org_id, BookingState.WAITING), 0),
                scope.can_act(Module.TRAINING, org_id),
            )
        )  # fmt: skip
    return tuple(rows)


def _bookings(session: Session, scope: Scope, event_id: int) -> list[BookingRow]:
    booker = aliased(AppUser)
    activity = aliased(CpdActivity)
    query = (
        select(
            TrainingEventBooking.id,
            TrainingEventBooking.version,
            TrainingEventBooking.job_id,
            Person.first_name + " " + Person.last_name,
            Job.role,
            TrainingEventBooking.organisation_id,
            Organisation.name,
            TrainingEventBooking.state,
            TrainingEventBooking.queued_at,
            TrainingEventBooking.activity_id,
            activity.partnership_state,
            func.coalesce(booker.display_name, ""),
        )
        .join(Job, Job.id == TrainingEventBooking.job_id)
        .join(Person, Person.id == Job.person_id)
        .join(Organisation, Organisation.id == TrainingEventBooking.organisation_id)
        .outerjoin(booker, booker.id == TrainingEventBooking.booked_by_user_id)
        .outerjoin(activity, activity.id == TrainingEventBooking.activity_id)
        .where(
            TrainingEventBooking.event_id == event_id,
            scope.rows_in_reach(Module.STAFF, TrainingEventBooking.organisation_id, TrainingEventBooking.job_id),
        )
        .order_by(TrainingEventBooking.queued_at, TrainingEventBooking.id)
    )
    positions = waiting_positions(session, event_id)
    return [
        BookingRow(
            booking_id, version, job_id, person, role, org_id, org, BookingState(state), positions.get(booking_id),
            queued_at, activity_id, _value(authorisation), booked_by,
        )
        for booking_id, version, job_id, person, role, org_id, org, state, queued_at, activity_id, authorisation,
        booked_by in session.execute(query)
    ]  # fmt: skip


def _value(state: object) -> str:
    """An outer-joined activity's state as text, "" when there is no activity."""
    return "" if state is None else str(getattr(state, "value", state))


def waiting_positions(session: Session, event_id: int) -> dict[int, int]:
    """Booking id → place on the waiting list (1 first), over every waiting booking of the event."""
    ids = session.scalars(
        select(TrainingEventBooking.id)
        .where(TrainingEventBooking.event_id == event_id, TrainingEventBooking.state == BookingState.WAITING)
        .order_by(TrainingEventBooking.queued_at, TrainingEventBooking.id)
    )
    return {booking_id: n for n, booking_id in enumerate(ids, start=1)}


def event_bookings(db: Database, user_id: int, event_id: int) -> EventBookings:
    """Everything the Bookings tab shows for one event."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        event = event_header(session, scope, event_id)
        opt_ins = _opt_ins(session, scope, event_id)
        rows = _bookings(session, scope, event_id)
        counts = live_counts(session, event_id)
        booked = tuple(r for r in rows if r.state is BookingState.BOOKED)
        waiting = tuple(r for r in rows if r.state is BookingState.WAITING)
        booked_count, waiting_count = counts.get(BookingState.BOOKED, 0), counts.get(BookingState.WAITING, 0)
        candidates = [
            row.organisation_id
            for row in opt_ins
            if row.opted_in and row.may_change and scope.can_see(Module.STAFF, row.organisation_id)
        ]
        # a school that does not share group actions takes no booking from the trust (D6): not offered
        refused = central_action_refusals(session, scope, Module.TRAINING, candidates, "book staff")
        may_book_at = tuple(org for org in candidates if org not in refused)
        return EventBookings(
            event=event,
            opt_ins=opt_ins,
            booked=booked,
            waiting=waiting,
            cancelled=tuple(r for r in rows if r.state is BookingState.CANCELLED),
            booked_count=booked_count,
            waiting_count=waiting_count,
            not_shown=booked_count + waiting_count - len(booked) - len(waiting),
            may_book_at=may_book_at if event.bookable else (),
            may_change_places=scope.can_act(Module.TRAINING, event.organisation_id) and not event.cancelled,
        )


# -- the register ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionChoice:
    id: int
    on_date: date
    starts_at: time | None
    ends_at: time | None
    where: str

    @property
    def label(self) -> str:
        times = f" {self.starts_at:%H:%M}–{self.ends_at:%H:%M}" if self.starts_at and self.ends_at else ""
        return f"{self.on_date:%a %d %b %Y}{times}" + (f", {self.where}" if self.where else "")


@dataclass(frozen=True, slots=True)
class RegisterRow:
    booking_id: int
    person: str
    role: str
    organisation: str
    attended: bool | None  # None: not recorded for this session yet
    activity_id: int | None
    completion: str  # the activity's completion state


@dataclass(frozen=True, slots=True)
class Register:
    event: EventHeader
    sessions: tuple[SessionChoice, ...]
    session_id: int | None
    rows: tuple[RegisterRow, ...]
    may_take: bool
    not_shown: int


def sessions_of(session: Session, event_id: int) -> tuple[SessionChoice, ...]:
    return tuple(
        SessionChoice(sid, on, starts, ends, location or ("online" if link else ""))
        for sid, on, starts, ends, location, link in session.execute(
            select(
                TrainingEventSession.id,
                TrainingEventSession.on_date,
                TrainingEventSession.starts_at,
                TrainingEventSession.ends_at,
                TrainingEventSession.location,
                TrainingEventSession.online_link,
            )
            .where(TrainingEventSession.event_id == event_id)
            .order_by(TrainingEventSession.on_date, TrainingEventSession.starts_at, TrainingEventSession.id)
        )
    )


def register_of(db: Database, user_id: int, event_id: int, session_id: int | None = None) -> Register:
    """A session's register: every booked person with their mark; without ``session_id`` the last
    session that has begun (today or before), or the first when none has."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        event = event_header(session, scope, event_id)
        sessions = sessions_of(session, event_id)
        if session_id is None or session_id not in {s.id for s in sessions}:
            begun = [s.id for s in sessions if s.on_date <= date.today()]
            session_id = begun[-1] if begun else (sessions[0].id if sessions else None)
        marks = aliased(TrainingEventAttendance)
        activity = aliased(CpdActivity)
        in_reach = scope.rows_in_reach(Module.STAFF, TrainingEventBooking.organisation_id, TrainingEventBooking.job_id)
        booked = (TrainingEventBooking.event_id == event_id, TrainingEventBooking.state == BookingState.BOOKED)
        rows = tuple(
            RegisterRow(booking_id, person, role, org, attended, activity_id, _value(completion))
            for booking_id, person, role, org, attended, activity_id, completion in session.execute(
                select(
                    TrainingEventBooking.id,
                    Person.first_name + " " + Person.last_name,
                    Job.role,
                    Organisation.name,
                    marks.attended,
                    TrainingEventBooking.activity_id,
                    activity.completion_state,
                )
                .join(Job, Job.id == TrainingEventBooking.job_id)
                .join(Person, Person.id == Job.person_id)
                .join(Organisation, Organisation.id == TrainingEventBooking.organisation_id)
                .outerjoin(
                    marks, (marks.booking_id == TrainingEventBooking.id) & (marks.session_id == (session_id or -1))
                )
                .outerjoin(activity, activity.id == TrainingEventBooking.activity_id)
                .where(*booked, in_reach)
                .order_by(Organisation.name, Person.last_name, Person.first_name, TrainingEventBooking.id)
            )
        )
        total = session.scalar(select(func.count()).select_from(TrainingEventBooking).where(*booked)) or 0
        return Register(
            event, sessions, session_id, rows, scope.can_act(Module.TRAINING, event.organisation_id), total - len(rows)
        )


# -- the Book staff dialog's quick choices ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BookingChoices:
    """What the dialog offers at one school: its groups (with members there) and its roles."""

    groups: tuple[tuple[int, str], ...]
    roles: tuple[str, ...]


def booking_choices(db: Database, organisation_id: int) -> BookingChoices:
    with db.read() as session:
        active_here = (Job.organisation_id == organisation_id, Job.active.is_(True))
        groups = tuple(
            (group_id, f"{category} › {name}")
            for group_id, category, name in session.execute(
                select(Group.id, GroupCategory.name, Group.name)
                .join(GroupCategory, GroupCategory.id == Group.category_id)
                .where(
                    Group.id.in_(
                        select(GroupMembership.group_id).join(Job, Job.id == GroupMembership.job_id).where(*active_here)
                    )
                )
                .order_by(GroupCategory.name, Group.name)
            )
        )
        roles = tuple(session.scalars(select(Job.role).where(*active_here).distinct().order_by(Job.role)))
        return BookingChoices(groups, roles)
