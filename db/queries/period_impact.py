"""The sign-off figures of "all matching" in a named period, in two grouped statements (C7).

Authorising "all 200,000 matching in this period" needs, besides the rows' own totals, every
organisation's spend so far in the period and every individual's cover so far: both are sums
over the very same period's rows. So the first statement reads the period's rows once (from the
index of migration 0014) and sorts them by whether they are ticked as it adds up:

1. per organisation, state and ticked-or-not: a count and a cost. The ticked groups give the
   totals and what each organisation's budget would take; all groups give its spend so far;
2. per individual, the undecided cover ticked and the cover authorised, compared with the
   individual's limit in SQL (``budget_context.cover_warnings``), so that only those past
   their limit come back (the first hundred, and how many in all).

Neither statement returns a row per activity or per individual: the worker barely holds the
interpreter lock, and the window's thread stays free.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from db.models import CpdActivity, PartnershipState
from db.queries.budget_context import (
    COST,
    UNDECIDED,
    AuthorisationImpact,
    BudgetWarning,
    budget_contexts,
    cover_warnings,
)
from db.queries.plan_shape import unindexed

#: (organisation, period, partnership state) → (activities, their cost)
Groups = dict[tuple[int, int, PartnershipState], tuple[int, int]]


def impact_in_periods(
    session: Session, where: Sequence[ColumnElement[bool]], periods: Sequence[int]
) -> AuthorisationImpact:
    """``authorisation_impact`` of the rows ``where`` selects, all of them in ``periods``."""
    connection = session.connection()
    state = unindexed(CpdActivity.partnership_state)  # SQLite: read the period from 0014's index
    ticked_flag = case((and_(*where), 1), else_=0)
    ticked: Groups = {}
    spent: dict[tuple[int, int], dict[PartnershipState, int]] = defaultdict(lambda: defaultdict(int))
    for org, period, status, is_ticked, rows, cost in connection.execute(
        select(CpdActivity.organisation_id, CpdActivity.period_id, state, ticked_flag, func.count(), func.sum(COST))
        .where(CpdActivity.period_id.in_(periods))
        .group_by(CpdActivity.organisation_id, CpdActivity.period_id, state, ticked_flag)
    ):
        status, cost = PartnershipState(status), int(cost or 0)
        spent[(org, period)][status] += cost
        if is_ticked:
            ticked[(org, period, status)] = (rows, cost)
    return impact_from_groups(session, where, ticked, spent)


def impact_from_groups(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    ticked: Groups,
    spent: Mapping[tuple[int, int], Mapping[PartnershipState, int]],
) -> AuthorisationImpact:
    """The impact of the ticked rows (``where``), given their groups and every organisation's spend so far
    in the period per state; the individuals' cover is compared in SQL (``cover_warnings``)."""
    count = total = undecided = undecided_cost = 0
    per_org: dict[tuple[int, int], int] = {}
    for (org, period, status), (rows, cost) in ticked.items():
        count += rows
        total += cost
        if status in UNDECIDED:
            undecided += rows
            undecided_cost += cost
            per_org[(org, period)] = per_org.get((org, period), 0) + cost
    budgets = budget_contexts(session, per_org, spent)
    budget_warnings = tuple(
        BudgetWarning(budgets[key], adding)
        for key, adding in sorted(per_org.items())
        if (limit := budgets[key].budget_pence) is not None and budgets[key].authorised_pence + adding > limit
    )
    periods = sorted({period for _org, period in per_org})
    past_limit, listed = cover_warnings(session, where, periods, undecided) if per_org else (0, ())
    return AuthorisationImpact(
        count=count,
        total_cost_pence=total,
        undecided_count=undecided,
        undecided_cost_pence=undecided_cost,
        budget_warnings=budget_warnings,
        cover_warnings=listed,
        cover_past_limit=past_limit,
    )
