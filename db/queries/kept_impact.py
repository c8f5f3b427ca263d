"""The sign-off figures of "tick all" in a period, from the running totals (C7).

``impact_in_periods`` reads every activity of the period once to add up what the ticked rows
would take from each organisation's budget (0.7 s of the dialog's 1.1 s at a million activities).
When the ticked rows are "all matching a filter the totals can answer" (``activity_counts.answerable``:
the presets of the list and the dashboard's drill-throughs, with or without a search, for a user who
sees whole schools), the same groups come from the running totals instead (``activity_totals``, or
``activity_text_totals`` for a search), less the few matching rows that are not ticked:

* the user's own requests (nobody decides their own),
* rows added since the ticking (above its ceiling),
* rows unticked by hand since (at most ``MAX_MINUS``).

Those are read by id, by job and by id range: a handful of rows, each found from an index.  The
organisations' spend so far in the period is the totals' too.  Only the individuals' cover is still
compared row by row (``cover_warnings``): limits are per individual, which the totals do not keep.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from db.models import ActivityTotal, CpdActivity, Level, Module, PartnershipState
from db.queries.activity_counts import answerable, kept_table, total_conditions
from db.queries.activity_filter import ActivityFilter, _conditions
from db.queries.budget_context import COST, AuthorisationImpact
from db.queries.decidability import DecideRules
from db.queries.period_impact import Groups, impact_from_groups
from db.scope import Scope


def kept_impact(
    session: Session,
    scope: Scope,
    rules: DecideRules,
    filt: ActivityFilter,
    where: Sequence[ColumnElement[bool]],
    ceiling: int,
    minus: frozenset[int],
) -> AuthorisationImpact | None:
    """The impact of the rows ``where`` selects — those of ``filt`` the user may decide, up to id
    ``ceiling``, less ``minus`` — from the totals; ``None`` when the totals cannot answer ``filt``."""
    if filt.period_id is None or not answerable(filt, scope):
        return None
    deciding = sorted(scope.orgs(Module.PARTNERSHIP_CPD, Level.DECIDE))
    k = kept_table(filt)
    ticked: Groups = {}
    for org, period, status, rows, cost in session.execute(
        select(k.organisation_id, k.period_id, k.partnership_state, func.sum(k.activities), func.sum(k.total_pence))
        .where(*total_conditions(filt, scope), k.organisation_id.in_(deciding))
        .group_by(k.organisation_id, k.period_id, k.partnership_state)
    ):
        ticked[(org, period, PartnershipState(status))] = (int(rows or 0), int(cost or 0))
    # On PostgreSQL each statement reads what is committed when it starts: a row added between the two
    # reads may be in these and not in the totals.  The figures are the dialog's warnings, so such a row
    # is simply left out; the sign-off itself goes by the versions ticked.
    for org, period, status, rows, cost in _not_ticked(session, scope, rules, filt, deciding, ceiling, minus):
        key = (org, period, PartnershipState(status))
        kept_rows, kept_cost = ticked.get(key, (0, 0))
        ticked[key] = (kept_rows - rows, kept_cost - cost)
    ticked = {key: figures for key, figures in ticked.items() if figures[0] > 0}
    t = ActivityTotal
    spent: dict[tuple[int, int], dict[PartnershipState, int]] = defaultdict(dict)
    orgs = sorted({org for org, _period, _status in ticked})
    for org, period, status, cost in session.execute(
        select(t.organisation_id, t.period_id, t.partnership_state, func.sum(t.total_pence))
        .where(t.period_id == filt.period_id, t.organisation_id.in_(orgs))
        .group_by(t.organisation_id, t.period_id, t.partnership_state)
    ):
        spent[(org, period)][PartnershipState(status)] = int(cost or 0)
    return impact_from_groups(session, where, ticked, spent)


def _not_ticked(
    session: Session,
    scope: Scope,
    rules: DecideRules,
    filt: ActivityFilter,
    deciding: Sequence[int],
    ceiling: int,
    minus: frozenset[int],
) -> list[tuple[int, int, str, int, int]]:
    """The matching rows in the deciding organisations that are not ticked, grouped as the totals are.

    Their ids are found first, each kind from its own index (the id range above the ceiling, the
    user's own jobs), so that the filter is then tried on those few rows only: asked all at once,
    the planner reads the whole period instead (0.5 s at a million activities)."""
    a = CpdActivity
    # the period's rows above the ceiling, sought per state in the (period, state, id) index
    states = [filt.partnership_state] if filt.partnership_state is not None else list(PartnershipState)
    others: list[ColumnElement[bool]] = [
        and_(a.period_id == filt.period_id, a.partnership_state.in_(states), a.id > ceiling)
    ]
    if rules.own_job_ids:
        others.append(a.job_id.in_(sorted(rules.own_job_ids)))
    ids = set(minus)
    for which in others:
        ids.update(session.scalars(select(a.id).where(which)))
    if not ids:
        return []
    rows = (
        select(a.id, a.organisation_id, a.period_id, a.partnership_state, COST.label("cost"))
        .where(a.id.in_(sorted(ids)), *_conditions(filt, scope), a.organisation_id.in_(deciding))
        .subquery("not_ticked")
    )
    key = (rows.c.organisation_id, rows.c.period_id, rows.c.partnership_state)
    return [
        (org, period, status, int(count), int(cost or 0))
        for org, period, status, count, cost in session.execute(
            select(*key, func.count(), func.sum(rows.c.cost)).group_by(*key)
        )
    ]
