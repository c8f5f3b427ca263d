"""What CPD was worth (DB1): hours per organisation and per person, and ratings per provider and type.

Computed with SQL aggregates over the evaluations joined to their activities,
so the work grows with the evaluations recorded in the period, not with every
activity of the trust: for a period the join starts from the period's evaluated
activities (a partial index, migration 0015) and reaches each evaluation by its
key; for every period it starts from ``activity_evaluations`` and reaches each
activity by its primary key.  Evaluation completion (completed
activities with an evaluation, of all completed) comes from the dashboard's
own pass over the activities (``DashboardFigures.evaluation_rate``).

The same figures feed the dashboard and the budget workbook's Evaluation
sheet, with the same scope (the organisations the user sees in the module).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import ActivityEvaluation, CompletionState, CpdActivity, Job, Module, Organisation, Person
from db.scope import Scope, scope_for

#: the people shown on the dashboard (most hours first); the workbook lists everyone
DASHBOARD_PEOPLE = 200


@dataclass(frozen=True, slots=True)
class HoursRow:
    """CPD hours recorded in evaluations for one organisation or one person."""

    key: int  # organisation id, or person id
    name: str
    organisation: str  # for a person: where the hours were done (several joined with "; ")
    hours: float
    evaluations: int


@dataclass(frozen=True, slots=True)
class RatingRow:
    """The average rating of one provider or one activity type."""

    name: str
    evaluations: int
    average: float
    hours: float


@dataclass(frozen=True)
class EvaluationFigures:
    hours_by_organisation: list[HoursRow] = field(default_factory=list)
    hours_by_person: list[HoursRow] = field(default_factory=list)
    people: int = 0  # everyone with hours, however many ``hours_by_person`` lists
    rating_by_provider: list[RatingRow] = field(default_factory=list)
    rating_by_type: list[RatingRow] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return sum(row.hours for row in self.hours_by_organisation)

    @property
    def evaluations(self) -> int:
        return sum(row.evaluations for row in self.hours_by_organisation)

    @property
    def average_rating(self) -> float | None:
        rated = sum(row.evaluations for row in self.rating_by_provider)
        if not rated:
            return None
        return sum(row.average * row.evaluations for row in self.rating_by_provider) / rated


def evaluation_figures(
    db: Database,
    user_id: int,
    period_id: int | None,
    organisation_id: int | None = None,
    *,
    module: Module = Module.DASHBOARD,
    people_limit: int | None = DASHBOARD_PEOPLE,
) -> EvaluationFigures:
    with db.read() as session:
        scope = scope_for(session, user_id)
        periods = None if period_id is None else [period_id]
        return figures_in(session, scope, periods, organisation_id, module=module, people_limit=people_limit)


def figures_in(
    session: Session,
    scope: Scope,
    period_ids: Iterable[int] | None,
    organisation_id: int | None,
    *,
    module: Module,
    people_limit: int | None,
) -> EvaluationFigures:
    if not scope.orgs(module):
        return EvaluationFigures()
    a, e = CpdActivity, ActivityEvaluation
    if period_ids is not None:
        # The evaluated activities of the periods, from their own partial index (every evaluation also
        # writes the activity's ``evaluation``, db.services.evaluations), each evaluation reached by its
        # key: the work grows with the period's evaluations, not with every one ever recorded.
        conditions: list[ColumnElement[bool]] = [
            a.period_id.in_(sorted(period_ids)),
            a.evaluation.is_not(None),
            scope.rows_in_reach(module, a.organisation_id, a.job_id + 0),
        ]
        if organisation_id is not None:
            conditions.append(a.organisation_id == organisation_id)
    else:
        # Every period: ``+ 0`` keeps the activities' indexes out of the plan for the whole trust, so
        # the evaluations are read and each activity reached by its key; for one organisation its
        # (organisation, period) index is the shorter way, so it is left usable.
        org_column = a.organisation_id if organisation_id is not None else a.organisation_id + 0
        conditions = [scope.rows_in_reach(module, org_column, a.job_id + 0)]
        if organisation_id is not None:
            conditions.append(a.organisation_id == organisation_id)

    # One pass by (organisation, provider, type, job): a group per evaluated job and course at most,
    # added up here into every figure.
    grouped = session.execute(
        select(
            a.organisation_id,
            a.provider,
            a.activity_type,
            a.job_id,
            func.count(),
            func.coalesce(func.sum(e.hours), 0.0),
            func.count(e.rating),
            func.coalesce(func.sum(e.rating), 0),
        )
        .select_from(e)
        .join(a, a.id == e.activity_id)
        .where(*conditions)
        .group_by(a.organisation_id, a.provider, a.activity_type, a.job_id)
    ).all()
    by_org: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    by_job: dict[int, list] = {}
    by_provider: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    by_type: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for org, provider, kind, job_id, count, hours, rated, rating_sum in grouped:
        by_org[org][0] += float(hours)
        by_org[org][1] += int(count)
        job = by_job.setdefault(job_id, [0.0, 0, org])
        job[0] += float(hours)
        job[1] += int(count)
        for table, key in ((by_provider, provider or "(no provider)"), (by_type, kind)):
            table[key][0] += int(rated)
            table[key][1] += int(rating_sum)
            table[key][2] += float(hours)
    names = dict(
        session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(sorted(by_org))))
        .tuples()
        .all()
    )
    hours_by_org = sorted(
        (HoursRow(org, names.get(org, "?"), "", round(h, 2), int(n)) for org, (h, n) in by_org.items()),
        key=lambda row: row.name,
    )
    people = _people(session, by_job, names, people_limit)
    return EvaluationFigures(
        hours_by_organisation=hours_by_org,
        hours_by_person=people[1],
        people=people[0],
        rating_by_provider=_ratings(by_provider),
        rating_by_type=_ratings(by_type),
    )


def _people(
    session: Session, by_job: dict[int, list], names: dict[int, str], limit: int | None
) -> tuple[int, list[HoursRow]]:
    """Hours per person: the jobs' hours added up per person, names read only for the people listed."""
    person_of: dict[int, int] = {}
    for chunk in _chunks(sorted(by_job)):
        person_of.update(session.execute(select(Job.id, Job.person_id).where(Job.id.in_(chunk))).tuples().all())
    totals: dict[int, list] = {}
    for job_id, (hours, count, org) in by_job.items():
        entry = totals.setdefault(person_of[job_id], [0.0, 0, set()])
        entry[0] += hours
        entry[1] += count
        entry[2].add(org)
    ranked = sorted(totals.items(), key=lambda item: (-item[1][0], item[0]))
    if limit is not None:
        ranked = ranked[:limit]
    who: dict[int, str] = {}
    for chunk in _chunks([person for person, _ in ranked]):
        query = select(Person.id, Person.first_name + " " + Person.last_name).where(Person.id.in_(chunk))
        who.update(session.execute(query).tuples().all())
    rows = [
        HoursRow(person, who.get(person, "?"), _where(names, orgs), round(hours, 2), count)
        for person, (hours, count, orgs) in ranked
    ]
    return len(totals), rows


def _chunks(ids: list[int], size: int = 2000) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _where(names: dict[int, str], orgs: set[int]) -> str:
    first = names.get(min(orgs), "?")
    return first if len(orgs) == 1 else f"{first} and {len(orgs) - 1} more"


def _ratings(table: dict[str, list[float]]) -> list[RatingRow]:
    rows = [
        RatingRow(name, int(rated), round(rating_sum / rated, 2), round(hours, 2))
        for name, (rated, rating_sum, hours) in table.items()
        if rated
    ]
    return sorted(rows, key=lambda row: (-row.average, -row.evaluations, row.name))


@dataclass(frozen=True, slots=True)
class EvaluationCompletion:
    completed: int
    evaluated: int

    @property
    def rate(self) -> float | None:
        return self.evaluated / self.completed if self.completed else None


def completion_in(
    session: Session, scope: Scope, period_ids: Iterable[int] | None, organisation_id: int | None, *, module: Module
) -> EvaluationCompletion:
    """Completed activities, and those of them with an evaluation (the workbook's own count;
    the dashboard has these from its pass over the period)."""
    a = CpdActivity
    conditions: list[ColumnElement[bool]] = [
        scope.rows_in_reach(module, a.organisation_id, a.job_id),
        a.completion_state == CompletionState.COMPLETED,
    ]
    if organisation_id is not None:
        conditions.append(a.organisation_id == organisation_id)
    if period_ids is not None:
        conditions.append(a.period_id.in_(sorted(period_ids)))
    completed, evaluated = session.execute(select(func.count(), func.count(a.evaluation)).where(*conditions)).one()
    return EvaluationCompletion(int(completed or 0), int(evaluated or 0))
