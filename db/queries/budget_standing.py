"""Where an organisation stands against its CPD budget, and an individual against their cover limit.

Per period: the budget and the authorised, pending and rejected spend; the cover-day
limit and the cover days already authorised.  The authorisation warnings
(``db.queries.budget_context``), an activity's detail and a request's form all read them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.cover_limits import effective_limit
from db.models import AcademicPeriod, ActivityTotal, Budget, CpdActivity, Job, Organisation, PartnershipState, Person

CHUNK = 5000
MANY_JOBS = 500
#: an activity's total cost added up from its four parts: the same figure as ``total_cost_pence``, which
#: is generated from them, but read from the index that carries them (SQLite reads a generated column
#: from the table; migration 0014)
COST = (
    CpdActivity.course_fee_pence
    + CpdActivity.cover_cost_pence
    + CpdActivity.travel_cost_pence
    + CpdActivity.other_cost_pence
)


@dataclass(frozen=True, slots=True)
class BudgetContext:
    """One organisation's CPD budget for one period (None: no budget set)."""

    organisation_id: int
    organisation: str
    period_id: int
    period: str
    budget_pence: int | None
    authorised_pence: int
    pending_pence: int
    rejected_pence: int

    @property
    def remaining_pence(self) -> int | None:
        return None if self.budget_pence is None else self.budget_pence - self.authorised_pence


@dataclass(frozen=True, slots=True)
class CoverContext:
    job_id: int
    individual: str
    period: str
    limit_days: float
    authorised_days: float


def chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    """``ids`` in slices of ``CHUNK``: an IN list each engine takes in one statement."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def budget_contexts(
    session: Session,
    pairs: Iterable[tuple[int, int]],
    known: Mapping[tuple[int, int], Mapping[PartnershipState, int]] | None = None,
) -> dict[tuple[int, int], BudgetContext]:
    """(organisation, period) → its budget and the authorised/pending/rejected totals (``known``: those
    totals per state, already added up by the caller in its own pass over the periods)."""
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    orgs = sorted({org for org, _ in pairs})
    periods = sorted({period for _, period in pairs})
    totals: dict[tuple[int, int], dict[PartnershipState, int]] = defaultdict(dict)
    for org, period, status, amount in (
        ()
        if known is not None
        # the running totals (migration 0016) hold each organisation's spend per period and state
        else session.execute(
            select(
                ActivityTotal.organisation_id,
                ActivityTotal.period_id,
                ActivityTotal.partnership_state,
                func.sum(ActivityTotal.total_pence),
            )
            .where(ActivityTotal.organisation_id.in_(orgs), ActivityTotal.period_id.in_(periods))
            .group_by(ActivityTotal.organisation_id, ActivityTotal.period_id, ActivityTotal.partnership_state)
        )
    ):
        totals[(org, period)][PartnershipState(status)] = int(amount or 0)
    if known is not None:
        totals.update({pair: dict(known[pair]) for pair in pairs if pair in known})
    budgets = {
        (org, period): int(amount)
        for org, period, amount in session.execute(
            select(Budget.organisation_id, Budget.period_id, Budget.amount_pence).where(
                Budget.organisation_id.in_(orgs), Budget.period_id.in_(periods)
            )
        )
    }
    names: dict[int, str] = dict(
        session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(orgs))).tuples().all()
    )
    labels: dict[int, str] = dict(session.execute(select(AcademicPeriod.id, AcademicPeriod.label)).tuples().all())
    result = {}
    for org, period in pairs:
        t = totals.get((org, period), {})
        result[(org, period)] = BudgetContext(
            organisation_id=org,
            organisation=names.get(org, ""),
            period_id=period,
            period=labels.get(period, ""),
            budget_pence=budgets.get((org, period)),
            authorised_pence=t.get(PartnershipState.AUTHORISED, 0),
            pending_pence=t.get(PartnershipState.PENDING, 0) + t.get(PartnershipState.NEEDS_REAUTHORISATION, 0),
            rejected_pence=t.get(PartnershipState.REJECTED, 0),
        )
    return result


def cover_contexts(session: Session, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], CoverContext]:
    """(job, period) → the individual's cover limit and cover days already authorised."""
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    jobs = sorted({job for job, _ in pairs})
    labels: dict[int, str] = dict(session.execute(select(AcademicPeriod.id, AcademicPeriod.label)).tuples().all())
    used: dict[tuple[int, int], float] = {}
    limits: dict[int, tuple[float, str]] = {}
    if len(jobs) > MANY_JOBS:
        # Thousands of individuals: one pass over the period's authorised rows beats a
        # look-up per job through the (job, start) index.
        periods = sorted({period for _, period in pairs})
        wanted = set(jobs)
        for job, period, total in session.execute(
            select(CpdActivity.job_id, CpdActivity.period_id, func.sum(CpdActivity.cover_days))
            .where(
                CpdActivity.period_id.in_(periods),
                CpdActivity.partnership_state == PartnershipState.AUTHORISED,
                CpdActivity.cover_days > 0,
            )
            .group_by(CpdActivity.job_id, CpdActivity.period_id)
        ):
            if job in wanted:
                used[(job, period)] = float(total or 0)
    for chunk in chunks(jobs):
        if len(jobs) <= MANY_JOBS:
            for job, period, total in session.execute(
                select(CpdActivity.job_id, CpdActivity.period_id, func.sum(CpdActivity.cover_days))
                .where(CpdActivity.job_id.in_(chunk), CpdActivity.partnership_state == PartnershipState.AUTHORISED)
                .group_by(CpdActivity.job_id, CpdActivity.period_id)
            ):
                used[(job, period)] = float(total or 0)
        for job, limit, first, last in session.execute(
            select(Job.id, effective_limit(), Person.first_name, Person.last_name)
            .join(Person, Person.id == Job.person_id)
            .where(Job.id.in_(chunk))
        ):
            limits[job] = (float(limit), f"{first} {last}")
    return {
        (job, period): CoverContext(
            job_id=job,
            individual=limits.get(job, (0.0, ""))[1],
            period=labels.get(period, ""),
            limit_days=limits.get(job, (0.0, ""))[0],
            authorised_days=used.get((job, period), 0.0),
        )
        for job, period in pairs
    }
