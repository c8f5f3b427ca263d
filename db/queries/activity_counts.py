"""The Partnership CPD list's count, total and queue tabs, read from the running totals where they can be.

``activity_totals`` (migrations 0015, 0016) holds, per period, organisation, month of the start date
and the three decision states, how many activities there are and what they cost, kept by triggers
on every write.  A filter made only of those — the period, the organisation, the states, whole months,
which is every preset of the list and every drill-through of the dashboard — is answered from a few
hundred of its rows instead of every matching activity (0.25 s for the main view's count at five
million activities, 2.5 s for all periods; a few milliseconds here).  The same filter with a search
is answered from ``activity_text_totals`` (0017: per title and provider instead of month), each
distinct title and provider tested once.  Anything else (a person, a training event, completion, a
search within months, a user whose reach is limited to some groups' jobs) is counted from the
activities themselves by ``db.queries.activities``; ``None`` here says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from db.models import ActivityText, ActivityTextTotal, ActivityTotal, Module, PartnershipState
from db.queries.activity_filter import PENDING_STATES, ActivityFilter, ActivitySummary, leaves_out_withdrawn
from db.queries.text_search import any_contains, clean_search_text
from db.scope import Scope

#: the filter's fields the totals cannot answer (their default means "any": then they are no obstacle)
_NOT_KEPT = (
    "person_id",
    "training_event_id",
    "completion_state",
    "without_evaluation",
    "pending_started",
    "flood_fill_batch_id",
)


def _whole_month(day: date | None) -> bool:
    return day is None or day.day == 1


def searching(filt: ActivityFilter) -> bool:
    return bool(clean_search_text(filt.search))


def answerable(filt: ActivityFilter, scope: Scope) -> bool:
    """Whether the totals hold this filter's count: only kept columns, and every organisation seen whole.

    A search is answered by the totals per title and provider (``activity_text_totals``), which are not
    kept per month: a search within months is counted from the activities."""
    if any(getattr(filt, name) not in (None, False) for name in _NOT_KEPT):
        return False
    months = (filt.starts_from, filt.starts_before)
    if not all(_whole_month(day) for day in months) or (searching(filt) and any(months)):
        return False
    limited = scope.job_limits.get(Module.PARTNERSHIP_CPD, {})
    return not any(org in limited for org in scope.orgs(Module.PARTNERSHIP_CPD))


def kept_table(filt: ActivityFilter) -> type[ActivityTotal] | type[ActivityTextTotal]:
    """The totals that hold ``filt``: per title and provider for a search, else per month."""
    return ActivityTextTotal if searching(filt) else ActivityTotal


def total_conditions(filt: ActivityFilter, scope: Scope) -> list[ColumnElement[bool]]:
    """The filter on the key of ``kept_table(filt)``: the same rows ``activity_filter._conditions`` selects
    (C1, C6).  A search keeps the titles and providers that contain its text, each tested once."""
    t = kept_table(filt)
    conditions: list[ColumnElement[bool]] = [t.organisation_id.in_(sorted(scope.orgs(Module.PARTNERSHIP_CPD)))]
    if t is ActivityTextTotal:
        texts = select(ActivityText.id).where(any_contains(filt.search, ActivityText.title, ActivityText.provider))
        conditions.append(ActivityTextTotal.text_id.in_(texts))
    if filt.period_id is not None:
        conditions.append(t.period_id == filt.period_id)
    if filt.organisation_id is not None:
        conditions.append(t.organisation_id == filt.organisation_id)
    if filt.partnership_state is not None:
        conditions.append(t.partnership_state == filt.partnership_state)
    if filt.line_manager_state is not None:
        conditions.append(t.line_manager_state == filt.line_manager_state)
    if filt.cpd_team_state is not None:
        conditions.append(t.cpd_team_state == filt.cpd_team_state)
    if leaves_out_withdrawn(filt):
        conditions.append(t.partnership_state != PartnershipState.WITHDRAWN)
    if filt.starts_from is not None:
        conditions.append(ActivityTotal.month >= filt.starts_from)
    if filt.starts_before is not None:
        conditions.append(ActivityTotal.month < filt.starts_before)
    return conditions


def kept_summary(session: Session, scope: Scope, filt: ActivityFilter) -> ActivitySummary | None:
    """The count and total of ``filt`` from the totals, or ``None`` if they cannot answer it."""
    if not answerable(filt, scope):
        return None
    t = kept_table(filt)
    count, total = session.execute(
        select(func.coalesce(func.sum(t.activities), 0), func.coalesce(func.sum(t.total_pence), 0)).where(
            *total_conditions(filt, scope)
        )
    ).one()
    return ActivitySummary(count=int(count), total_cost_pence=int(total))


def kept_queue_counts(session: Session, scope: Scope, filt: ActivityFilter) -> dict[PartnershipState, int] | None:
    """How many match in each partnership state (the queue tabs), or ``None`` if the totals cannot say."""
    filt = replace(filt, partnership_state=None)
    if not answerable(filt, scope):
        return None
    t = kept_table(filt)
    per_state = select(t.partnership_state, func.sum(t.activities)).where(*total_conditions(filt, scope))
    rows = session.execute(per_state.group_by(t.partnership_state)).all()
    counts = dict.fromkeys(PartnershipState, 0)
    counts.update({PartnershipState(state): int(count or 0) for state, count in rows})
    return counts


def kept_queue_bounds(session: Session, scope: Scope, queue: ActivityFilter) -> tuple[int, int] | None:
    """At least and at most how many activities a queue holds (a period's partnership state, or "pending
    and started"), from the totals; ``None`` if they cannot say.

    A state's count is exact.  "Pending and started" (pending or needing re-authorisation, starting on or
    before today) is not kept: every such row of a month before this one has started and none of a
    later month has, so this month's rows are what the two bounds differ by."""
    if not queue.pending_started:
        kept = kept_summary(session, scope, queue)  # a state's count, exact
        return None if kept is None else (kept.count, kept.count)
    plain = replace(queue, pending_started=False, partnership_state=None)
    if not answerable(plain, scope):
        return None
    conditions = total_conditions(plain, scope)
    this_month = date.today().replace(day=1)
    before = func.sum(case((ActivityTotal.month < this_month, ActivityTotal.activities), else_=0))
    up_to = func.sum(case((ActivityTotal.month <= this_month, ActivityTotal.activities), else_=0))
    at_least, at_most = session.execute(
        select(func.coalesce(before, 0), func.coalesce(up_to, 0)).where(
            *conditions, ActivityTotal.partnership_state.in_(PENDING_STATES)
        )
    ).one()
    return int(at_least), int(at_most)
