"""CPD budgets per organisation per period, and the trust's central budget (C7).

Budgets are sized from what the activities actually cost, so the figures look
plausible at any scale: comfortably above the committed spend for most, and
below what is already authorised for the schools chosen to be over budget
(so the dashboard and the authorise-past-budget warning have something to
show) in the last and the current period.  The period still to come gets
roughly the current period's budget, never less than what is already asked.
"""

from __future__ import annotations

from db.demo.context import BuildContext, OrgInfo, PeriodInfo
from db.models import Budget, OrgKind, OrgStatus

ROUND_UP_PENCE = 50_000  # budgets are set in whole £500s
FLOOR_PENCE = 100_000


def _round_up(pence: float) -> int:
    return max(FLOOR_PENCE, -(-int(pence) // ROUND_UP_PENCE) * ROUND_UP_PENCE)


def build_budgets(ctx: BuildContext) -> int:
    """Insert one budget per organisation per period; returns how many."""
    rng = ctx.rng
    current = ctx.periods[ctx.scale.periods_before]
    finished_or_current = ctx.periods[: ctx.scale.periods_before + 1]
    recent = finished_or_current[-2:]  # over-budget schools overspend last year and this
    rows: list[tuple[object, ...]] = []
    first = ctx.take_ids(Budget, 0)
    for org in ctx.orgs:
        amounts: dict[int, int] = {}
        for period in finished_or_current:
            if org.status == OrgStatus.CLOSED and period is not ctx.periods[0]:
                continue
            amounts[period.id] = _amount(ctx, org, period, period in recent)
        for period in ctx.periods[ctx.scale.periods_before + 1 :]:
            if current.id in amounts:
                # Next year's budget follows this year's, but always covers what is already asked for.
                asked = ctx.committed.get((org.id, period.id), 0) * rng.uniform(1.05, 1.2)
                amounts[period.id] = _round_up(max(amounts[current.id] * rng.uniform(0.98, 1.06), asked))
        for period_id, amount in amounts.items():
            rows.append((first + len(rows), org.id, period_id, amount))
    ctx.take_ids(Budget, len(rows))
    ctx.insert(Budget, ("id", "organisation_id", "period_id", "amount_pence"), rows)
    return len(rows)


def _amount(ctx: BuildContext, org: OrgInfo, period: PeriodInfo, may_overspend: bool) -> int:
    rng = ctx.rng
    if org.kind == OrgKind.TRUST:
        members = sum(ctx.committed.get((m.id, period.id), 0) for m in ctx.members())
        return _round_up(members * rng.uniform(0.12, 0.18))
    authorised = ctx.authorised.get((org.id, period.id), 0)
    committed = ctx.committed.get((org.id, period.id), 0)
    if org.over_budget and may_overspend and authorised > 0:
        # Below what is already authorised: rounded down to £10 so it stays below.
        return int(authorised * rng.uniform(0.8, 0.92)) // 1_000 * 1_000
    return _round_up(committed * rng.uniform(1.05, 1.4))
