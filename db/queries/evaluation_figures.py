"""What CPD was worth (DB1): hours per organisation and per person, and ratings per provider and type.

Computed with SQL aggregates over the evaluated activities, each of which carries
its evaluation's hours and rating (kept there by ``db.services.evaluations``,
migration 0018), from a partial index that holds every column grouped or summed:
the work grows with the evaluations recorded in the period, and reads neither the
activities' table nor the evaluations.  Two grouped reads: per organisation,
provider and type (a few thousand groups), and per person (each evaluated
activity carries its person, migration 0023), ranked in SQL so that only the
people listed come back.  Evaluation completion (completed activities with an
evaluation, of all completed) comes from the dashboard's own pass over the
activities (``DashboardFigures.evaluation_rate``).

The same figures feed the dashboard and the budget workbook's Evaluation
sheet, with the same scope (the organisations the user sees in the module).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import ARRAY, ColumnElement, Integer, Select, bindparam, func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import CompletionState, CpdActivity, Module, Organisation, Person
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
    a = CpdActivity
    # The evaluated activities, each carrying its hours and rating (db.services.evaluations), read from
    # their own partial index, which holds every column grouped or summed below: for a period the
    # index's own rows of that period; for every period the whole index.  No evaluation is joined.
    conditions: list[ColumnElement[bool]] = [
        a.evaluation_hours.is_not(None),
        scope.rows_in_reach(module, a.organisation_id, a.job_id),
    ]
    if period_ids is not None:
        conditions.append(a.period_id.in_(sorted(period_ids)))
    if organisation_id is not None:
        conditions.append(a.organisation_id == organisation_id)
    connection = session.connection()  # Core: grouped rows, a few thousand at most

    # Per organisation, provider and type (a few thousand groups at five million activities): the
    # hours per organisation and the ratings per provider and per type are added up from these.
    by_org: dict[int, list[float]] = defaultdict(lambda: [0.0, 0])
    by_provider: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    by_type: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    grouped = select(
        a.organisation_id,
        a.provider,
        a.activity_type,
        func.count(),
        func.coalesce(func.sum(a.evaluation_hours), 0.0),
        func.count(a.evaluation_rating),
        func.coalesce(func.sum(a.evaluation_rating), 0),
    ).where(*conditions)
    for org, provider, kind, count, hours, rated, rating_sum in connection.execute(
        grouped.group_by(a.organisation_id, a.provider, a.activity_type)
    ):
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
    people, hours_by_person = _people(session, conditions, names, people_limit)
    return EvaluationFigures(
        hours_by_organisation=hours_by_org,
        hours_by_person=hours_by_person,
        people=people,
        rating_by_provider=_ratings(by_provider),
        rating_by_type=_ratings(by_type),
    )


def _people(
    session: Session, conditions: list[ColumnElement[bool]], names: dict[int, str], limit: int | None
) -> tuple[int, list[HoursRow]]:
    """Hours per person (their jobs' added up), most first, ranked in SQL: only the ``limit`` people
    listed come back (with how many have hours at all), and only their names and organisations are read.

    Each evaluated activity carries whose hours they are (``evaluation_person_id``, 0023) in an index
    in order of person, so the hours are added up as it is read: joining each evaluation to its job
    took 75 ms at five million activities on SQLite, and PostgreSQL hashed every job of the trust for
    it.  How many people there are and where the listed ones did their hours are small reads of
    their own: asked of the ranking itself (a window over every person, the organisations counted per
    person) they cost SQLite more than the ranking."""
    a = CpdActivity
    person = a.evaluation_person_id
    hours = func.sum(a.evaluation_hours).label("hours")
    ranked = select(person, hours, func.count()).where(*conditions).group_by(person).order_by(hours.desc(), person)
    if limit is not None:
        ranked = ranked.limit(limit)
    connection = session.connection()
    found = connection.execute(ranked).all()
    everyone = len(found)
    if limit is not None and everyone == limit:
        people = select(person).where(*conditions).group_by(person).subquery()
        everyone = int(connection.execute(select(func.count()).select_from(people)).scalar_one())
    who: dict[int, str] = {}
    orgs: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks([row[0] for row in found]):
        query = select(Person.id, Person.first_name + " " + Person.last_name).where(Person.id.in_(chunk))
        who.update(session.execute(query).tuples().all())
        for someone, org in connection.execute(_organisations_of(conditions, chunk, connection.dialect.name)):
            orgs[someone].append(org)
    rows = [
        HoursRow(key, who.get(key, "?"), _where(names, orgs[key]), round(float(h), 2), int(n)) for key, h, n in found
    ]
    return everyone, rows


def _organisations_of(conditions: list[ColumnElement[bool]], people: list[int], dialect: str) -> Select:
    """(person, organisation) of these people's evaluated hours: each person looked up in the index.

    SQLite looks each one up for ``IN``; PostgreSQL read the period's whole index for it (a filter,
    not a look-up, and in parallel: 10-15 ms at five million activities) where a join to the list
    as rows looks each one up (1.5 ms)."""
    a = CpdActivity
    if dialect != "postgresql":
        return (
            select(a.evaluation_person_id, a.organisation_id)
            .where(*conditions, a.evaluation_person_id.in_(people))
            .distinct()
        )
    listed = func.unnest(bindparam(None, people, type_=ARRAY(Integer))).table_valued("id").render_derived()
    return (
        select(a.evaluation_person_id, a.organisation_id)
        .join_from(listed, a, a.evaluation_person_id == listed.c.id)
        .where(*conditions)
        .distinct()
    )


def _chunks(ids: list[int], size: int = 2000) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def _where(names: dict[int, str], orgs: list[int]) -> str:
    """Where a person's hours were done: the first organisation (by id), and how many more."""
    first = names.get(min(orgs), "?") if orgs else "?"
    return first if len(orgs) <= 1 else f"{first} and {len(orgs) - 1} more"


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
