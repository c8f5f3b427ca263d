"""Dashboard figures (DB1), read from the running totals the database keeps.

Every figure is a sum of ``activity_totals`` rows (migrations 0015, 0016): per period, organisation and
month of the start date, kept up to date by triggers on the activities, so a refresh reads a few
hundred rows whatever the size of the period (see ``bench/bench_dashboard.py``), plus the budgets
and the names of the organisations shown.  The period's totals and the monthly series are sums of
those groups.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import distinct, func, select
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
        in_reach = (t.period_id == period_id, t.organisation_id.in_(sorted(orgs)))
        sums = [func.sum(column) for column in (
            t.activities, t.pending_line_manager, t.pending_cpd_team, t.pending_partnership,
            t.needs_reauthorisation, t.authorised, t.authorised_pence, t.undecided_pence, t.cover_days,
            t.completed, t.without_evaluation,
        )]  # fmt: skip
        # One statement, one pass in the index's order: the sums per (organisation, month), added up here per
        # organisation and per month (1,600 rows for a whole trust's year at five million activities; two
        # grouped passes over the rows of every decision state took four times as long).  An organisation
        # whose activities have all gone may keep rows of zeros: it has no spend row, as before.
        states = t.partnership_state + t.line_manager_state + t.cpd_team_state
        # a key is (organisation, month, states): on PostgreSQL, rows beyond one per key are the fold's to merge;
        # on SQLite each key has one row
        held = func.count() if db.target.is_sqlite else func.count(distinct(states))
        grouped = session.execute(
            select(t.organisation_id, t.month, func.count(), held, *sums)
            .where(*in_reach)
            .group_by(t.organisation_id, t.month)
        ).all()

        totals = [0] * 10  # the sums in their order, but for the cover days
        cover_days = 0.0
        rows = keys = 0  # rows read, and keys they hold
        per_org_sums: dict[int, list[int]] = {}  # activities, authorised and undecided pence
        per_month_sums: dict[date, list[int]] = {}  # requested, authorised, completed
        for org, month, kept, keys_held, *values in grouped:
            counts = [int(value or 0) for value in (*values[:8], *values[9:])]
            rows, keys = rows + kept, keys + keys_held
            totals = [total + count for total, count in zip(totals, counts, strict=True)]
            cover_days += float(values[8] or 0)
            of_org = per_org_sums.setdefault(org, [0, 0, 0])
            of_month = per_month_sums.setdefault(month, [0, 0, 0])
            for sums_of, add in (
                (of_org, (counts[0], counts[6], counts[7])),
                (of_month, (counts[0], counts[5], counts[8])),
            ):
                for position, value in enumerate(add):
                    sums_of[position] += value
        per_org = {org: (authorised, undecided) for org, (n, authorised, undecided) in per_org_sums.items() if n}
        per_month = {month: (n, authorised, done) for month, (n, authorised, done) in per_month_sums.items()}

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
    if rows - keys > SURPLUS_TO_FOLD:
        _fold(db, period_id)
    return figures


def _fold(db: Database, period_id: int) -> None:
    """The figures are right already; folding keeps the next refresh's read short (PostgreSQL only)."""
    try:
        fold_period(db, period_id)
    except SQLAlchemyError as exc:
        log.warning("Folding the dashboard's totals of period %s failed: %s", period_id, exc)
