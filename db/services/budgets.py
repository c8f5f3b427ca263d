"""Setting an organisation's CPD budget for a period (C7), with a version check and audit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.actions import begin
from db.engine import Database
from db.errors import NotFound, ValidationError
from db.models import AcademicPeriod, Budget, Module, Organisation
from db.queries.organisations import BUDGETS

MAX_BUDGET_PENCE = 100_000_000_00  # £100m: anything above is a typing slip


@dataclass(frozen=True, slots=True)
class BudgetSaved:
    budget_id: int
    version: int
    amount_pence: int


def set_budget(
    db: Database,
    user_id: int,
    organisation_id: int,
    period_id: int,
    amount_pence: int,
    shown_version: int | None,
) -> BudgetSaved:
    """Create or change the budget; ``shown_version`` is None when the user saw no budget yet."""
    if amount_pence < 0:
        raise ValidationError("A budget cannot be negative.")
    if amount_pence > MAX_BUDGET_PENCE:
        raise ValidationError("That budget is more than £100m: check the amount.")
    with begin(db, user_id) as act:
        session = act.session
        org = session.get(Organisation, organisation_id)
        period = session.get(AcademicPeriod, period_id)
        if org is None or period is None:
            raise NotFound("That organisation or period no longer exists.")
        act.require_central(Module.BUDGETS, [organisation_id], "set the CPD budget")
        budget = session.scalar(
            select(Budget).where(Budget.organisation_id == organisation_id, Budget.period_id == period_id)
        )
        act.check_version(
            budget,
            shown_version,
            f"The {period.label} budget of {org.name}",
            message=f"The {period.label} budget of {org.name} was changed by someone else since it was shown. "
            "Nothing was saved; look again.",
        )
        before = None if budget is None else {"amount_pence": budget.amount_pence, "version": budget.version}
        if budget is None:
            budget = Budget(organisation_id=organisation_id, period_id=period_id, amount_pence=amount_pence)
            session.add(budget)
        else:
            budget.amount_pence = amount_pence
        session.flush()
        act.audit(
            "budget_set",
            "budget",
            budget.id,
            before=before,
            after={"amount_pence": amount_pence, "version": budget.version, "period": period.label},
            reason=f"{org.name} {period.label}",
        )
        act.changed(BUDGETS, budget.id)
        return BudgetSaved(budget.id, budget.version, amount_pence)
