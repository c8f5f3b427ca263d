"""The calendar (CA1): training event sessions and dated CPD activities in a range of days.

What a user sees is what they may see elsewhere: activities as far as their Partnership CPD scope
reaches (``Scope.rows_in_reach``, which holds the data sharing limits, D6); events as the training
module shows them — a published event to every member, a draft only to Training users at the
organisation that runs it (T1).  Withdrawn and rejected activities stay out unless the state
filter asks for them.

The range is found in SQL through the indexes that lead with the period (bench/calendar.py prints
the plans; with the end date in the (period, state, organisation, start) index the branch of the
periods the range touches is read from that index alone).  An activity belongs to the
academic period holding its start date (``db.period_moves``), so one that spans into the range
from before starts in the same period or an earlier one: for each earlier period the index on
(period, end date) finds the few that end inside the range or later, and in the periods the range
touches the start-date index is read from the period's first day.  A month of the whole trust
holds tens of thousands of activities: the per-day counts (``DayCount``) are always exact, and the
activities are named one by one only when there are at most ``ITEM_LIMIT`` of them.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import (
    AcademicPeriod,
    CpdActivity,
    GroupMembership,
    Job,
    Level,
    Module,
    Organisation,
    PartnershipState,
    Person,
    TrainingEvent,
    TrainingEventBooking,
    TrainingEventOptIn,
    TrainingEventSession,
)
from db.models.training import BookingState
from db.scope import Scope, scope_for

#: the most activities one view names; past it (a month of the whole trust holds ~30,000) the
#: view shows the exact count of each day only, and asks for an organisation, group or person
ITEM_LIMIT = 2000
#: the longest range one view reads: a six-week month grid, with room to spare
MAX_DAYS = 62
#: the states shown unless the filter says otherwise: what takes someone out of school
OUT_STATES = (PartnershipState.AUTHORISED, PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION)
PENDING_LIKE = frozenset({PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION})


@dataclass(frozen=True, slots=True)
class CalendarFilter:
    """A range of days (``ends_on`` inclusive) and what to narrow it by. ``None`` means any."""

    starts_on: date
    ends_on: date
    organisation_id: int | None = None
    group_id: int | None = None
    person_id: int | None = None
    states: tuple[PartnershipState, ...] = OUT_STATES
    events: bool = True  # show training event sessions


@dataclass(frozen=True, slots=True)
class SessionItem:
    """One meeting of a training event on one day."""

    event_id: int
    session_id: int
    title: str
    on_date: date
    starts_at: time | None
    ends_at: time | None
    location: str
    online_link: str
    organisation: str  # who runs it
    published: bool
    cancelled: bool


@dataclass(frozen=True, slots=True)
class ActivityItem:
    id: int
    person_id: int
    person: str
    organisation_id: int
    organisation: str
    title: str
    starts_on: date
    ends_on: date
    state: PartnershipState
    cover_days: float
    training_event_id: int | None

    @property
    def pending(self) -> bool:
        return self.state in PENDING_LIKE


@dataclass(frozen=True, slots=True)
class DayCount:
    """Activities covering one day: authorised, awaiting a decision (pending or needing
    re-authorisation) and the rest the state filter asked for (rejected, withdrawn)."""

    authorised: int = 0
    pending: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.authorised + self.pending + self.other


@dataclass(frozen=True, slots=True)
class CalendarView:
    filter: CalendarFilter
    sessions: list[SessionItem] = field(default_factory=list)
    activities: list[ActivityItem] = field(default_factory=list)
    activity_count: int = 0  # all that match; ``activities`` is empty when there are more than ``ITEM_LIMIT``
    days: dict[date, DayCount] = field(default_factory=dict)

    @property
    def truncated(self) -> bool:
        return self.activity_count > len(self.activities)


def check_range(filt: CalendarFilter) -> None:
    if filt.ends_on < filt.starts_on:
        raise ValidationError("The calendar's last day is before its first day.")
    if (filt.ends_on - filt.starts_on).days >= MAX_DAYS:
        raise ValidationError(f"Show at most {MAX_DAYS} days at a time: choose a month, a week or a day.")


def calendar_scope(session: Session, user_id: int) -> Scope:
    """The user's scope, refused in a sentence without the Calendar permission."""
    scope = scope_for(session, user_id)
    if scope.best_level(Module.CALENDAR) < Level.VIEW:
        raise PermissionDenied("You may not see the calendar: ask a primary user for the Calendar permission.")
    return scope


def overlap_branches(session: Session, first: date, last: date) -> list[ColumnElement[bool]]:
    """SQL: activities with a day in ``first``..``last``, as separate branches, each one index range.

    Read one branch at a time (never OR-ed together: SQLite would then collect row ids from each
    index and read every row from the table, where each branch alone is read from the index).
    """
    before: list[int] = []
    touching: list[int] = []
    for period_id, period_ends in session.execute(
        select(AcademicPeriod.id, AcademicPeriod.ends_on).where(AcademicPeriod.starts_on <= last)
    ):
        (before if period_ends < first else touching).append(period_id)
    branches: list[ColumnElement[bool]] = []
    if before:  # started in an earlier period: only those still going on reach the range
        branches.append(and_(CpdActivity.period_id.in_(before), CpdActivity.ends_on >= first))
    if touching:
        branches.append(
            and_(CpdActivity.period_id.in_(touching), CpdActivity.starts_on <= last, CpdActivity.ends_on >= first)
        )
    return branches


def activity_branches(session: Session, scope: Scope, filt: CalendarFilter) -> list[list[ColumnElement[bool]]]:
    """The WHERE of each branch: its range and the filter, scope and state conditions."""
    common = [
        scope.rows_in_reach(Module.PARTNERSHIP_CPD, CpdActivity.organisation_id, CpdActivity.job_id),
        CpdActivity.partnership_state.in_(filt.states) if filt.states else false(),
    ]
    if filt.organisation_id is not None:
        common.append(CpdActivity.organisation_id == filt.organisation_id)
    if filt.person_id is not None:
        common.append(CpdActivity.job_id.in_(select(Job.id).where(Job.person_id == filt.person_id)))
    if filt.group_id is not None:
        common.append(
            CpdActivity.job_id.in_(select(GroupMembership.job_id).where(GroupMembership.group_id == filt.group_id))
        )
    return [[branch, *common] for branch in overlap_branches(session, filt.starts_on, filt.ends_on)]


def event_conditions(scope: Scope, filt: CalendarFilter) -> list[ColumnElement[bool]]:
    """Events the user may see (T1) that match the filter: run by or opted into by the organisation;
    with someone of the person or group booked."""
    drafts_at = sorted(scope.orgs(Module.TRAINING))
    visible = or_(
        TrainingEvent.published.is_(True),
        TrainingEvent.organisation_id.in_(drafts_at) if drafts_at else false(),
    )
    conditions: list[ColumnElement[bool]] = [visible]
    if filt.organisation_id is not None:
        opted = exists().where(
            TrainingEventOptIn.event_id == TrainingEvent.id,
            TrainingEventOptIn.organisation_id == filt.organisation_id,
        )
        conditions.append(or_(TrainingEvent.organisation_id == filt.organisation_id, opted))
    if filt.person_id is not None or filt.group_id is not None:
        booked = [
            TrainingEventBooking.event_id == TrainingEvent.id,
            TrainingEventBooking.state != BookingState.CANCELLED,
        ]
        if filt.person_id is not None:
            booked.append(TrainingEventBooking.job_id.in_(select(Job.id).where(Job.person_id == filt.person_id)))
        if filt.group_id is not None:
            booked.append(
                TrainingEventBooking.job_id.in_(
                    select(GroupMembership.job_id).where(GroupMembership.group_id == filt.group_id)
                )
            )
        conditions.append(exists().where(*booked))
    return conditions


def load_calendar(db: Database, user_id: int, filt: CalendarFilter) -> CalendarView:
    """Everything one view of the calendar paints, in one read."""
    check_range(filt)
    with db.read() as session:
        scope = calendar_scope(session, user_id)
        sessions = load_sessions(session, scope, filt) if filt.events else []
        branches = activity_branches(session, scope, filt)
        days, count = _day_counts(session, branches, filt)
        activities = load_activity_items(session, branches, None) if 0 < count <= ITEM_LIMIT else []
    return CalendarView(filt, sessions, activities, count, days)


def load_activity_items(
    session: Session, branches: list[list[ColumnElement[bool]]], limit: int | None
) -> list[ActivityItem]:
    """The activities of every branch, earliest first, at most ``limit``."""
    found = [_branch_items(session, conditions, limit) for conditions in branches]
    merged = heapq.merge(*found, key=lambda item: (item.starts_on, item.id))
    return list(merged if limit is None else itertools.islice(merged, limit))


def _branch_items(session: Session, conditions: list[ColumnElement[bool]], limit: int | None) -> list[ActivityItem]:
    rows = session.execute(
        select(
            CpdActivity.id,
            Job.person_id,
            Person.first_name + " " + Person.last_name,
            CpdActivity.organisation_id,
            Organisation.name,
            CpdActivity.title,
            CpdActivity.starts_on,
            CpdActivity.ends_on,
            CpdActivity.partnership_state,
            CpdActivity.cover_days,
            CpdActivity.training_event_id,
        )
        .join(Job, Job.id == CpdActivity.job_id)
        .join(Person, Person.id == Job.person_id)
        .join(Organisation, Organisation.id == CpdActivity.organisation_id)
        .where(*conditions)
        .order_by(CpdActivity.starts_on, CpdActivity.id)
        .limit(limit)
    ).all()
    return [ActivityItem(*row) for row in rows]


def load_sessions(session: Session, scope: Scope, filt: CalendarFilter) -> list[SessionItem]:
    """The sessions in the range of the events the user may see that match the filter."""
    rows = session.execute(
        select(
            TrainingEventSession.event_id,
            TrainingEventSession.id,
            TrainingEvent.title,
            TrainingEventSession.on_date,
            TrainingEventSession.starts_at,
            TrainingEventSession.ends_at,
            TrainingEventSession.location,
            TrainingEventSession.online_link,
            Organisation.name,
            TrainingEvent.published,
            TrainingEvent.cancelled_at.is_not(None),
        )
        .join(TrainingEvent, TrainingEvent.id == TrainingEventSession.event_id)
        .join(Organisation, Organisation.id == TrainingEvent.organisation_id)
        .where(
            TrainingEventSession.on_date >= filt.starts_on,
            TrainingEventSession.on_date <= filt.ends_on,
            *event_conditions(scope, filt),
        )
        .order_by(TrainingEventSession.on_date, TrainingEventSession.starts_at, TrainingEvent.title)
    ).all()
    return [SessionItem(*row) for row in rows]


def _bucket(states: Iterable[PartnershipState]) -> ColumnElement[int]:
    """0 authorised, 1 awaiting a decision, 2 anything else the filter asked for."""
    pending = [s for s in states if s in PENDING_LIKE]
    return case(
        (CpdActivity.partnership_state == PartnershipState.AUTHORISED, 0),
        (CpdActivity.partnership_state.in_(pending) if pending else false(), 1),
        else_=2,
    )


def _day_counts(
    session: Session, branches: list[list[ColumnElement[bool]]], filt: CalendarFilter
) -> tuple[dict[date, DayCount], int]:
    """Per day, how many activities cover it: grouped in SQL by (first, last day within the range,
    bucket), so a month of the whole trust comes back as a few hundred rows, spread over days here."""
    first = case((CpdActivity.starts_on < filt.starts_on, filt.starts_on), else_=CpdActivity.starts_on)
    last = case((CpdActivity.ends_on > filt.ends_on, filt.ends_on), else_=CpdActivity.ends_on)
    bucket = _bucket(filt.states)
    spans = [
        span
        for conditions in branches
        for span in session.execute(
            select(first, last, bucket, func.count()).where(*conditions).group_by(first, last, bucket)
        )
    ]
    width = (filt.ends_on - filt.starts_on).days + 1
    counts = [[0, 0, 0] for _ in range(width)]
    total = 0
    for span_first, span_last, kind, n in spans:
        span_first, span_last = _as_date(span_first), _as_date(span_last)
        total += n
        for offset in range((span_first - filt.starts_on).days, (span_last - filt.starts_on).days + 1):
            counts[offset][kind] += n
    days = {
        filt.starts_on + timedelta(days=offset): DayCount(*per_day)
        for offset, per_day in enumerate(counts)
        if any(per_day)
    }
    return days, total


def _as_date(value: object) -> date:
    """A CASE over dates comes back from SQLite as its text."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
