"""Write an approved staff-import plan inside the service's transaction (X2, A2).

Set-based: one multi-row INSERT … RETURNING per table for the new people and jobs, one executemany
UPDATE per set of changed fields, and the audit rows (one per person and per job) in one
executemany, so 30,000 rows cost a handful of statements rather than 30,000 ORM flushes. Line
managers are written last, once every new job has its id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from typing import cast as typed

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from db.models import Job, Person
from db.progress import NullProgress, Progress
from db.services.sort_keys import refresh_individual_sort
from db.staff_import.matching import PERSON_FIELDS
from db.staff_import.plan import Action, PlanEntry

PEOPLE = typed(Table, Person.__table__)
JOBS_TABLE = typed(Table, Job.__table__)
REASON = "staff import from {file}"


@dataclass(frozen=True)
class Applied:
    people_added: int
    jobs_added: int
    updated: int
    ended: int
    job_ids: frozenset[int]


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _insert_returning(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` (all with the same keys) and return their new ids in the same order.

    PostgreSQL returns the ids of a multi-row INSERT in parameter order (SQLAlchemy's "insertmanyvalues"
    with a sentinel). SQLite cannot, and SQLAlchemy would fall back to one INSERT per row (20,000
    statements for 10,000 new staff); there the write transaction (``BEGIN IMMEDIATE``) already holds
    the database's only write lock, so the ids after the largest one are ours to give.
    """
    if not rows:
        return []
    if session.get_bind().dialect.name == "sqlite":
        start = (session.scalar(select(func.max(table.c.id))) or 0) + 1
        ids = list(range(start, start + len(rows)))
        session.connection().execute(insert(table), [row | {"id": id_} for row, id_ in zip(rows, ids, strict=True)])
        return ids
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list(session.execute(statement, rows).scalars())


def _update_many(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany UPDATE per set of changed fields; each row gives ``b_id`` and its new values."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(sorted(k for k in row if k != "b_id"))].append(row)
    for names, params in groups.items():
        statement = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values({name: bindparam(name) for name in names} | {"version": table.c.version + 1})
        )
        session.connection().execute(statement, params)


def apply_entries(
    session: Session,
    entries: Sequence[PlanEntry],
    file_name: str,
    audit: list[dict[str, Any]],
    progress: Progress | None = None,
) -> Applied:
    """Apply the entries; append one audit row per person and job added, changed or ended to ``audit``."""
    progress = progress or NullProgress()
    reason = REASON.format(file=file_name)
    total = len(entries)
    progress.report(0, total, "Adding people…")
    adding = [e for e in entries if e.action is Action.ADD_PERSON]
    person_ids = _insert_returning(session, PEOPLE, [dict(e.person_values) for e in adding])
    person_of_row: dict[int, int] = {e.row: pid for e, pid in zip(adding, person_ids, strict=True)}
    for entry, pid in zip(adding, person_ids, strict=True):
        after = {k: _plain(v) for k, v in entry.person_values.items() if v is not None}
        audit.append({"action": "staff_person_added", "entity": "person", "entity_id": pid, "before": None,
                      "after": after | {"name": entry.name}, "reason": reason})  # fmt: skip
    progress.check_cancelled()

    new_jobs = [e for e in entries if e.action in (Action.ADD_PERSON, Action.ADD_JOB)]
    job_rows = []
    for entry in new_jobs:
        if entry.action is Action.ADD_JOB:
            owner = entry.person_id if entry.person_id is not None else person_of_row[entry.same_person_row or 0]
            person_of_row[entry.row] = owner
        values = {k: v for k, v in entry.job_values.items()}
        values.setdefault("line_manager_job_id", None)
        values.setdefault("is_line_manager", False)
        job_rows.append(values | {"person_id": person_of_row[entry.row], "organisation_id": entry.organisation_id})
    progress.report(len(adding), total, "Adding jobs…")
    job_ids = _insert_returning(session, JOBS_TABLE, job_rows)
    job_of_row = {e.row: jid for e, jid in zip(new_jobs, job_ids, strict=True)}
    for entry, jid, values in zip(new_jobs, job_ids, job_rows, strict=True):
        after = {k: _plain(v) for k, v in values.items() if v is not None and k not in ("person_id", "organisation_id")}
        after |= {"name": entry.name, "organisation": entry.school}
        audit.append({"action": "staff_job_added", "entity": "job", "entity_id": jid, "before": None,
                      "after": after, "reason": reason})  # fmt: skip
    progress.check_cancelled()

    person_updates: list[dict[str, Any]] = []
    job_updates: list[dict[str, Any]] = []
    touched = set(job_ids)
    for entry in entries:
        if entry.action not in (Action.UPDATE, Action.ADD_JOB, Action.END):
            continue
        person_changes = [c for c in entry.changes if c.field in PERSON_FIELDS]
        if person_changes and entry.person_id is not None:
            person_updates.append({"b_id": entry.person_id} | {c.field: c.after for c in person_changes})
            audit.append({"action": "staff_person_updated", "entity": "person", "entity_id": entry.person_id,
                          "before": {c.field: _plain(c.before) for c in person_changes} | {"name": entry.name},
                          "after": {c.field: _plain(c.after) for c in person_changes} | {"name": entry.name},
                          "reason": reason})  # fmt: skip
        if entry.job_id is None:
            continue
        job_changes = [c for c in entry.changes if c.field not in PERSON_FIELDS]
        if not job_changes:
            continue
        job_updates.append({"b_id": entry.job_id} | {c.field: c.after for c in job_changes})
        touched.add(entry.job_id)
        ended = entry.action is Action.END
        audit.append({"action": "staff_job_ended" if ended else "staff_job_updated", "entity": "job",
                      "entity_id": entry.job_id,
                      "before": {c.field: _plain(c.before) for c in job_changes},
                      "after": {c.field: _plain(c.after) for c in job_changes},
                      "reason": f"not in the whole staff list {file_name}" if ended else reason})  # fmt: skip
    progress.report(len(adding) + len(new_jobs), total, "Updating people and jobs…")
    _update_many(session, PEOPLE, person_updates)
    refresh_individual_sort(session, [row["b_id"] for row in person_updates if "last_name" in row])
    _update_many(session, JOBS_TABLE, job_updates)

    # Line managers added by this file: every new job has its id now.
    managed = [
        {"b_id": job_of_row.get(e.row, e.job_id), "line_manager_job_id": job_of_row[e.manager_row]}
        for e in entries
        if e.manager_row is not None and e.manager_row in job_of_row
    ]
    if managed:
        session.connection().execute(
            update(JOBS_TABLE)
            .where(JOBS_TABLE.c.id == bindparam("b_id"))
            .values(line_manager_job_id=bindparam("line_manager_job_id")),
            managed,
        )
    progress.report(total, total, "Saving…")
    return Applied(
        people_added=len(adding),
        jobs_added=len(new_jobs),
        updated=sum(1 for e in entries if e.action is Action.UPDATE),
        ended=sum(1 for e in entries if e.action is Action.END),
        job_ids=frozenset(touched),
    )
