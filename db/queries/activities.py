"""Read side of Partnership CPD: filter, sort, count and page activities in SQL.

The UI never holds more than the pages it has scrolled through; a filter
change costs one count query and one page query, both served by the indexes
declared next to ``CpdActivity``.  The filter, the sorts and their conditions are
``db.queries.activity_filter`` (its names are importable from here too).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select, union_all
from sqlalchemy.orm import Session

from db.engine import Database
from db.id_lists import one_of
from db.models import (
    AcademicPeriod,
    CpdActivity,
    Job,
    LearningModule,
    Level,
    Module,
    Organisation,
    PartnershipState,
    Person,
    TrainingEvent,
)
from db.queries.activity_counts import kept_queue_bounds, kept_queue_counts, kept_summary
from db.queries.activity_filter import (
    ACTIVITIES,
    KEYSET_VALUES,
    PAGE_SIZE,
    PENDING_STATES,
    SORT_COLUMNS,
    ActivityFilter,
    ActivityPage,
    ActivityRow,
    ActivitySummary,
    _after,
    _conditions,
    _creator_job,
    _creator_person,
    sort_order,
)
from db.queries.budget_context import COST
from db.queries.decidability import decide_rules_in
from db.queries.plan_shape import NARROW, PERIOD_SORTS, small_queue_possible, unindexed
from db.scope import Scope, scope_for

#: below this many rows in a queue a page is read by the queue's own index and sorted (see ``_page_read``):
#: reading in the sort's order costs about 200 x (rows in the period / rows in the queue) row look-ups
FEW = 1_000


def _page_read(
    session: Session, scope: Scope, filt: ActivityFilter, after: ActivityRow | None
) -> tuple[list[ColumnElement[bool]], Any]:
    """The conditions and the sort key of a page read in the filter's order.

    Read in the sort's index order, a page costs about a page's rows divided by
    the share that matches: fine for a queue of 140,000, seconds for an empty
    one (the whole period is checked).  So a bounded count of the queue (read
    from the (period, state, organisation, start) index alone) first asks
    whether fewer than ``FEW`` rows are in it; then the filters choose the index
    and the sort key may not (``+key`` on SQLite), and the few rows are sorted.
    """
    key: Any = SORT_COLUMNS.get(filt.sort, CpdActivity.starts_on)
    conditions = _conditions(filt, scope, session, paged=True)
    if small_queue_possible(filt):
        queue = ActivityFilter(
            period_id=filt.period_id, partnership_state=filt.partnership_state, pending_started=filt.pending_started
        )
        if _few_in_queue(session, scope, queue):
            conditions, key = _conditions(filt, scope, session), unindexed(key)
    keyset = _after(filt, after) if after is not None else None
    return (conditions if keyset is None else [*conditions, keyset]), key


def _few_in_queue(session: Session, scope: Scope, queue: ActivityFilter) -> bool:
    """Whether fewer than ``FEW`` activities are in ``queue``: counted up to ``FEW`` of its rows, which
    SQLite reads from the (period, state, organisation, start) index in well under a millisecond.

    PostgreSQL reads them with a sequential scan that stops at the ``FEW``-th row, and where that scan
    starts in the table depends on the scan before it (synchronised scans): 2 ms or half a second at
    five million activities, and the whole table for a queue that is small.  There the running totals
    settle it first when they can (``kept_queue_bounds``: the period's rows of them, 5-10 ms at 5M).
    """
    if session.get_bind().dialect.name == "postgresql":
        bounds = kept_queue_bounds(session, scope, queue)
        if bounds is not None and (bounds[1] < FEW or bounds[0] >= FEW):
            return bounds[1] < FEW
    matching = select(CpdActivity.id).where(and_(*_conditions(queue, scope))).limit(FEW).subquery()
    return (session.scalar(select(func.count()).select_from(matching)) or 0) < FEW


def _row_select() -> Select:
    return (
        select(
            CpdActivity.id,
            CpdActivity.version,
            CpdActivity.job_id,
            Job.person_id,
            (Person.first_name + " " + Person.last_name).label("individual"),
            CpdActivity.organisation_id,
            Organisation.name.label("organisation"),
            CpdActivity.title,
            CpdActivity.activity_type,
            CpdActivity.provider,
            CpdActivity.starts_on,
            CpdActivity.ends_on,
            AcademicPeriod.label.label("period"),
            CpdActivity.course_fee_pence,
            CpdActivity.cover_cost_pence,
            CpdActivity.travel_cost_pence,
            CpdActivity.other_cost_pence,
            CpdActivity.total_cost_pence,
            CpdActivity.cover_days,
            CpdActivity.line_manager_state,
            CpdActivity.cpd_team_state,
            CpdActivity.partnership_state,
            CpdActivity.completion_state,
            TrainingEvent.title.label("training_event"),
            (_creator_person.first_name + " " + _creator_person.last_name).label("created_by"),
            LearningModule.title.label("learning_module"),
        )
        # outer joins (every activity has all four): the activities stay the outer loop, read in the
        # index's order, instead of SQLite starting from people and sorting (it may reorder inner joins)
        .outerjoin(Job, Job.id == CpdActivity.job_id)
        .outerjoin(Person, Person.id == Job.person_id)
        .outerjoin(Organisation, Organisation.id == CpdActivity.organisation_id)
        .outerjoin(AcademicPeriod, AcademicPeriod.id == CpdActivity.period_id)
        .outerjoin(TrainingEvent, TrainingEvent.id == CpdActivity.training_event_id)
        .outerjoin(_creator_job, _creator_job.id == CpdActivity.created_by_job_id)
        .outerjoin(_creator_person, _creator_person.id == _creator_job.person_id)
        .outerjoin(LearningModule, LearningModule.id == CpdActivity.learning_module_id)
    )


def _fetch_rows(
    session: Session, scope: Scope, filt: ActivityFilter, offset: int, limit: int, after: ActivityRow | None = None
) -> list[ActivityRow]:
    narrow = any(getattr(filt, name) is not None for name in NARROW)
    if filt.sort == "period" and filt.period_id is not None:
        return _fetch_rows(session, scope, replace(filt, sort="start"), offset, limit, after)  # its own order
    if filt.period_id is None and not narrow:
        if filt.sort == "start" and (after is not None or offset == 0):
            return _fetch_rows_by_period(session, scope, filt, limit, after)
        if filt.sort == "period" and (after is not None or offset == 0):
            return _fetch_rows_in_period_order(session, scope, filt, offset, limit, after)
        if filt.sort in PERIOD_SORTS:
            return _fetch_rows_merged(session, scope, filt, offset, limit, after)
    return _fetch_rows_sorted(session, scope, filt, offset, limit, after)


def _fetch_rows_sorted(
    session: Session, scope: Scope, filt: ActivityFilter, offset: int, limit: int, after: ActivityRow | None
) -> list[ActivityRow]:
    """One statement in the sort's order: by the sort's index where the filters let it lead, else sorted."""
    conditions, key = _page_read(session, scope, filt, after)
    query = _row_select().where(and_(*conditions)).order_by(*sort_order(filt, key)).limit(limit)
    if after is None or filt.sort not in KEYSET_VALUES:
        query = query.offset(offset)
    return _rows(session, query)


def _periods_reached(session: Session, filt: ActivityFilter, *order: Any) -> list[Any]:
    """The periods (id, first and last day) whose days the filter's start dates can fall on, in ``order``.

    An activity starts within its period (``db.periods``: the services file it by its start date), so
    a period that begins after today holds nothing "pending and already started".  Reading such a
    period anyway walked every row of it in the sort's index looking for a start date that is not
    there: next year's 130,000 requests at 1M cost PostgreSQL 120-140 ms of the first page."""
    query = select(AcademicPeriod.id, AcademicPeriod.starts_on, AcademicPeriod.ends_on)
    if filt.pending_started:
        query = query.where(AcademicPeriod.starts_on <= date.today())
    if filt.starts_from is not None:
        query = query.where(AcademicPeriod.ends_on >= filt.starts_from)
    if filt.starts_before is not None:
        query = query.where(AcademicPeriod.starts_on < filt.starts_before)
    return list(session.execute(query.order_by(*order)).all())


def _fetch_rows_merged(
    session: Session, scope: Scope, filt: ActivityFilter, offset: int, limit: int, after: ActivityRow | None
) -> list[ActivityRow]:
    """All periods in one sort: each period's rows read in its index's order, merged by the database.

    Both engines merge a UNION ALL of ordered parts (SQLite: ``MERGE (UNION ALL)``; PostgreSQL:
    Merge Append) and stop after the page, so the first page costs a page per period.

    On PostgreSQL the parts carry only the id and the sort key, and the page's rows are read by id
    afterwards: planning five parts of ten joined tables took 35-65 ms of a 45-70 ms first page
    (the reading itself 9-18 ms); a part of one table plans in well under a millisecond.
    """
    periods = [period.id for period in _periods_reached(session, filt, AcademicPeriod.id)]
    if not periods:
        return []
    # PostgreSQL plans a part with no LIMIT of its own as a whole period (hash joins, then a sort of
    # every row): 5-7 s at a million activities.  Told how few rows it needs, each part reads its
    # index in order and stops; SQLite's merge co-routine stops by itself (and allows no LIMIT there).
    postgresql = session.get_bind().dialect.name == "postgresql"
    parts = []
    for period in periods:
        conditions, key = _page_read(session, scope, replace(filt, period_id=period), after)
        if postgresql:
            part = select(key.label("sort_key"), CpdActivity.id.label("sort_id")).where(and_(*conditions))
            parts.append(part.order_by(*sort_order(filt, key)).limit(offset + limit))
        else:
            keyed = _row_select().add_columns(key.label("sort_key"), CpdActivity.id.label("sort_id"))
            parts.append(keyed.where(and_(*conditions)))
    merged = union_all(*parts)
    sort_key, row_id = merged.selected_columns.sort_key, merged.selected_columns.sort_id
    order = [sort_key.desc(), row_id.desc()] if filt.descending else [sort_key.asc(), row_id.asc()]
    query = merged.order_by(*order).limit(limit)
    if after is None or filt.sort not in KEYSET_VALUES:
        query = query.offset(offset)
    if not postgresql:
        return [ActivityRow(*row[:-2]) for row in session.connection().execute(query).all()]
    ids = [row.sort_id for row in session.connection().execute(query).all()]
    return _rows_by_id(session, ids)


def _rows_by_id(session: Session, ids: list[int]) -> list[ActivityRow]:
    """The rows of these activities in this order (one gone meanwhile is left out); PostgreSQL only."""
    if not ids:
        return []
    found = {row.id: row for row in _rows(session, _row_select().where(one_of(CpdActivity.id, ids, array=True)))}
    return [found[activity_id] for activity_id in ids if activity_id in found]


def _rows(session: Session, query: Select) -> list[ActivityRow]:
    """The rows ``query`` (``_row_select``) reads: Core, not ORM rows, fetched at once (row by row,
    psycopg spent 25 µs a row in Python).

    On PostgreSQL its joins are planned in the order they are written (the activities first, in their
    index's order, then one look-up each): left to choose among its ten tables, the planner spent
    9-10 ms planning a first page that runs in 4-13 ms at five million activities (1 ms this way).
    The setting is put back at once: it is for this statement, not the rest of the transaction (which
    undoes it anyway if the statement fails)."""
    connection = session.connection()
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        connection.exec_driver_sql("SET LOCAL join_collapse_limit = 1")
    rows = [ActivityRow(*row) for row in connection.execute(query).all()]
    if postgresql:
        connection.exec_driver_sql("SET LOCAL join_collapse_limit = DEFAULT")
    return rows


def _fetch_rows_by_period(
    session: Session, scope: Scope, filt: ActivityFilter, limit: int, after: ActivityRow | None
) -> list[ActivityRow]:
    """Every period, by start date: one period at a time, newest (or oldest) first.

    A period is a range of start dates, so reading period by period in date
    order gives exactly the start-date order, and each read walks the
    (period, start) index instead of sorting a million rows.
    """
    order = AcademicPeriod.starts_on.desc() if filt.descending else AcademicPeriod.starts_on.asc()
    rows: list[ActivityRow] = []
    for period_id, starts_on, ends_on in _periods_reached(session, filt, order):
        if after is not None and (after.starts_on < starts_on if filt.descending else after.starts_on > ends_on):
            continue  # wholly before the last row shown
        wanted = limit - len(rows)
        rows.extend(_fetch_rows(session, scope, replace(filt, period_id=period_id), 0, wanted, after))
        if len(rows) >= limit:
            break
    return rows


def _fetch_rows_in_period_order(
    session: Session, scope: Scope, filt: ActivityFilter, offset: int, limit: int, after: ActivityRow | None
) -> list[ActivityRow]:
    """Every period, by period: one period at a time in the periods' order, each read in its own order.

    Each read is a page of one period by start date (its index's order), so the first page costs a
    page, not a sort of every activity.  Reading on from ``after`` starts in that row's period.
    """
    order = (AcademicPeriod.starts_on, AcademicPeriod.id)
    periods = [
        period.id for period in _periods_reached(session, filt, *(c.desc() if filt.descending else c for c in order))
    ]
    current = None
    if after is not None:
        current = session.scalar(select(CpdActivity.period_id).where(CpdActivity.id == after.id))
        if current not in periods:  # the row has gone: no key to read on from, so count rows instead
            return _fetch_rows_sorted(session, scope, filt, offset, limit, None)
        periods = periods[periods.index(current) :]
    rows: list[ActivityRow] = []
    for period_id in periods:
        within = replace(filt, period_id=period_id, sort="start")
        rows.extend(_fetch_rows(session, scope, within, 0, limit - len(rows), after if period_id == current else None))
        if len(rows) >= limit:
            break
    return rows


def _summary(session: Session, scope: Scope, filt: ActivityFilter) -> ActivitySummary:
    """The count and total of the filter: from the running totals if they hold it (``activity_counts``),
    else from the index that carries the costs where it can.

    The total is the four cost parts added up (``total_cost_pence`` is generated from them, and
    SQLite reads a generated column from the table), and the queue is only checked, never the
    reason for an index (``counting``): so a period's queue is counted from (period, organisation,
    …, costs) alone, 410 → 77 ms for the main view at a million activities.
    """
    kept = kept_summary(session, scope, filt)
    if kept is not None:
        return kept
    count, total = session.execute(
        select(func.count(), func.coalesce(func.sum(COST), 0)).where(
            and_(*_conditions(filt, scope, session, counting=True))
        )
    ).one()
    return ActivitySummary(count=int(count), total_cost_pence=int(total))


def queue_counts(db: Database, user_id: int, filt: ActivityFilter) -> dict[PartnershipState, int]:
    """How many activities match the filter in each partnership state, whatever state the filter asks for.

    One grouped read feeds every queue tab (Pending, Needs re-authorisation, …) at once: of the running
    totals if they hold the filter, else of the matching activities.
    """
    with db.read() as session:
        scope = scope_for(session, user_id)
        kept = kept_queue_counts(session, scope, filt)
        if kept is not None:
            return kept
        conditions = _conditions(replace(filt, partnership_state=None), scope, session)
        rows = session.execute(
            select(CpdActivity.partnership_state, func.count())
            .where(and_(*conditions))
            .group_by(CpdActivity.partnership_state)
        ).all()
        counts = dict.fromkeys(PartnershipState, 0)
        counts.update({PartnershipState(state): int(count) for state, count in rows})
        return counts


def first_page(db: Database, user_id: int, filt: ActivityFilter, limit: int = PAGE_SIZE) -> ActivityPage:
    with db.read() as session:
        scope = scope_for(session, user_id)
        return ActivityPage(
            summary=_summary(session, scope, filt),
            rows=_fetch_rows(session, scope, filt, 0, limit),
            can_decide=bool(scope.orgs(Module.PARTNERSHIP_CPD, at_least=Level.DECIDE)),
            rules=decide_rules_in(session, scope),
        )


def first_rows(db: Database, user_id: int, filt: ActivityFilter, limit: int = PAGE_SIZE) -> ActivityPage:
    """The first page without its totals, so the rows show before a count over 200,000 rows ends.

    The panel runs ``summarise`` alongside on the other read lane.
    """
    with db.read() as session:
        scope = scope_for(session, user_id)
        return ActivityPage(
            summary=None,
            rows=_fetch_rows(session, scope, filt, 0, limit),
            can_decide=bool(scope.orgs(Module.PARTNERSHIP_CPD, at_least=Level.DECIDE)),
            rules=decide_rules_in(session, scope),
        )


def fetch_page(
    db: Database,
    user_id: int,
    filt: ActivityFilter,
    offset: int,
    limit: int = PAGE_SIZE,
    after: ActivityRow | None = None,
) -> list[ActivityRow]:
    """The page at ``offset``; given the last row shown (``after``), reads on from it by key instead."""
    with db.read() as session:
        return _fetch_rows(session, scope_for(session, user_id), filt, offset, limit, after)


def summarise(db: Database, user_id: int, filt: ActivityFilter) -> ActivitySummary:
    with db.read() as session:
        return _summary(session, scope_for(session, user_id), filt)


__all__ = [
    "ACTIVITIES",
    "KEYSET_VALUES",
    "PAGE_SIZE",
    "PENDING_STATES",
    "SORT_COLUMNS",
    "ActivityFilter",
    "ActivityPage",
    "ActivityRow",
    "ActivitySummary",
    "fetch_page",
    "first_page",
    "first_rows",
    "queue_counts",
    "sort_order",
    "summarise",
]
