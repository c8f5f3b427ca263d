"""Partnership CPD's filter and sort, as SQL: what the list asks for, before any page is read.

The filter a CPD lead sets (``ActivityFilter``), the row a page holds (``ActivityRow``), the
sort keys with the index order behind each, and the filter's conditions shaped for the index
that should serve them (``_conditions``). ``db.queries.activities`` reads pages and counts with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from db.changes import ChangeKind
from db.models import (
    AcademicPeriod,
    CompletionState,
    CpdActivity,
    CpdTeamState,
    Job,
    LineManagerState,
    Module,
    PartnershipState,
    Person,
)
from db.queries.decidability import DecideRules
from db.queries.plan_shape import leading_filters, unindexed
from db.queries.text_search import any_contains
from db.scope import Scope

#: what a change to CPD activities is called on the data bus (db.actions)
ACTIVITIES: ChangeKind = "activities"

PAGE_SIZE = 200
#: nobody has decided these yet: "pending and already started" looks for them on or after their date
PENDING_STATES = (PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION)


@dataclass(frozen=True, slots=True)
class ActivityFilter:
    """Everything a CPD lead can narrow the list by (C6). ``None`` means any."""

    period_id: int | None = None
    organisation_id: int | None = None
    person_id: int | None = None
    partnership_state: PartnershipState | None = None
    line_manager_state: LineManagerState | None = None
    cpd_team_state: CpdTeamState | None = None
    training_event_id: int | None = None
    completion_state: CompletionState | None = None
    without_evaluation: bool = False  # only activities with no evaluation written (DB1 drill-through)
    pending_started: bool = False  # still awaiting partnership authorisation on or after their start date
    starts_from: date | None = None  # inclusive; with ``starts_before`` one month of the dashboard chart
    starts_before: date | None = None  # exclusive
    flood_fill_batch_id: int | None = None
    search: str = ""
    sort: str = "start"
    descending: bool = True


@dataclass(frozen=True, slots=True)
class ActivityRow:
    id: int
    version: int
    job_id: int
    person_id: int
    individual: str
    organisation_id: int
    organisation: str
    title: str
    activity_type: str
    provider: str
    starts_on: date
    ends_on: date
    period: str
    course_fee_pence: int
    cover_cost_pence: int
    travel_cost_pence: int
    other_cost_pence: int
    total_cost_pence: int
    cover_days: float
    line_manager_state: LineManagerState
    cpd_team_state: CpdTeamState
    partnership_state: PartnershipState
    completion_state: CompletionState
    training_event: str | None
    created_by: str | None
    learning_module: str | None = None


@dataclass(frozen=True, slots=True)
class ActivitySummary:
    count: int
    total_cost_pence: int


@dataclass(frozen=True, slots=True)
class ActivityPage:
    """What a filter change needs: the totals and the first rows, read together."""

    summary: ActivitySummary | None  # None from ``first_rows``: counted separately
    rows: list[ActivityRow] = field(default_factory=list)
    can_decide: bool = False
    rules: DecideRules = field(default_factory=DecideRules)  # which rows this user may decide, and why not


_creator_job = aliased(Job)
_creator_person = aliased(Person)

SORT_COLUMNS: dict[str, ColumnElement[Any] | InstrumentedAttribute[Any]] = {
    "start": CpdActivity.starts_on,
    "created": CpdActivity.created_at,
    "title": CpdActivity.title,
    "cost": CpdActivity.total_cost_pence,
    "individual": CpdActivity.individual_sort,  # the person's name kept on the row, so an index can give the order
    "organisation": CpdActivity.organisation_sort,  # likewise the organisation's name (migration 0013)
    "state": CpdActivity.partnership_state,
    "type": CpdActivity.activity_type,
    "end": CpdActivity.ends_on,
    "period": AcademicPeriod.starts_on,  # then each period's own order, start date and id (``sort_order``)
    "cover_days": CpdActivity.cover_days,
    "line_manager": CpdActivity.line_manager_state,
    "cpd_team": CpdActivity.cpd_team_state,
    "course_fee": CpdActivity.course_fee_pence,
    "cover_cost": CpdActivity.cover_cost_pence,
    "travel": CpdActivity.travel_cost_pence,
    "other": CpdActivity.other_cost_pence,
}


#: Not sorts of the list, although columns of it: training event, learning module and created by.  Their key
#: is on another table, so a first page sorted every row of a period (or all of them); each would need its
#: own copy on the activity and its own index, paid on every flood fill, for little: most activities have
#: no event and no module (one blank group, then a few names), the Training event filter finds an event's
#: rows, and an activity is created by its individual but for flood fills and bookings.


def sort_order(filt: ActivityFilter, key: Any | None = None) -> list[ColumnElement[Any]]:
    """The ORDER BY of the filter's sort: its key (``key``: as ``_page_read`` wrote it), then the id.

    By period: the periods in their order, each period's rows in its own order (start date, then id),
    which one period's (period, start) index gives.
    """
    if filt.sort == "period":
        keys: list[Any] = [AcademicPeriod.starts_on, AcademicPeriod.id, CpdActivity.starts_on, CpdActivity.id]
    else:
        keys = [SORT_COLUMNS.get(filt.sort, CpdActivity.starts_on) if key is None else key, CpdActivity.id]
    return [column.desc() if filt.descending else column.asc() for column in keys]


# Sorts whose key is on the row itself, so the next page can start after the last row
# (keyset paging) instead of skipping OFFSET rows, which grows slower the further one scrolls.
KEYSET_VALUES = {
    "start": lambda row: row.starts_on,
    "cost": lambda row: row.total_cost_pence,
    "title": lambda row: row.title,
    "state": lambda row: row.partnership_state,
    "type": lambda row: row.activity_type,
    "end": lambda row: row.ends_on,
    "cover_days": lambda row: row.cover_days,
    "line_manager": lambda row: row.line_manager_state,
    "cpd_team": lambda row: row.cpd_team_state,
    "course_fee": lambda row: row.course_fee_pence,
    "cover_cost": lambda row: row.cover_cost_pence,
    "travel": lambda row: row.travel_cost_pence,
    "other": lambda row: row.other_cost_pence,
}


def _after(filt: ActivityFilter, after: ActivityRow) -> ColumnElement[bool] | None:
    """Rows that come after ``after`` in the filter's order; written as a range the index can use."""
    value_of = KEYSET_VALUES.get(filt.sort)
    if value_of is None:
        return None
    key, value = SORT_COLUMNS[filt.sort], value_of(after)
    if filt.descending:
        return and_(key <= value, or_(key < value, CpdActivity.id < after.id))
    return and_(key >= value, or_(key > value, CpdActivity.id > after.id))


#: the conditions that may choose the index of a count: all but the queue (``_summary``)
COUNTING_LEADS = frozenset({"scope", "period", "line_manager", "cpd_team", "pending started", "start range"})


def leaves_out_withdrawn(filt: ActivityFilter) -> bool:
    """A withdrawn request waits for nobody: "pending at the line manager" (or the CPD team) leaves it
    out unless the filter names a partnership state itself (C1).  The rows and the running totals
    (``activity_counts``) apply it alike."""
    waiting = filt.line_manager_state is LineManagerState.PENDING or filt.cpd_team_state is CpdTeamState.PENDING
    return waiting and filt.partnership_state is None


def _conditions(
    filt: ActivityFilter, scope: Scope, session: Session | None = None, *, paged: bool = False, counting: bool = False
) -> list[ColumnElement[bool]]:
    """The filter in SQL.  Given the session, a person's jobs are looked up first, so the read is
    driven by them (a subquery was misestimated on PostgreSQL); ``paged`` shapes the conditions for
    a page read in the filter's order, so that only the sort's own index can be chosen on any SQLite;
    ``counting`` keeps the partnership state out of index choice (see ``_summary``)."""
    leading = leading_filters(filt) if paged else COUNTING_LEADS if counting else None

    def broad(column: Any, name: str) -> Any:
        return column if leading is None or name in leading else unindexed(column)

    one_org = len(scope.orgs(Module.PARTNERSHIP_CPD)) == 1  # a school's own users: its index may lead
    conditions: list[ColumnElement[bool]] = [
        scope.rows_in_reach(
            Module.PARTNERSHIP_CPD,
            CpdActivity.organisation_id if one_org else broad(CpdActivity.organisation_id, "scope"),
            CpdActivity.job_id if one_org else broad(CpdActivity.job_id, "scope"),
        )
    ]
    if filt.period_id is not None:
        conditions.append(broad(CpdActivity.period_id, "period") == filt.period_id)
    if filt.organisation_id is not None:
        conditions.append(CpdActivity.organisation_id == filt.organisation_id)
    if filt.person_id is not None:
        jobs = select(Job.id).where(Job.person_id == filt.person_id)
        conditions.append(CpdActivity.job_id.in_(session.scalars(jobs).all() if session is not None else jobs))
    if filt.partnership_state is not None:
        conditions.append(broad(CpdActivity.partnership_state, "partnership") == filt.partnership_state)
    if filt.line_manager_state is not None:
        conditions.append(broad(CpdActivity.line_manager_state, "line_manager") == filt.line_manager_state)
    if filt.cpd_team_state is not None:
        conditions.append(broad(CpdActivity.cpd_team_state, "cpd_team") == filt.cpd_team_state)
    if leaves_out_withdrawn(filt):
        conditions.append(CpdActivity.partnership_state != PartnershipState.WITHDRAWN)
    if filt.training_event_id is not None:
        conditions.append(CpdActivity.training_event_id == filt.training_event_id)
    if filt.completion_state is not None:
        conditions.append(CpdActivity.completion_state == filt.completion_state)
    if filt.without_evaluation:
        conditions.append(CpdActivity.evaluation.is_(None))
    if filt.pending_started:
        # a list of states before the start date gives no order: never the index's reason (IN)
        conditions.append(broad(CpdActivity.partnership_state, "pending started").in_(PENDING_STATES))
        conditions.append(broad(CpdActivity.starts_on, "start range") <= date.today())
    if filt.starts_from is not None:
        conditions.append(CpdActivity.starts_on >= filt.starts_from)
    if filt.starts_before is not None:
        conditions.append(CpdActivity.starts_on < filt.starts_before)
    if filt.flood_fill_batch_id is not None:
        conditions.append(CpdActivity.flood_fill_batch_id == filt.flood_fill_batch_id)
    if filt.search.strip():
        conditions.append(any_contains(filt.search, CpdActivity.title, CpdActivity.provider))
    return conditions
