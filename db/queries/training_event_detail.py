"""One training event in full (its sessions, who is told, its places) and the choices its editor offers.

The counts of booked, waiting and free places come from the bookings
themselves, never from a stored total, so the detail is right however the
bookings were made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.activity_types import ACTIVITY_TYPES
from db.engine import Database
from db.errors import NotFound
from db.models import (
    AppUser,
    BookingState,
    EventPayer,
    Group,
    GroupCategory,
    LearningModule,
    Level,
    Module,
    Organisation,
    OrgKind,
    OrgStatus,
    TrainingEvent,
    TrainingEventBooking,
    TrainingEventNotifyTarget,
    TrainingEventOptIn,
    TrainingEventSession,
)
from db.queries.lookups import Choice
from db.queries.training_events import EventStatus, may_see, status_of, visible_events
from db.scope import scope_for

GONE = "That training event no longer exists."


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int | None  # None: a session not saved yet (the editor's new rows)
    on_date: date
    starts_at: time | None = None
    ends_at: time | None = None
    location: str = ""
    online_link: str = ""


@dataclass(frozen=True, slots=True)
class TargetRow:
    organisation_id: int | None
    group_id: int | None
    label: str


@dataclass(frozen=True, slots=True)
class EventDetail:
    id: int
    version: int
    title: str
    description: str
    provider: str
    activity_type: str
    organisation_id: int
    organisation: str
    places: int | None
    cost_pence: int
    budget_pence: int | None
    payer: EventPayer
    learning_module_id: int | None
    learning_module: str | None
    impact: str
    status: EventStatus
    starts_on: date
    ends_on: date
    published_at: datetime | None
    cancelled_at: datetime | None
    cancelled_reason: str | None
    cancelled_by: str | None
    sessions: tuple[SessionRow, ...]
    targets: tuple[TargetRow, ...]  # empty: every member organisation is told
    booked: int
    waiting: int
    opted_in: int  # organisations opted in
    can_manage: bool  # Training events at decide level at the running organisation

    @property
    def free(self) -> int | None:
        return None if self.places is None else max(self.places - self.booked, 0)


def event_detail(db: Database, user_id: int, event_id: int) -> EventDetail:
    """The event as its detail pane shows it; NotFound when it has gone or this user may not see it."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        event = session.get(TrainingEvent, event_id)
        if event is None:
            raise NotFound(GONE)
        if not may_see(scope, event):
            raise NotFound("That training event is not published, and only its own organisation sees its drafts.")
        organisation = session.get(Organisation, event.organisation_id)
        module = session.get(LearningModule, event.learning_module_id) if event.learning_module_id else None
        cancelled_by = (
            session.scalar(select(AppUser.display_name).where(AppUser.id == event.cancelled_by_user_id))
            if event.cancelled_by_user_id
            else None
        )
        sessions = tuple(
            SessionRow(s.id, s.on_date, s.starts_at, s.ends_at, s.location, s.online_link)
            for s in session.scalars(
                select(TrainingEventSession)
                .where(TrainingEventSession.event_id == event_id)
                .order_by(TrainingEventSession.on_date, TrainingEventSession.starts_at, TrainingEventSession.id)
            )
        )
        counts: dict[BookingState, int] = {
            BookingState(state): count
            for state, count in session.execute(
                select(TrainingEventBooking.state, func.count())
                .where(TrainingEventBooking.event_id == event_id)
                .group_by(TrainingEventBooking.state)
            )
        }
        opted = session.scalar(
            select(func.count()).select_from(TrainingEventOptIn).where(TrainingEventOptIn.event_id == event_id)
        )
        return EventDetail(
            id=event.id,
            version=event.version,
            title=event.title,
            description=event.description,
            provider=event.provider,
            activity_type=event.activity_type,
            organisation_id=event.organisation_id,
            organisation=organisation.name if organisation else "",
            places=event.places,
            cost_pence=event.cost_pence,
            budget_pence=event.budget_pence,
            payer=EventPayer(event.payer),
            learning_module_id=event.learning_module_id,
            learning_module=module.title if module else None,
            impact=event.impact,
            status=status_of(event),
            starts_on=event.starts_on,
            ends_on=event.ends_on,
            published_at=event.published_at,
            cancelled_at=event.cancelled_at,
            cancelled_reason=event.cancelled_reason,
            cancelled_by=cancelled_by,
            sessions=sessions,
            targets=tuple(targets_of(session, event_id)),
            booked=counts.get(BookingState.BOOKED, 0),
            waiting=counts.get(BookingState.WAITING, 0),
            opted_in=opted or 0,
            can_manage=scope.can_act(Module.TRAINING, event.organisation_id, Level.DECIDE),
        )


def targets_of(session: Session, event_id: int) -> list[TargetRow]:
    """The event's notify targets, organisations first, each with its name."""
    rows = session.execute(
        select(
            TrainingEventNotifyTarget.organisation_id,
            TrainingEventNotifyTarget.group_id,
            Organisation.name,
            GroupCategory.name,
            Group.name,
        )
        .outerjoin(Organisation, Organisation.id == TrainingEventNotifyTarget.organisation_id)
        .outerjoin(Group, Group.id == TrainingEventNotifyTarget.group_id)
        .outerjoin(GroupCategory, GroupCategory.id == Group.category_id)
        .where(TrainingEventNotifyTarget.event_id == event_id)
    ).all()
    targets = [
        TargetRow(org_id, group_id, org_name if org_id is not None else f"{category}: {group}")
        for org_id, group_id, org_name, category, group in rows
    ]
    return sorted(targets, key=lambda t: (t.organisation_id is None, t.label.casefold()))


@dataclass(frozen=True, slots=True)
class TargetChoice:
    id: int
    label: str
    phase: str | None = None  # organisations: for "all primaries"


@dataclass(frozen=True, slots=True)
class EditorChoices:
    """What the event editor and the notify-targets dialog offer this user."""

    runs_at: list[Choice]  # organisations where the user may run events (Training events at decide)
    activity_types: tuple[str, ...]
    learning_modules: list[Choice]
    organisations: list[TargetChoice]  # open member organisations, to be told
    groups: list[TargetChoice]


def editor_choices(db: Database, user_id: int) -> EditorChoices:
    with db.read() as session:
        scope = scope_for(session, user_id)
        deciding = sorted(scope.orgs(Module.TRAINING, Level.DECIDE))
        runs_at = session.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.id.in_(deciding))
            .order_by(Organisation.kind != OrgKind.TRUST, Organisation.name)
        ).all()
        modules = session.execute(select(LearningModule.id, LearningModule.title).order_by(LearningModule.title))
        members = session.execute(
            select(Organisation.id, Organisation.name, Organisation.phase)
            .where(Organisation.kind != OrgKind.TRUST, Organisation.status != OrgStatus.CLOSED)
            .order_by(Organisation.name)
        )
        groups = session.execute(
            select(Group.id, GroupCategory.name, Group.name)
            .join(GroupCategory, GroupCategory.id == Group.category_id)
            .order_by(GroupCategory.name, Group.name)
        )
        return EditorChoices(
            runs_at=[Choice(org_id, name) for org_id, name in runs_at],
            activity_types=ACTIVITY_TYPES,
            learning_modules=[Choice(module_id, title) for module_id, title in modules],
            organisations=[TargetChoice(org_id, name, phase) for org_id, name, phase in members],
            groups=[TargetChoice(group_id, f"{category}: {name}") for group_id, category, name in groups],
        )


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """The filter bar's lists: who runs, which types and which providers the visible events have."""

    organisations: list[Choice]
    activity_types: list[str]
    providers: list[str]
    can_create: bool


def filter_choices(db: Database, user_id: int) -> FilterChoices:
    with db.read() as session:
        scope = scope_for(session, user_id)
        seen = visible_events(scope)
        organisations = session.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.id.in_(select(TrainingEvent.organisation_id).where(seen)))
            .order_by(Organisation.name)
        ).all()
        types = session.scalars(
            select(TrainingEvent.activity_type).where(seen, TrainingEvent.activity_type != "").distinct()
        ).all()
        providers = session.scalars(
            select(TrainingEvent.provider).where(seen, TrainingEvent.provider != "").distinct()
        ).all()
        return FilterChoices(
            organisations=[Choice(org_id, name) for org_id, name in organisations],
            activity_types=sorted(types),
            providers=sorted(providers, key=str.casefold),
            can_create=bool(scope.orgs(Module.TRAINING, Level.DECIDE)),
        )
