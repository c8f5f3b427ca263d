"""Which of a filter's activities this user may decide: what "Tick all N matching" ticks (C4, D6).

The filter's conditions (``db.queries.activity_filter``) and the user's scope and decision rules
(``DecideRules``: not their own request, a school sharing group actions, …) in SQL, and the reads
built on them: the N the button shows, the rows with their versions, and versions by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import CpdActivity, Level, Module
from db.queries.activity_filter import ActivityFilter, _conditions
from db.queries.decidability import DecidableMatch, DecideRules, decide_rules_in, split_decidable
from db.scope import Scope, scope_for


def matching_versions(db: Database, user_id: int, filt: ActivityFilter) -> dict[int, int]:
    """Id → version of every activity matching the filter ("tick all N matching")."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        query = select(CpdActivity.id, CpdActivity.version).where(and_(*_conditions(filt, scope)))
        # Core, not the ORM: 200,000 plain tuples come back in about half the time.
        return dict(session.connection().execute(query).tuples().all())


def decidable_conditions(
    session: Session, scope: Scope, filt: ActivityFilter, rules: DecideRules | None = None
) -> list[ColumnElement[bool]]:
    """SQL for the rows matching ``filt`` that this user may decide: what "tick all" ticks."""
    return [*_conditions(filt, scope), *_decidable(scope, rules or decide_rules_in(session, scope))]


def _decidable(scope: Scope, rules: DecideRules) -> list[ColumnElement[bool]]:
    """The rows this user may decide, whatever the filter (``DecideRules`` in SQL)."""
    conditions = [
        scope.rows_in_reach(Module.PARTNERSHIP_CPD, CpdActivity.organisation_id, CpdActivity.job_id, Level.DECIDE)
    ]
    if rules.own_job_ids:
        conditions.append(CpdActivity.job_id.not_in(sorted(rules.own_job_ids)))
    return conditions


def count_decidable(db: Database, user_id: int, filt: ActivityFilter) -> int:
    """How many matching activities this user may decide: the N of "Tick all N matching"."""
    with db.read() as session:
        conditions = decidable_conditions(session, scope_for(session, user_id), filt)
        return int(session.scalar(select(func.count()).where(and_(*conditions))) or 0)


def decidable_matching(db: Database, user_id: int, filt: ActivityFilter) -> DecidableMatch:
    """What "tick all N matching" ticks: only rows the user may decide, and how many were left out and why.

    One pass over the matching rows (id, version, organisation, job: the row itself, no join), read
    straight from the driver's cursor: no SQLAlchemy row per activity, so 200,000 rows keep the
    interpreter (and with it the window's thread) busy for as short a time as possible.
    """
    with db.read() as session:
        scope = scope_for(session, user_id)
        rules = decide_rules_in(session, scope)
        query = select(CpdActivity.id, CpdActivity.version, CpdActivity.organisation_id, CpdActivity.job_id).where(
            and_(*_conditions(filt, scope))
        )
        result = session.connection().execute(query)
        try:
            return split_decidable(rules, cast(Iterable[tuple[int, int, int, int]], result.cursor))
        finally:
            result.close()


def versions_of(db: Database, ids: list[int]) -> dict[int, int]:
    """Each activity's version now, 0 for an id that does not exist (a command's "as shown")."""
    found: dict[int, int] = {}
    with db.read() as session:
        for start in range(0, len(ids), 10_000):
            chunk = ids[start : start + 10_000]
            query = select(CpdActivity.id, CpdActivity.version).where(CpdActivity.id.in_(chunk))
            found.update(session.execute(query).tuples().all())
    return {activity_id: found.get(activity_id, 0) for activity_id in ids}
