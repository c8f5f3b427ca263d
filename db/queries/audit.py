"""Read side of the audit log (A2): filter, count and page it in SQL, for the viewer and the export.

Seeing the audit log needs at least VIEW on ``Module.AUDIT`` somewhere (the
primary user has it everywhere); it is the trust's record, so a viewer sees
all of it rather than a per-school slice.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, String, cast, func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.errors import PermissionDenied
from db.models import (
    AppUser,
    AuditEntry,
    Budget,
    CpdActivity,
    Group,
    GroupCategory,
    Job,
    Level,
    Module,
    Organisation,
    Person,
    TrainingEvent,
)
from db.queries.text_search import any_contains
from db.scope import scope_for

PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """``None`` / empty means any.  Dates are whole days, both ends included."""

    user_id: int | None = None
    db_identity: str = ""
    action: str = ""
    entity: str = ""
    entity_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    search: str = ""  # in the reason, the before/after values, the action or the login


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    user: str  # display name, or "" when a program acted
    db_identity: str
    action: str
    entity: str
    entity_id: int | None
    before: str  # compact JSON
    after: str
    reason: str
    decision_batch_id: int | None
    #: the acting user's username, to tell whether the database login is worth showing
    username: str = ""
    #: what the entry is about, in words (db.audit_text builds sentences from them): the activity's
    #: or group's title, the person whose job it is, and the organisation
    title: str = ""
    person: str = ""
    organisation: str = ""


@dataclass(frozen=True, slots=True)
class AuditChoices:
    """What the filter drop-downs offer: people who acted, and actions and entities that occur."""

    users: tuple[tuple[int, str], ...]
    actions: tuple[str, ...]
    entities: tuple[str, ...]


def _require_view(session: Session, viewer_id: int) -> None:
    if scope_for(session, viewer_id).best_level(Module.AUDIT) < Level.VIEW:
        raise PermissionDenied("You may not view the audit log. Ask the trust's primary user for the Audit permission.")


def _conditions(audit_filter: AuditFilter) -> list[ColumnElement[bool]]:
    f = audit_filter
    conditions: list[ColumnElement[bool]] = []
    if f.user_id is not None:
        conditions.append(AuditEntry.user_id == f.user_id)
    if f.db_identity:
        conditions.append(AuditEntry.db_identity == f.db_identity)
    if f.action:
        conditions.append(AuditEntry.action == f.action)
    if f.entity:
        conditions.append(AuditEntry.entity == f.entity)
    if f.entity_id is not None:
        conditions.append(AuditEntry.entity_id == f.entity_id)
    if f.date_from is not None:
        conditions.append(AuditEntry.at >= datetime.combine(f.date_from, time.min))
    if f.date_to is not None:
        conditions.append(AuditEntry.at < datetime.combine(f.date_to + timedelta(days=1), time.min))
    if f.search.strip():
        conditions.append(
            any_contains(
                f.search,
                AuditEntry.reason,
                AuditEntry.action,
                AuditEntry.db_identity,
                cast(AuditEntry.before, String),
                cast(AuditEntry.after, String),
            )
        )
    return conditions


def _select(audit_filter: AuditFilter) -> Select:
    return (
        select(AuditEntry, AppUser.display_name, AppUser.username)
        .outerjoin(AppUser, AppUser.id == AuditEntry.user_id)
        .where(*_conditions(audit_filter))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def _compact(value: object) -> str:
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _row(entry: AuditEntry, user: str | None, username: str | None = None) -> AuditRow:
    return AuditRow(
        id=entry.id,
        at=entry.at,
        user=user or "",
        db_identity=entry.db_identity or "",
        action=entry.action,
        entity=entry.entity,
        entity_id=entry.entity_id,
        before=_compact(entry.before),
        after=_compact(entry.after),
        reason=entry.reason or "",
        decision_batch_id=entry.decision_batch_id,
        username=username or "",
    )


def _job_id(entry: AuditEntry) -> int | None:
    """The job an entry is about: the job itself, or the member added to / removed from a group."""
    if entry.entity == "job":
        return entry.entity_id
    value = (entry.after or {}).get("job_id") if isinstance(entry.after, dict) else None
    return value if isinstance(value, int) else None


def _event_id(entry: AuditEntry) -> int | None:
    """The training event an entry is about: the event itself, or the one a booking is on."""
    if entry.entity == "training_event":
        return entry.entity_id
    value = (entry.after or {}).get("event_id") if isinstance(entry.after, dict) else None
    return value if isinstance(value, int) else None


def _named(session: Session, found: list[tuple[AuditEntry, str | None, str | None]]) -> list[AuditRow]:
    """Rows with the names of what they are about, looked up in a few queries per page (not per row)."""
    ids: dict[str, set[int]] = {}
    for entry, _user, _login in found:
        if entry.entity_id is not None:
            ids.setdefault(entry.entity, set()).add(entry.entity_id)
        job = _job_id(entry)
        if job is not None:
            ids.setdefault("job", set()).add(job)
        event = _event_id(entry)
        if event is not None:
            ids.setdefault("training_event", set()).add(event)
    person = (Person.first_name + " " + Person.last_name).label("person")
    activities = {
        row.id: (row.title, row.person, row.organisation)
        for row in session.execute(
            select(CpdActivity.id, CpdActivity.title, person, Organisation.name.label("organisation"))
            .join(Job, Job.id == CpdActivity.job_id)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == CpdActivity.organisation_id)
            .where(CpdActivity.id.in_(ids.get("cpd_activity", ())))
        )
    }
    jobs = {
        row.id: (row.person, row.organisation)
        for row in session.execute(
            select(Job.id, person, Organisation.name.label("organisation"))
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .where(Job.id.in_(ids.get("job", ())))
        )
    }
    organisations: dict[int, str] = dict(
        session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids.get("organisation", ())))
        )
        .tuples()
        .all()
    )
    budgets: dict[int, str] = dict(
        session.execute(
            select(Budget.id, Organisation.name)
            .join(Organisation, Organisation.id == Budget.organisation_id)
            .where(Budget.id.in_(ids.get("budget", ())))
        )
        .tuples()
        .all()
    )
    groups: dict[int, str] = dict(
        session.execute(select(Group.id, Group.name).where(Group.id.in_(ids.get("group", ())))).tuples().all()
    )
    categories: dict[int, str] = dict(
        session.execute(
            select(GroupCategory.id, GroupCategory.name).where(GroupCategory.id.in_(ids.get("group_category", ())))
        )
        .tuples()
        .all()
    )
    events: dict[int, str] = dict(
        session.execute(
            select(TrainingEvent.id, TrainingEvent.title).where(TrainingEvent.id.in_(ids.get("training_event", ())))
        )
        .tuples()
        .all()
    )
    rows = []
    for entry, user, login in found:
        row = _row(entry, user, login)
        key, job = entry.entity_id, _job_id(entry)
        title = person_name = organisation = ""
        if entry.entity == "cpd_activity" and key in activities:
            title, person_name, organisation = activities[key]
        elif entry.entity == "organisation":
            organisation = organisations.get(key, "") if key is not None else ""
        elif entry.entity == "budget":
            organisation = budgets.get(key, "") if key is not None else ""
        elif entry.entity == "group":
            title = groups.get(key, "") if key is not None else ""
        elif entry.entity == "group_category":
            title = categories.get(key, "") if key is not None else ""
        elif (event := _event_id(entry)) is not None:
            title = events.get(event, "")
        if job is not None and job in jobs:
            person_name, organisation = jobs[job]
        rows.append(replace(row, title=title, person=person_name, organisation=organisation))
    return rows


def count_audit(db: Database, viewer_id: int, audit_filter: AuditFilter) -> int:
    with db.read() as session:
        _require_view(session, viewer_id)
        return session.scalar(select(func.count(AuditEntry.id)).where(*_conditions(audit_filter))) or 0


def audit_page(
    db: Database, viewer_id: int, audit_filter: AuditFilter, offset: int = 0, limit: int = PAGE_SIZE
) -> list[AuditRow]:
    """Newest first; one page."""
    with db.read() as session:
        _require_view(session, viewer_id)
        found = session.execute(_select(audit_filter).offset(offset).limit(limit)).tuples().all()
        return _named(session, list(found))


def iter_audit(db: Database, viewer_id: int, audit_filter: AuditFilter, batch: int = 2000) -> Iterator[AuditRow]:
    """Every matching entry, streamed in batches by id (for the export: flat memory on any size)."""
    last_id: int | None = None
    while True:
        with db.read() as session:
            _require_view(session, viewer_id)
            query = (
                select(AuditEntry, AppUser.display_name, AppUser.username)
                .outerjoin(AppUser, AppUser.id == AuditEntry.user_id)
                .where(*_conditions(audit_filter))
                .order_by(AuditEntry.id)
                .limit(batch)
            )
            if last_id is not None:
                query = query.where(AuditEntry.id > last_id)
            rows = _named(session, list(session.execute(query).tuples().all()))
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def audit_choices(db: Database, viewer_id: int) -> AuditChoices:
    with db.read() as session:
        _require_view(session, viewer_id)
        users = session.execute(
            select(AppUser.id, AppUser.display_name)
            .where(AppUser.id.in_(select(AuditEntry.user_id).distinct()))
            .order_by(AppUser.display_name)
        ).tuples()
        actions = session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
        entities = session.scalars(select(AuditEntry.entity).distinct().order_by(AuditEntry.entity))
        return AuditChoices(tuple(users), tuple(actions), tuple(entities))
