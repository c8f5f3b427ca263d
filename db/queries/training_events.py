"""Training events as a member of the trust sees them (T1): the paged list and the dashboard's count.

Visibility: a published event (and a cancelled one that had been published) is
visible to every user holding Training events at any organisation — publishing
shows it to every member school, and cancelling leaves it published, marked
cancelled, so everyone sees it was called off; a draft only to users holding Training events
at the organisation that runs it.  The notify targets narrow who is *told*,
never who sees.

The list pages in SQL (LIMIT/OFFSET) in the order ``(starts_on, id)`` — soonest
first for upcoming and drafts, latest first for past and cancelled — which the
index ``ix_training_events_starts_on_id`` serves; for upcoming events SQLite
prefers the ``ends_on`` index for the range and sorts the matches (100 ms for a
first page of 12,000 upcoming events, bench/training_events_list.py).  The
booked and waiting counts are per-row subqueries over the bookings index
``(event_id, state, queued_at, id)``, so a page costs the same however many
events and bookings there are.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from db.changes import ChangeKind
from db.engine import Database
from db.models import (
    BookingState,
    Level,
    Module,
    Organisation,
    TrainingEvent,
    TrainingEventBooking,
    TrainingEventSession,
)
from db.queries.text_search import any_contains, clean_search_text
from db.scope import Scope, scope_for

#: what a change to an event, its sessions, targets or state is called on the data bus
EVENTS: ChangeKind = "training_events"

PAGE_SIZE = 100


class EventView(enum.StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"
    DRAFTS = "drafts"
    CANCELLED = "cancelled"


VIEW_LABELS = {
    EventView.UPCOMING: "Upcoming",
    EventView.PAST: "Past",
    EventView.DRAFTS: "Drafts",
    EventView.CANCELLED: "Cancelled",
}


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


STATUS_LABELS = {EventStatus.DRAFT: "Draft", EventStatus.PUBLISHED: "Published", EventStatus.CANCELLED: "Cancelled"}


@dataclass(frozen=True, slots=True)
class EventFilter:
    view: EventView = EventView.UPCOMING
    search: str = ""
    organisation_id: int | None = None  # the organisation that runs it
    activity_type: str | None = None
    provider: str | None = None
    free_only: bool = False  # only events with a free place (the dashboard's drill-through)
    today: date | None = None  # None: today


@dataclass(frozen=True, slots=True)
class EventRow:
    id: int
    title: str
    organisation_id: int
    organisation: str
    starts_on: date
    ends_on: date
    sessions: int
    provider: str
    activity_type: str
    places: int | None  # None: no limit
    booked: int
    waiting: int
    cost_pence: int
    status: EventStatus

    @property
    def free(self) -> int | None:
        """Free places; None when the event has no limit."""
        return None if self.places is None else max(self.places - self.booked, 0)


@dataclass(frozen=True, slots=True)
class EventPage:
    total: int
    rows: list[EventRow]


def booked_count(state: BookingState) -> ColumnElement[int]:
    """Per event row: its bookings in ``state`` (a correlated subquery over the bookings index)."""
    return (
        select(func.count())
        .select_from(TrainingEventBooking)
        .where(TrainingEventBooking.event_id == TrainingEvent.id, TrainingEventBooking.state == state)
        .correlate(TrainingEvent)
        .scalar_subquery()
    )


def visible_events(scope: Scope) -> ColumnElement[bool]:
    """SQL: the events this user may see (T1) — published ones (cancelled after publishing too) if they hold
    Training events anywhere, drafts only where they hold it at the running organisation."""
    runs = sorted(scope.orgs(Module.TRAINING, Level.VIEW))
    if not runs:
        return false()
    return or_(TrainingEvent.published.is_(True), TrainingEvent.organisation_id.in_(runs))


def may_see(scope: Scope, event: TrainingEvent) -> bool:
    """The Python twin of ``visible_events`` for one loaded event (the detail)."""
    if not scope.orgs(Module.TRAINING, Level.VIEW):
        return False
    return event.published or scope.can_see(Module.TRAINING, event.organisation_id)


def _conditions(scope: Scope, filt: EventFilter) -> list[ColumnElement[bool]]:
    today = filt.today or date.today()
    live = TrainingEvent.cancelled_at.is_(None)
    view = {
        EventView.UPCOMING: and_(live, TrainingEvent.published.is_(True), TrainingEvent.ends_on >= today),
        EventView.PAST: and_(live, TrainingEvent.published.is_(True), TrainingEvent.ends_on < today),
        EventView.DRAFTS: and_(live, TrainingEvent.published.is_(False)),
        EventView.CANCELLED: TrainingEvent.cancelled_at.is_not(None),
    }[filt.view]
    conditions = [visible_events(scope), view]
    if (text := clean_search_text(filt.search)) != "":
        conditions.append(any_contains(text, TrainingEvent.title, TrainingEvent.provider, TrainingEvent.description))
    if filt.organisation_id is not None:
        conditions.append(TrainingEvent.organisation_id == filt.organisation_id)
    if filt.activity_type:
        conditions.append(TrainingEvent.activity_type == filt.activity_type)
    if filt.provider:
        conditions.append(TrainingEvent.provider == filt.provider)
    if filt.free_only:
        conditions.append(or_(TrainingEvent.places.is_(None), TrainingEvent.places > booked_count(BookingState.BOOKED)))
    return conditions


def _ordered(query: Select, view: EventView) -> Select:
    """Soonest first for what is coming, latest first for what is over: both along (starts_on, id)."""
    if view in (EventView.PAST, EventView.CANCELLED):
        return query.order_by(TrainingEvent.starts_on.desc(), TrainingEvent.id.desc())
    return query.order_by(TrainingEvent.starts_on, TrainingEvent.id)


def _rows(session: Session, scope: Scope, filt: EventFilter, offset: int, limit: int) -> list[EventRow]:
    sessions = (
        select(func.count())
        .select_from(TrainingEventSession)
        .where(TrainingEventSession.event_id == TrainingEvent.id)
        .correlate(TrainingEvent)
        .scalar_subquery()
    )
    page = _ordered(select(TrainingEvent.id).where(*_conditions(scope, filt)), filt.view).offset(offset).limit(limit)
    ids = list(session.scalars(page))
    if not ids:
        return []
    found = session.execute(
        select(
            TrainingEvent,
            Organisation.name,
            sessions,
            booked_count(BookingState.BOOKED),
            booked_count(BookingState.WAITING),
        )
        .join(Organisation, Organisation.id == TrainingEvent.organisation_id)
        .where(TrainingEvent.id.in_(ids))
    ).all()
    by_id = {event.id: (event, org, count, booked, waiting) for event, org, count, booked, waiting in found}
    return [_row(*by_id[event_id]) for event_id in ids if event_id in by_id]


def _row(event: TrainingEvent, organisation: str, sessions: int, booked: int, waiting: int) -> EventRow:
    return EventRow(
        id=event.id,
        title=event.title,
        organisation_id=event.organisation_id,
        organisation=organisation,
        starts_on=event.starts_on,
        ends_on=event.ends_on,
        sessions=sessions,
        provider=event.provider,
        activity_type=event.activity_type,
        places=event.places,
        booked=booked,
        waiting=waiting,
        cost_pence=event.cost_pence,
        status=status_of(event),
    )


def status_of(event: TrainingEvent) -> EventStatus:
    if event.cancelled_at is not None:
        return EventStatus.CANCELLED
    return EventStatus.PUBLISHED if event.published else EventStatus.DRAFT


def event_page(db: Database, user_id: int, filt: EventFilter, limit: int = PAGE_SIZE) -> EventPage:
    """The first page and how many events match."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        total = session.scalar(select(func.count()).select_from(TrainingEvent).where(*_conditions(scope, filt))) or 0
        return EventPage(total, _rows(session, scope, filt, 0, limit))


def more_events(db: Database, user_id: int, filt: EventFilter, offset: int, limit: int = PAGE_SIZE) -> list[EventRow]:
    """A later page, as the list scrolls."""
    with db.read() as session:
        return _rows(session, scope_for(session, user_id), filt, offset, limit)


@dataclass(frozen=True, slots=True)
class FreePlaces:
    """The dashboard's card: upcoming published events with a free place, and the soonest few."""

    count: int
    soonest: list[EventRow]


def upcoming_with_free_places(db: Database, user_id: int, today: date | None = None, shown: int = 5) -> FreePlaces:
    filt = EventFilter(view=EventView.UPCOMING, free_only=True, today=today)
    page = event_page(db, user_id, filt, limit=shown)
    return FreePlaces(page.total, page.rows)
