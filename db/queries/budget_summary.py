"""Budget against spend per organisation and academic period (C7), for the Budget sheet.

Computed with one grouped SQL aggregate.  It deliberately ignores the state
and search parts of a filter: a budget line is only meaningful over all of an
organisation's activities in the period, whichever rows were exported.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from db.models import AcademicPeriod, Budget, CpdActivity, Module, Organisation, OrgKind, PartnershipState
from db.scope import Scope

UNDECIDED = (PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION)


@dataclass(frozen=True, slots=True)
class BudgetLine:
    period_id: int
    period: str
    organisation_id: int
    organisation: str
    urn: str | None
    budget_pence: int | None
    authorised_pence: int
    pending_pence: int
    rejected_pence: int
    authorised_fee_pence: int
    authorised_cover_pence: int
    authorised_travel_other_pence: int
    authorised_cover_days: float
    pending_cover_days: float

    @property
    def remaining_pence(self) -> int | None:
        return None if self.budget_pence is None else self.budget_pence - self.authorised_pence

    @property
    def remaining_if_pending_pence(self) -> int | None:
        return None if self.budget_pence is None else self.budget_pence - self.authorised_pence - self.pending_pence


def budget_lines(
    session: Session, scope: Scope, period_ids: Collection[int] | None, organisation_id: int | None
) -> list[BudgetLine]:
    """One line per visible organisation and period that has a budget or any activity."""
    orgs = set(scope.orgs(Module.PARTNERSHIP_CPD))
    if organisation_id is not None:
        orgs &= {organisation_id}
    if not orgs:
        return []
    a = CpdActivity
    state = a.partnership_state
    authorised = state == PartnershipState.AUTHORISED

    def total(
        condition: ColumnElement[bool], value: ColumnElement[Any] | InstrumentedAttribute[Any] = a.total_cost_pence
    ) -> ColumnElement[Any]:
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    where = [a.organisation_id.in_(sorted(orgs))]
    if period_ids is not None:
        where.append(a.period_id.in_(sorted(period_ids)))
    spend = (
        select(
            a.organisation_id.label("org"),
            a.period_id.label("period"),
            total(authorised).label("authorised"),
            total(state.in_(UNDECIDED)).label("pending"),
            total(state == PartnershipState.REJECTED).label("rejected"),
            total(authorised, a.course_fee_pence).label("fee"),
            total(authorised, a.cover_cost_pence).label("cover"),
            total(authorised, a.travel_cost_pence + a.other_cost_pence).label("travel_other"),
            total(authorised, a.cover_days).label("cover_days"),
            total(state.in_(UNDECIDED), a.cover_days).label("pending_cover_days"),
        )
        .where(*where)
        .group_by(a.organisation_id, a.period_id)
        .subquery()
    )
    budget_where = [Budget.organisation_id.in_(sorted(orgs))]
    if period_ids is not None:
        budget_where.append(Budget.period_id.in_(sorted(period_ids)))
    keys = (
        select(spend.c.org.label("org"), spend.c.period.label("period"))
        .union(select(Budget.organisation_id, Budget.period_id).where(*budget_where))
        .subquery()
    )
    query = (
        select(
            keys.c.period,
            AcademicPeriod.label,
            keys.c.org,
            Organisation.name,
            Organisation.urn,
            Budget.amount_pence,
            spend.c.authorised,
            spend.c.pending,
            spend.c.rejected,
            spend.c.fee,
            spend.c.cover,
            spend.c.travel_other,
            spend.c.cover_days,
            spend.c.pending_cover_days,
        )
        .join(AcademicPeriod, AcademicPeriod.id == keys.c.period)
        .join(Organisation, Organisation.id == keys.c.org)
        .outerjoin(spend, and_(spend.c.org == keys.c.org, spend.c.period == keys.c.period))
        .outerjoin(Budget, and_(Budget.organisation_id == keys.c.org, Budget.period_id == keys.c.period))
        .where(or_(Budget.id.is_not(None), spend.c.org.is_not(None)))
        .order_by(AcademicPeriod.starts_on.desc(), Organisation.kind != OrgKind.TRUST, Organisation.name)
    )
    return [
        BudgetLine(
            period_id=row[0],
            period=row[1],
            organisation_id=row[2],
            organisation=row[3],
            urn=row[4],
            budget_pence=row[5],
            authorised_pence=int(row[6] or 0),
            pending_pence=int(row[7] or 0),
            rejected_pence=int(row[8] or 0),
            authorised_fee_pence=int(row[9] or 0),
            authorised_cover_pence=int(row[10] or 0),
            authorised_travel_other_pence=int(row[11] or 0),
            authorised_cover_days=float(row[12] or 0),
            pending_cover_days=float(row[13] or 0),
        )
        for row in session.execute(query)
    ]
