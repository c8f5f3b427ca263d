"""Many rows, cheaply (Core inserts), for the concurrency and crash tests; plus the checks they share."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from sqlalchemy import func, insert, literal, select

from db.engine import Database
from db.models import AuditEntry, CpdActivity, Job, Module, PartnershipState, Person
from db.scope import scope_for
from tests.helpers import own_person_id, user_id

_blocks = itertools.count(1)


def decidable_job(db: Database, *usernames: str) -> int:
    """An active job in an organisation every named user may decide for, and nobody's own."""
    orgs: set[int] | None = None
    own = {own_person_id(db, name) for name in usernames}
    with db.read() as session:
        for name in usernames:
            mine = set(scope_for(session, user_id(db, name)).orgs(Module.PARTNERSHIP_CPD, at_least=3))
            orgs = mine if orgs is None else orgs & mine
        found = session.scalar(
            select(Job.id)
            .where(Job.organisation_id.in_(orgs or set()), Job.person_id.not_in(own), Job.active.is_(True))
            .order_by(Job.id)
            .limit(1)
        )
    assert found is not None
    return found


def add_pending_activities(db: Database, job_id: int, count: int) -> str:
    """``count`` new pending activities on one job, all titled with a fresh marker (returned)."""
    marker = f"Concurrency block {next(_blocks)} of job {job_id}"
    table = CpdActivity.__table__
    with db.read() as session:
        template = (
            session.execute(select(table).where(table.c.job_id == job_id).order_by(table.c.id).limit(1))
            .mappings()
            .one_or_none()
        )
        if template is None:
            template = session.execute(select(table).order_by(table.c.id).limit(1)).mappings().one()
    row = {k: v for k, v in template.items() if k not in ("id", "total_cost_pence")}
    org = db_org_of_job(db, job_id)
    row.update(
        job_id=job_id,
        organisation_id=org,
        title=marker,
        partnership_state=PartnershipState.PENDING,
        partnership_decided_at=None,
        partnership_user_id=None,
        partnership_reason=None,
        decision_batch_id=None,
        charged_organisation_id=None,
        flood_fill_batch_id=None,
        version=1,
    )
    # INSERT … SELECT over a counting CTE: the server makes the rows, no round trip per row (both engines).
    numbers = select(literal(1).label("n")).cte("numbers", recursive=True)
    numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n < count))
    columns = list(row)
    source = select(*[literal(row[name], table.c[name].type).label(name) for name in columns]).select_from(numbers)
    with db.transaction() as session:
        session.execute(insert(table).from_select(columns, source))
    return marker


def db_org_of_job(db: Database, job_id: int) -> int:
    with db.read() as session:
        return session.scalar(select(Job.organisation_id).where(Job.id == job_id))


def versions_of(db: Database, marker: str) -> dict[int, int]:
    with db.read() as session:
        return dict(
            session.execute(select(CpdActivity.id, CpdActivity.version).where(CpdActivity.title == marker))
            .tuples()
            .all()
        )


def states_of(db: Database, ids: Iterable[int]) -> dict[int, tuple[PartnershipState, int]]:
    ids = list(ids)
    out: dict[int, tuple[PartnershipState, int]] = {}
    with db.read() as session:
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            for row_id, state, version in session.execute(
                select(CpdActivity.id, CpdActivity.partnership_state, CpdActivity.version).where(
                    CpdActivity.id.in_(chunk)
                )
            ):
                out[row_id] = (state, version)
    return out


def assert_audit_trails_complete(db: Database, current: dict[int, tuple[PartnershipState, int]]) -> None:
    """Every row's audit entries chain version 1 → its current version with no gap and no repeat."""
    trails: dict[int, list[tuple[int, int, str]]] = {row_id: [] for row_id in current}
    ids = list(current)
    with db.read() as session:
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            for entity_id, before, after, _entry_id in session.execute(
                select(AuditEntry.entity_id, AuditEntry.before, AuditEntry.after, AuditEntry.id)
                .where(AuditEntry.entity == "cpd_activity", AuditEntry.entity_id.in_(chunk))
                .order_by(AuditEntry.id)
            ):
                trails[entity_id].append((before["version"], after["version"], after["partnership_state"]))
    for row_id, (state, version) in current.items():
        trail = trails[row_id]
        expected = 1
        for before, after, _state in trail:
            assert before == expected, f"activity {row_id}: audit trail jumps from version {expected} to {before}"
            expected = after
        assert expected == version, f"activity {row_id}: audit ends at version {expected}, row is at {version}"
        if trail:
            assert trail[-1][2] == state.value


def audit_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def person_count(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Person))
