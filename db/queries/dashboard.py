"""Dashboard figures (DB1), computed with SQL aggregates only.

Everything on the dashboard comes from one grouped pass over the period's
activities (per organisation and per month) plus the budgets; the period's
totals and the monthly series are sums of those few hundred groups.  On the
``large`` demo (1,000,000 activities) this is one table scan: see
``bench/bench_dashboard.py``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import (
    AcademicPeriod,
    Budget,
    CompletionState,
    CpdActivity,
    CpdTeamState,
    LineManagerState,
    Module,
    Organisation,
    PartnershipState,
)
from db.scope import scope_for


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


def _month_key(session: Session) -> ColumnElement[str]:
    """``YYYY-MM`` of the start date, cheaply: SQLite stores dates as ISO text."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(CpdActivity.starts_on, 1, 7)
    return func.to_char(CpdActivity.starts_on, "YYYY-MM")


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
        a = CpdActivity
        # ``+ 0`` keeps SQLite from walking an index and looking up a fifth of the
        # table row by row; one sequential scan is three times quicker here.  The
        # scope is applied to the groups (HAVING), not to each of the rows.
        org_key = a.organisation_id + 0
        authorised = a.partnership_state == PartnershipState.AUTHORISED
        undecided = a.partnership_state.in_([PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION])
        completed = a.completion_state == CompletionState.COMPLETED
        live = a.partnership_state != PartnershipState.WITHDRAWN  # a withdrawn request waits for no layer

        def count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
            return func.sum(case((condition, 1), else_=0))

        month = _month_key(session)
        grouped = session.execute(
            select(
                org_key,
                month,
                func.count(),
                count_if((a.line_manager_state == LineManagerState.PENDING) & live),
                count_if((a.cpd_team_state == CpdTeamState.PENDING) & live),
                count_if(a.partnership_state == PartnershipState.PENDING),
                count_if(a.partnership_state == PartnershipState.NEEDS_REAUTHORISATION),
                count_if(authorised),
                func.sum(case((authorised, a.total_cost_pence), else_=0)),
                func.sum(case((undecided, a.total_cost_pence), else_=0)),
                func.sum(case((authorised, a.cover_days), else_=0)),
                count_if(completed),
                count_if(and_(completed, a.evaluation.is_(None))),
            )
            .where((a.period_id + 0) == period_id)
            .group_by(org_key, month)
            .having(org_key.in_(sorted(orgs)))
        ).all()

        totals = [0] * 10
        cover_days = 0.0
        per_org: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        per_month: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for org, key, count, lm, cpd, pending, reauth, auth, auth_p, pend_p, cover, done, no_eval in grouped:
            for i, value in enumerate((count, lm, cpd, pending, reauth, auth, auth_p, pend_p, done, no_eval)):
                totals[i] += int(value or 0)
            cover_days += float(cover or 0)
            per_org[org][0] += int(auth_p or 0)
            per_org[org][1] += int(pend_p or 0)
            series = per_month[key]
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
        return DashboardFigures(
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
            months=[MonthRow(m, *per_month.get(f"{m:%Y-%m}", (0, 0, 0))) for m in months],
        )
