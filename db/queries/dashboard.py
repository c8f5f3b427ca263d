"""Dashboard figures (DB1), read from the running totals the database keeps.

Every figure is a sum of ``activity_totals`` rows (migration 0013): per period, organisation and
month of the start date, kept up to date by triggers on the activities, so a refresh reads a few
hundred rows whatever the size of the period (see ``bench/bench_dashboard.py``), plus the budgets
and the names of the organisations shown.  The period's totals and the monthly series are sums of
those groups.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from db.engine import Database
from db.models import AcademicPeriod, ActivityTotal, Budget, Module, Organisation
from db.scope import scope_for
from db.services.activity_totals import SURPLUS_TO_FOLD, fold_period

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SpendRow:
    organisation_id: int
    organisation: str
    budget_pence: int | None
    authorised_pence: int
    pending_pence: int

    @property
    def over_budget(self) -> bool:
        return self.budget_pence is not None and self.authorised_pence > self.budget_pence


@dataclass(frozen=True, slots=True)
class MonthRow:
    """Activities starting in one calendar month of the period."""

    starts_on: date  # the first day of the month
    requested: int
    authorised: int
    completed: int


@dataclass(frozen=True, slots=True)
class DashboardFigures:
    activities: int
    pending_line_manager: int
    pending_cpd_team: int
    pending_partnership: int
    needs_reauthorisation: int
    authorised: int
    authorised_pence: int
    cover_days: float
    completed: int
    without_evaluation: int
    spend: list[SpendRow]
    months: list[MonthRow] = field(default_factory=list)

    @property
    def completion_rate(self) -> float:
        return self.completed / self.activities if self.activities else 0.0

    @property
    def evaluation_rate(self) -> float | None:
        """Completed activities with an evaluation, of all completed ones; None when none is completed."""
        if not self.completed:
            return None
        return (self.completed - self.without_evaluation) / self.completed

    @property
    def over_budget(self) -> int:
        return sum(1 for row in self.spend if row.over_budget)


def _months_of(starts: date, ends: date) -> list[date]:
    months, current = [], date(starts.year, starts.month, 1)
    while current <= ends:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def dashboard_figures(
    db: Database, user_id: int, period_id: int, organisation_id: int | None = None
) -> DashboardFigures:
    with db.read() as session:
        scope = scope_for(session, user_id)
        orgs = scope.orgs(Module.DASHBOARD)
        if organisation_id is not None:
            orgs = orgs & {organisation_id}
        t = ActivityTotal
        grouped = session.execute(
            select(
                t.organisation_id,
                t.month,
                func.count(),
                func.sum(t.activities),
                func.sum(t.pending_line_manager),
                func.sum(t.pending_cpd_team),
                func.sum(t.pending_partnership),
                func.sum(t.needs_reauthorisation),
                func.sum(t.authorised),
                func.sum(t.authorised_pence),
                func.sum(t.undecided_pence),
                func.sum(t.cover_days),
                func.sum(t.completed),
                func.sum(t.without_evaluation),
            )
            .where(t.period_id == period_id, t.organisation_id.in_(sorted(orgs)))
            .group_by(t.organisation_id, t.month)
            .having(func.sum(t.activities) != 0)  # a key whose activities have all gone may keep a row of zeros
        ).all()

        totals = [0] * 10
        cover_days = 0.0
        rows = 0
        per_org: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        per_month: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
        for org, month, kept, count, lm, cpd, pending, reauth, auth, auth_p, pend_p, cover, done, no_eval in grouped:
            rows += kept
            for i, value in enumerate((count, lm, cpd, pending, reauth, auth, auth_p, pend_p, done, no_eval)):
                totals[i] += int(value or 0)
            cover_days += float(cover or 0)
            per_org[org][0] += int(auth_p or 0)
            per_org[org][1] += int(pend_p or 0)
            series = per_month[month]
            series[0] += int(count)
            series[1] += int(auth or 0)
            series[2] += int(done or 0)

        names = dict(
            session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(sorted(per_org))))
            .tuples()
            .all()
        )
        budgets = dict(
            session.execute(
                select(Budget.organisation_id, Budget.amount_pence).where(
                    Budget.period_id == period_id, Budget.organisation_id.in_(sorted(per_org))
                )
            )
            .tuples()
            .all()
        )
        period = session.get(AcademicPeriod, period_id)
        months = _months_of(period.starts_on, period.ends_on) if period is not None else []
        spend = sorted(
            (
                SpendRow(org, names.get(org, "?"), budgets.get(org), auth_p, pend_p)
                for org, (auth_p, pend_p) in per_org.items()
            ),
            key=lambda row: row.organisation,
        )
        figures = DashboardFigures(
            activities=totals[0],
            pending_line_manager=totals[1],
            pending_cpd_team=totals[2],
            pending_partnership=totals[3],
            needs_reauthorisation=totals[4],
            authorised=totals[5],
            authorised_pence=totals[6],
            cover_days=cover_days,
            completed=totals[8],
            without_evaluation=totals[9],
            spend=spend,
            months=[MonthRow(m, *per_month.get(m, (0, 0, 0))) for m in months],
        )
    if rows - len(grouped) > SURPLUS_TO_FOLD:
        _fold(db, period_id)
    return figures


def _fold(db: Database, period_id: int) -> None:
    """The figures are right already; folding keeps the next refresh's read short (PostgreSQL only)."""
    try:
        fold_period(db, period_id)
    except SQLAlchemyError as exc:
        log.warning("Folding the dashboard's totals of period %s failed: %s", period_id, exc)
