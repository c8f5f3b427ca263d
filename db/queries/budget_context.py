"""Budget and cover context for authorising (C7): what a decision would spend.

Read before an Authorise so the dialog can warn when the ticked rows would take
an organisation past its budget for the period, or an individual past their
cover-day limit.  Warnings, not refusals: the CPD lead decides.  What each
organisation and individual stands at already is ``db.queries.budget_standing``
(re-exported here, so importers are unchanged).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from db.cover_limits import effective_limit
from db.engine import Database
from db.models import AcademicPeriod, CpdActivity, Job, Module, PartnershipState, Person
from db.queries.budget_standing import (
    COST,
    BudgetContext,
    CoverContext,
    budget_contexts,
    chunks,
    cover_contexts,
)
from db.queries.plan_shape import unindexed
from db.scope import scope_for

__all__ = [
    "COST",
    "LISTED_COVER",
    "UNDECIDED",
    "AuthorisationImpact",
    "BudgetContext",
    "BudgetWarning",
    "CoverContext",
    "CoverWarning",
    "authorisation_impact",
    "budget_contexts",
    "cover_contexts",
    "cover_warnings",
    "impact_by_groups",
    "impact_of",
    "impact_where",
    "past_cover_limits",
]

#: cover warnings listed in full (the dialog shows a few and "…and N more": ``cover_past_limit``)
LISTED_COVER = 100
UNDECIDED = (PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION)


@dataclass(frozen=True, slots=True)
class BudgetWarning:
    context: BudgetContext
    adding_pence: int

    @property
    def over_by_pence(self) -> int:
        return self.context.authorised_pence + self.adding_pence - (self.context.budget_pence or 0)


@dataclass(frozen=True, slots=True)
class CoverWarning:
    context: CoverContext
    adding_days: float

    @property
    def total_days(self) -> float:
        return self.context.authorised_days + self.adding_days


@dataclass(frozen=True, slots=True)
class AuthorisationImpact:
    """What authorising the ticked rows would add, and where it goes past a limit."""

    count: int
    total_cost_pence: int
    undecided_count: int
    undecided_cost_pence: int
    budget_warnings: tuple[BudgetWarning, ...] = field(default_factory=tuple)
    #: the first ``LISTED_COVER`` individuals it would take past their cover limit (by job and period) …
    cover_warnings: tuple[CoverWarning, ...] = field(default_factory=tuple)
    cover_past_limit: int = 0  # … and how many there are in all


def authorisation_impact(db: Database, user_id: int, ids: Sequence[int]) -> AuthorisationImpact:
    """Totals of the ticked rows, and the budgets and cover limits authorising them would pass."""
    ids = sorted(ids)
    with db.read() as session:
        visible = sorted(scope_for(session, user_id).orgs(Module.PARTNERSHIP_CPD))
        return impact_of(
            session, [(CpdActivity.id.in_(chunk), CpdActivity.organisation_id.in_(visible)) for chunk in chunks(ids)]
        )


def impact_of(session: Session, parts: Iterable[Sequence[ColumnElement[bool]]]) -> AuthorisationImpact:
    """``authorisation_impact`` of the rows each of ``parts`` (a WHERE) selects.  One part (a filter, or
    up to ``CHUNK`` ids) is added up in SQL down to the warnings themselves (``impact_where``); more
    parts are grouped per part and the groups added up here (``impact_by_groups``)."""
    parts = list(parts)
    if len(parts) == 1:
        return impact_where(session, parts[0])
    return impact_by_groups(session, parts)


def impact_where(session: Session, where: Sequence[ColumnElement[bool]]) -> AuthorisationImpact:
    """``authorisation_impact`` of the rows ``where`` selects, in three grouped statements that return
    only a few rows whatever the number of rows selected: the totals per organisation and period, their
    budget contexts, and the individuals the rows would take past their cover limit (compared in SQL).

    "All 200,000 matching" thus never brings a row per activity or per individual into Python: each
    row fetched costs the worker the interpreter lock, and the window's thread waits for it.  The index
    of migration 0014 carries every column read here.
    """
    connection = session.connection()
    undecided_state = CpdActivity.partnership_state.in_(UNDECIDED)
    per_org: dict[tuple[int, int], int] = {}
    count = total = undecided = undecided_cost = 0
    for org, period, rows, cost, waiting, waiting_cost in connection.execute(
        select(
            CpdActivity.organisation_id,
            CpdActivity.period_id,
            func.count(),
            func.coalesce(func.sum(COST), 0),
            func.coalesce(func.sum(case((undecided_state, 1), else_=0)), 0),
            func.coalesce(func.sum(case((undecided_state, COST), else_=0)), 0),
        )
        .where(*where)
        .group_by(CpdActivity.organisation_id, CpdActivity.period_id)
    ):
        count += rows
        total += cost
        if waiting:
            undecided += waiting
            undecided_cost += waiting_cost
            per_org[(org, period)] = int(waiting_cost)
    budgets = budget_contexts(session, per_org)
    budget_warnings = tuple(
        BudgetWarning(budgets[key], adding)
        for key, adding in sorted(per_org.items())
        if (limit := budgets[key].budget_pence) is not None and budgets[key].authorised_pence + adding > limit
    )
    periods = sorted({period for _org, period in per_org})
    past_limit, listed = cover_warnings(session, where, periods, undecided) if periods else (0, ())
    return AuthorisationImpact(
        count=int(count),
        total_cost_pence=int(total),
        undecided_count=int(undecided),
        undecided_cost_pence=int(undecided_cost),
        budget_warnings=budget_warnings,
        cover_warnings=listed,
        cover_past_limit=past_limit,
    )


#: up to this many undecided rows selected, the cover authorised for their individuals is looked up per job;
#: beyond it, one pass over the periods' rows adds it up for everyone (``cover_warnings``)
FEW_ROWS = 1000


def cover_warnings(
    session: Session, where: Sequence[ColumnElement[bool]], periods: Sequence[int], undecided: int
) -> tuple[int, tuple[CoverWarning, ...]]:
    """The individuals whose undecided cover among the rows ``where`` selects (``undecided`` of them
    undecided), added to the cover already authorised for them in the period, goes past their limit:
    compared in SQL, only they return.  A few rows: each of their individuals' authorised cover is
    looked up by job; many ("all 200,000 matching"): one pass over the periods' rows adds up both,
    for every individual at once."""
    per_job = _cover_of_few(where, periods) if undecided <= FEW_ROWS else _cover_in_one_pass(where, periods)
    return past_cover_limits(session, per_job)


def _cover_of_few(where: Sequence[ColumnElement[bool]], periods: Sequence[int]) -> Any:
    """(job_id, period_id, adding, used) of a few selected rows: their cover per job, then each job's
    authorised cover in the period, from the (job, start) index (a job's few dozen activities)."""
    a = CpdActivity
    adding = (
        select(a.job_id.label("job_id"), a.period_id.label("period_id"), func.sum(a.cover_days).label("days"))
        .where(*where, a.period_id.in_(periods), a.partnership_state.in_(UNDECIDED), a.cover_days > 0)
        .group_by(a.job_id, a.period_id)
        .subquery("adding")
    )
    u = aliased(CpdActivity, name="u")
    used = (
        select(func.coalesce(func.sum(u.cover_days), 0))
        .where(
            u.job_id == adding.c.job_id,
            unindexed(u.period_id) == adding.c.period_id,
            unindexed(u.partnership_state) == PartnershipState.AUTHORISED,
            unindexed(u.cover_days) > 0,
        )
        .scalar_subquery()
    )
    return select(adding.c.job_id, adding.c.period_id, adding.c.days.label("adding"), used.label("used")).subquery(
        "per_job"
    )


def _cover_in_one_pass(where: Sequence[ColumnElement[bool]], periods: Sequence[int]) -> Any:
    """(job_id, period_id, adding, used) of many selected rows, in one pass over the periods' rows with
    cover, in the order of the index that carries them all (0014: period, organisation, job, state,
    cover): per organisation and job the ticked undecided cover and the authorised cover, then per job
    (a job's rows are normally all in its organisation; added up again in case one moved).  Two passes
    (one per sum) and a join cost a third more at five million activities."""
    a = CpdActivity
    # On SQLite the state and the cover are written ``+column`` (``unindexed``): the planner then reads
    # the periods' rows from that index, rather than the (period, state) one and the table behind it.
    state, cover = unindexed(a.partnership_state), unindexed(a.cover_days)
    adding = func.sum(case((and_(*where, state.in_(UNDECIDED)), cover), else_=0))
    used = func.sum(case((state == PartnershipState.AUTHORISED, cover), else_=0))
    per_org_job = (
        select(a.job_id.label("job_id"), a.period_id.label("period_id"), adding.label("adding"), used.label("used"))
        .where(a.period_id.in_(periods), cover > 0)
        .group_by(a.period_id, a.organisation_id, a.job_id)
        .subquery("per_org_job")
    )
    p = per_org_job.c
    return (
        select(p.job_id, p.period_id, func.sum(p.adding).label("adding"), func.sum(p.used).label("used"))
        .group_by(p.job_id, p.period_id)
        .having(func.sum(p.adding) > 0)
        .subquery("per_job")
    )


def past_cover_limits(session: Session, per_job: Any) -> tuple[int, tuple[CoverWarning, ...]]:
    """How many rows of ``per_job`` (job_id, period_id, adding, used: cover days) go past the job's
    limit, compared in SQL, and the first ``LISTED_COVER`` of them with the individual's name: only
    those come back, however many thousand individuals are past their limit."""
    limit = effective_limit()
    labels: dict[int, str] = dict(session.execute(select(AcademicPeriod.id, AcademicPeriod.label)).tuples().all())
    found = (
        session.connection()
        .execute(
            select(
                per_job.c.job_id,
                per_job.c.period_id,
                per_job.c.adding,
                per_job.c.used,
                limit,
                Person.first_name,
                Person.last_name,
                func.count().over().label("past_limit"),
            )
            .select_from(per_job)
            .join(Job, Job.id == per_job.c.job_id)
            .join(Person, Person.id == Job.person_id)
            .where(per_job.c.used + per_job.c.adding > limit)
            .order_by(per_job.c.job_id, per_job.c.period_id)
            .limit(LISTED_COVER)
        )
        .all()
    )
    past_limit = int(found[0][-1]) if found else 0
    return past_limit, tuple(
        CoverWarning(
            CoverContext(
                job_id=job,
                individual=f"{first} {last}",
                period=labels.get(period, ""),
                limit_days=float(days_limit),
                authorised_days=float(days_used),
            ),
            float(days_adding),
        )
        for job, period, days_adding, days_used, days_limit, first, last, _count in found
    )


def impact_by_groups(session: Session, parts: Iterable[Sequence[ColumnElement[bool]]]) -> AuthorisationImpact:
    """``authorisation_impact`` of the rows each of ``parts`` (a WHERE) selects, summed in SQL grouped by
    organisation, period and individual (job) per part, and the groups added up here (a set of ids in
    several chunks: an individual's cover may come from more than one chunk)."""

    per_org: dict[tuple[int, int], int] = defaultdict(int)
    per_job: dict[tuple[int, int], float] = defaultdict(float)
    count = total = undecided = undecided_cost = 0
    connection = session.connection()  # Core: grouped sums, a few rows per part
    undecided_state = CpdActivity.partnership_state.in_(UNDECIDED)
    for where in parts:
        # One pass, grouped by organisation, period and individual: the totals, the spend per
        # organisation and the cover per individual all come from these groups.
        for org, period, job, rows, cost, waiting, waiting_cost, cover in connection.execute(
            select(
                CpdActivity.organisation_id,
                CpdActivity.period_id,
                CpdActivity.job_id,
                func.count(),
                func.coalesce(func.sum(COST), 0),
                func.coalesce(func.sum(case((undecided_state, 1), else_=0)), 0),
                func.coalesce(func.sum(case((undecided_state, COST), else_=0)), 0),
                func.coalesce(
                    func.sum(case((and_(undecided_state, CpdActivity.cover_days > 0), CpdActivity.cover_days))), 0
                ),
            )
            .where(*where)
            .group_by(CpdActivity.organisation_id, CpdActivity.period_id, CpdActivity.job_id)
        ):
            count += rows
            total += cost
            if waiting:
                undecided += waiting
                undecided_cost += waiting_cost
                per_org[(org, period)] += waiting_cost
            if cover:
                per_job[(job, period)] += float(cover)
    budgets = budget_contexts(session, per_org)
    covers = cover_contexts(session, per_job)
    budget_warnings = tuple(
        BudgetWarning(budgets[key], adding)
        for key, adding in sorted(per_org.items())
        if (limit := budgets[key].budget_pence) is not None and budgets[key].authorised_pence + adding > limit
    )
    past_limit = tuple(
        CoverWarning(covers[key], adding)
        for key, adding in sorted(per_job.items())
        if covers[key].authorised_days + adding > covers[key].limit_days
    )
    return AuthorisationImpact(
        count=count,
        total_cost_pence=total,
        undecided_count=undecided,
        undecided_cost_pence=undecided_cost,
        budget_warnings=budget_warnings,
        cover_warnings=past_limit[:LISTED_COVER],
        cover_past_limit=len(past_limit),
    )
