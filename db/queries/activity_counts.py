"""The Partnership CPD list's count, total and queue tabs, read from the running totals where they can be.

``activity_totals`` (migrations 0015, 0016) holds, per period, organisation, month of the start date
and the three decision states, how many activities there are and what they cost, kept by triggers
on every write.  A filter made only of those — the period, the organisation, the states, whole months,
which is every preset of the list and every drill-through of the dashboard — is answered from a few
hundred of its rows instead of every matching activity (0.25 s for the main view's count at five
million activities, 2.5 s for all periods; a few milliseconds here).  Anything else (a search, a
person, a training event, completion, a user whose reach is limited to some groups' jobs) is
counted from the activities themselves by ``db.queries.activities``; ``None`` here says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from db.models import ActivityTotal, Module, PartnershipState
from db.queries.activity_filter import ActivityFilter, ActivitySummary, leaves_out_withdrawn
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


def answerable(filt: ActivityFilter, scope: Scope) -> bool:
    """Whether the totals hold this filter's count: only kept columns, and every organisation seen whole."""
    if filt.search.strip() or any(getattr(filt, name) not in (None, False) for name in _NOT_KEPT):
        return False
    if not (_whole_month(filt.starts_from) and _whole_month(filt.starts_before)):
        return False
    limited = scope.job_limits.get(Module.PARTNERSHIP_CPD, {})
    return not any(org in limited for org in scope.orgs(Module.PARTNERSHIP_CPD))


def total_conditions(filt: ActivityFilter, scope: Scope) -> list[ColumnElement[bool]]:
    """The filter on the totals' key: the same rows ``activity_filter._conditions`` selects (C1, C6)."""
    t = ActivityTotal
    conditions: list[ColumnElement[bool]] = [t.organisation_id.in_(sorted(scope.orgs(Module.PARTNERSHIP_CPD)))]
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
        conditions.append(t.month >= filt.starts_from)
    if filt.starts_before is not None:
        conditions.append(t.month < filt.starts_before)
    return conditions


def kept_summary(session: Session, scope: Scope, filt: ActivityFilter) -> ActivitySummary | None:
    """The count and total of ``filt`` from the totals, or ``None`` if they cannot answer it."""
    if not answerable(filt, scope):
        return None
    t = ActivityTotal
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
    t = ActivityTotal
    per_state = select(t.partnership_state, func.sum(t.activities)).where(*total_conditions(filt, scope))
    rows = session.execute(per_state.group_by(t.partnership_state)).all()
    counts = dict.fromkeys(PartnershipState, 0)
    counts.update({PartnershipState(state): int(count or 0) for state, count in rows})
    return counts
