"""Dashboard figures (DB1), computed with SQL aggregates only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select

from db.engine import Database
from db.models import (
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
class DashboardFigures:
    activities: int
    pending_line_manager: int
    pending_cpd_team: int
    pending_partnership: int
    needs_reauthorisation: int
    authorised_pence: int
    cover_days: float
    completed: int
    without_evaluation: int
    spend: list[SpendRow]

    @property
    def completion_rate(self) -> float:
        return self.completed / self.activities if self.activities else 0.0


def dashboard_figures(
    db: Database, user_id: int, period_id: int, organisation_id: int | None = None
) -> DashboardFigures:
    with db.read() as session:
        scope = scope_for(session, user_id)
        orgs = scope.orgs(Module.DASHBOARD)
        if organisation_id is not None:
            orgs = orgs & {organisation_id}
        where = and_(CpdActivity.period_id == period_id, CpdActivity.organisation_id.in_(sorted(orgs)))
        a = CpdActivity
        counted = session.execute(
            select(
                func.count(),
                func.sum(case((a.line_manager_state == LineManagerState.PENDING, 1), else_=0)),
                func.sum(case((a.cpd_team_state == CpdTeamState.PENDING, 1), else_=0)),
                func.sum(case((a.partnership_state == PartnershipState.PENDING, 1), else_=0)),
                func.sum(case((a.partnership_state == PartnershipState.NEEDS_REAUTHORISATION, 1), else_=0)),
                func.sum(case((a.partnership_state == PartnershipState.AUTHORISED, a.total_cost_pence), else_=0)),
                func.sum(case((a.partnership_state == PartnershipState.AUTHORISED, a.cover_days), else_=0)),
                func.sum(case((a.completion_state == CompletionState.COMPLETED, 1), else_=0)),
                func.sum(
                    case(
                        (and_(a.completion_state == CompletionState.COMPLETED, a.evaluation.is_(None)), 1),
                        else_=0,
                    )
                ),
            ).where(where)
        ).one()
        per_org = (
            select(
                a.organisation_id.label("org"),
                func.sum(case((a.partnership_state == PartnershipState.AUTHORISED, a.total_cost_pence), else_=0)).label(
                    "authorised"
                ),
                func.sum(
                    case(
                        (
                            a.partnership_state.in_([PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION]),
                            a.total_cost_pence,
                        ),
                        else_=0,
                    )
                ).label("pending"),
            )
            .where(where)
            .group_by(a.organisation_id)
            .subquery()
        )
        spend = session.execute(
            select(Organisation.id, Organisation.name, Budget.amount_pence, per_org.c.authorised, per_org.c.pending)
            .join(per_org, per_org.c.org == Organisation.id)
            .outerjoin(Budget, and_(Budget.organisation_id == Organisation.id, Budget.period_id == period_id))
            .order_by(Organisation.name)
        ).all()
        values = [value or 0 for value in counted]
        return DashboardFigures(
            activities=int(values[0]),
            pending_line_manager=int(values[1]),
            pending_cpd_team=int(values[2]),
            pending_partnership=int(values[3]),
            needs_reauthorisation=int(values[4]),
            authorised_pence=int(values[5]),
            cover_days=float(values[6]),
            completed=int(values[7]),
            without_evaluation=int(values[8]),
            spend=[
                SpendRow(oid, name, budget, int(auth or 0), int(pend or 0)) for oid, name, budget, auth, pend in spend
            ],
        )
