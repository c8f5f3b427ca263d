"""What CPD was worth (DB1): hours per organisation and per person, and ratings per provider and type.

Computed with SQL aggregates over the evaluations joined to their activities,
so the work grows with the evaluations recorded in the period, not with every
activity of the trust: the join starts from ``activity_evaluations`` and
reaches each activity by its primary key.  Evaluation completion (completed
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
from db.models import ActivityEvaluation, CpdActivity, Job, Module, Organisation, Person
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
    conditions: list[ColumnElement[bool]] = [scope.rows_in_reach(module, a.organisation_id, a.job_id)]
    if organisation_id is not None:
        conditions.append(a.organisation_id == organisation_id)
    if period_ids is not None:
        conditions.append(a.period_id.in_(sorted(period_ids)))
    base = select().select_from(e).join(a, a.id == e.activity_id).where(*conditions)

    # One pass by (organisation, provider, type): a few thousand groups at most, added up here.
    grouped = session.execute(
        base.add_columns(
            a.organisation_id,
            a.provider,
            a.activity_type,
            func.count(),
            func.coalesce(func.sum(e.hours), 0.0),
            func.count(e.rating),
            func.coalesce(func.sum(e.rating), 0),
        ).group_by(a.organisation_id, a.provider, a.activity_type)
    ).all()
    by_org: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    by_provider: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    by_type: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for org, provider, kind, count, hours, rated, rating_sum in grouped:
        by_org[org][0] += float(hours)
        by_org[org][1] += int(count)
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

    person_hours = func.sum(e.hours)
    people_query = (
        base.join(Job, Job.id == a.job_id)
        .join(Person, Person.id == Job.person_id)
        .add_columns(
            Job.person_id,
            Person.first_name + " " + Person.last_name,
            func.coalesce(person_hours, 0.0),
            func.count(),
            func.min(a.organisation_id),
            func.max(a.organisation_id),
        )
        .group_by(Job.person_id, Person.first_name, Person.last_name)
        .order_by(person_hours.desc(), Person.last_name, Job.person_id)
    )
    people_count = session.scalar(select(func.count()).select_from(people_query.subquery())) or 0
    if people_limit is not None:
        people_query = people_query.limit(people_limit)
    people = [
        HoursRow(person, name, _where(names, low, high), round(float(hours), 2), int(count))
        for person, name, hours, count, low, high in session.execute(people_query)
    ]
    return EvaluationFigures(
        hours_by_organisation=hours_by_org,
        hours_by_person=people,
        people=int(people_count),
        rating_by_provider=_ratings(by_provider),
        rating_by_type=_ratings(by_type),
    )


def _where(names: dict[int, str], low: int, high: int) -> str:
    if low == high:
        return names.get(low, "?")
    return f"{names.get(low, '?')} and others"


def _ratings(table: dict[str, list[float]]) -> list[RatingRow]:
    rows = [
        RatingRow(name, int(rated), round(rating_sum / rated, 2), round(hours, 2))
        for name, (rated, rating_sum, hours) in table.items()
        if rated
    ]
    return sorted(rows, key=lambda row: (-row.average, -row.evaluations, row.name))
