"""One organisation's page (O1): its details, budgets by period and staff.

Staff come a page at a time (a large school has hundreds of jobs); budgets
come with what is already authorised against them and what is still waiting
for a decision (pending or needing re-authorisation, as on the Budget sheet),
so the page can show the remaining amount without a second trip.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from db.engine import Database
from db.errors import NotFound
from db.models import AcademicPeriod, Budget, CpdActivity, Job, Level, Module, PartnershipState, Person
from db.queries.budget_summary import UNDECIDED
from db.queries.organisations import OrganisationFilter, OrganisationRow, list_organisations
from db.queries.text_search import any_contains
from db.scope import scope_for

STAFF_PAGE = 100


@dataclass(frozen=True, slots=True)
class BudgetRow:
    period_id: int
    period: str
    amount_pence: int | None  # None: no budget set for this period
    version: int | None
    authorised_pence: int
    pending_pence: int = 0  # undecided: pending or needing re-authorisation (C7)


@dataclass(frozen=True, slots=True)
class OrganisationPage:
    organisation: OrganisationRow
    can_edit_details: bool
    budgets_visible: bool
    can_edit_budget: bool
    budgets: list[BudgetRow]
    staff_visible: bool


@dataclass(frozen=True, slots=True)
class StaffRow:
    job_id: int
    person_id: int
    name: str
    role: str
    email: str | None
    line_manager: str | None
    unique_id: str | None
    pay_scale: str | None


def organisation_page(db: Database, user_id: int, organisation_id: int) -> OrganisationPage:
    rows = list_organisations(db, user_id, OrganisationFilter(include_closed=True))
    organisation = next((row for row in rows if row.id == organisation_id), None)
    if organisation is None:
        raise NotFound("That organisation does not exist or is not shared with you.")
    with db.read() as session:
        scope = scope_for(session, user_id)
        budgets_visible = scope.can_see(Module.BUDGETS, organisation_id)
        budgets: list[BudgetRow] = []
        if budgets_visible:
            state, cost = CpdActivity.partnership_state, CpdActivity.total_cost_pence
            spent = (
                select(
                    CpdActivity.period_id,
                    func.sum(case((state == PartnershipState.AUTHORISED, cost), else_=0)).label("spent"),
                    func.sum(case((state.in_(UNDECIDED), cost), else_=0)).label("pending"),
                )
                .where(
                    CpdActivity.organisation_id == organisation_id,
                    state.in_((PartnershipState.AUTHORISED, *UNDECIDED)),
                )
                .group_by(CpdActivity.period_id)
                .subquery()
            )
            query = (
                select(
                    AcademicPeriod.id,
                    AcademicPeriod.label,
                    Budget.amount_pence,
                    Budget.version,
                    spent.c.spent,
                    spent.c.pending,
                )
                .outerjoin(
                    Budget, and_(Budget.period_id == AcademicPeriod.id, Budget.organisation_id == organisation_id)
                )
                .outerjoin(spent, spent.c.period_id == AcademicPeriod.id)
                .order_by(AcademicPeriod.starts_on.desc())
            )
            budgets = [
                BudgetRow(pid, label, amount, version, int(used or 0), int(pending or 0))
                for pid, label, amount, version, used, pending in session.execute(query)
            ]
        return OrganisationPage(
            organisation=organisation,
            can_edit_details=scope.can_act(Module.ORGANISATIONS, organisation_id, Level.DECIDE),
            budgets_visible=budgets_visible,
            can_edit_budget=scope.can_act(Module.BUDGETS, organisation_id, Level.DECIDE),
            budgets=budgets,
            staff_visible=scope.can_see(Module.STAFF, organisation_id),
        )


def staff_page(
    db: Database, user_id: int, organisation_id: int, offset: int = 0, limit: int = STAFF_PAGE, search: str = ""
) -> list[StaffRow]:
    """One page of the organisation's active jobs, by surname; empty when its staff are not shared."""
    manager_job, manager = aliased(Job), aliased(Person)
    with db.read() as session:
        if not scope_for(session, user_id).can_see(Module.STAFF, organisation_id):
            return []
        conditions = [Job.organisation_id == organisation_id, Job.active.is_(True)]
        if search.strip():
            conditions.append(any_contains(search, Person.first_name, Person.last_name, Job.role))
        query = (
            select(
                Job.id,
                Job.person_id,
                Person.first_name + " " + Person.last_name,
                Job.role,
                Job.email,
                manager.first_name + " " + manager.last_name,
                Job.unique_id,
                Job.pay_scale,
            )
            .join(Person, Person.id == Job.person_id)
            .outerjoin(manager_job, manager_job.id == Job.line_manager_job_id)
            .outerjoin(manager, manager.id == manager_job.person_id)
            .where(*conditions)
            .order_by(Person.last_name, Person.first_name, Job.id)
            .offset(offset)
            .limit(limit)
        )
        return [StaffRow(*row) for row in session.execute(query)]
