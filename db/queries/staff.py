"""Staff across the trust, one row per job (P1-P3), paged and searched in SQL.

A person with jobs at several organisations appears once per job; each row
carries the other organisations the same person works at (that the user can
see), read for the page only, so the related jobs cost one small query per
page rather than a join over every job.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session, aliased

from db.changes import ChangeKind
from db.engine import Database
from db.models import GroupMembership, Job, Level, Module, Organisation, OrgKind, Person
from db.queries.text_search import any_contains
from db.scope import Scope, scope_for

#: what a change to jobs (and who sees them) is called on the data bus (db.actions)
JOBS: ChangeKind = "jobs"

PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class StaffFilter:
    search: str = ""
    organisation_id: int | None = None
    #: for the member editor (G2): mark each row as in this group or not
    group_id: int | None = None
    #: with ``group_id``: list only the group's members (the editor's "Members only")
    members_only: bool = False
    module: str = Module.STAFF.value
    at_least: int = Level.VIEW
    #: leavers too (ended jobs, kept in history): Users & Groups' "Show leavers", never a picker
    include_ended: bool = False


@dataclass(frozen=True, slots=True)
class StaffRow:
    job_id: int
    person_id: int
    name: str
    email: str
    organisation_id: int
    organisation: str
    role: str
    line_manager: str
    unique_id: str
    pay_scale: str
    is_partnership_job: bool
    also_at: tuple[str, ...] = ()
    brought_up: bool = False
    is_member: bool = False
    active: bool = True
    ended_on: date | None = None


@dataclass(frozen=True, slots=True)
class StaffPage:
    total: int
    rows: list[StaffRow]
    can_bring_up: bool = False


@dataclass(frozen=True, slots=True)
class VisibilityRow:
    organisation_id: int
    name: str
    restricted: bool
    version: int
    can_change: bool


_manager_job = aliased(Job)
_manager = aliased(Person)


def _conditions(filt: StaffFilter, scope: Scope) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        scope.rows_in_reach(Module(filt.module), Job.organisation_id, Job.id, Level(filt.at_least)),
    ]
    if not filt.include_ended:
        conditions.append(Job.active.is_(True))
    if filt.organisation_id is not None:
        conditions.append(Job.organisation_id == filt.organisation_id)
    if filt.members_only and filt.group_id is not None:
        conditions.append(Job.id.in_(select(GroupMembership.job_id).where(GroupMembership.group_id == filt.group_id)))
    if filt.search.strip():
        full_name = Person.first_name + " " + Person.last_name
        conditions.append(any_contains(filt.search, full_name, Person.email, Job.email, Job.role, Organisation.name))
    return conditions


def _base(filt: StaffFilter, scope: Scope):
    return (
        select(Job.id)
        .join(Person, Person.id == Job.person_id)
        .join(Organisation, Organisation.id == Job.organisation_id)
        .where(and_(*_conditions(filt, scope)))
    )


def _fetch(session: Session, scope: Scope, filt: StaffFilter, offset: int, limit: int) -> list[StaffRow]:
    """One page: first the page's job ids (sorted and cut in SQL), then their details.

    Details, related jobs, bring-up and membership marks are read for the
    page's ids only, so their cost does not grow with the offset.
    """
    page_ids = list(
        session.scalars(
            _base(filt, scope)
            .order_by(Person.last_name, Person.first_name, Person.id, Organisation.name, Job.id)
            .offset(offset)
            .limit(limit)
        )
    )
    if not page_ids:
        return []
    details = {
        row[0]: row
        for row in session.execute(
            select(
                Job.id,
                Job.person_id,
                Person.first_name + " " + Person.last_name,
                func.coalesce(Job.email, Person.email, ""),
                Job.organisation_id,
                Organisation.name,
                Job.role,
                func.coalesce(_manager.first_name + " " + _manager.last_name, ""),
                func.coalesce(Job.unique_id, ""),
                func.coalesce(Job.pay_scale, ""),
                Organisation.kind == OrgKind.TRUST,
                Job.active,
                Job.ended_on,
            )
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .outerjoin(_manager_job, _manager_job.id == Job.line_manager_job_id)
            .outerjoin(_manager, _manager.id == _manager_job.person_id)
            .where(Job.id.in_(page_ids))
        )
    }
    brought_up = set(
        session.scalars(select(Job.brought_up_from_job_id).where(Job.brought_up_from_job_id.in_(page_ids)))
    )
    members: set[int] = set()
    if filt.group_id is not None:
        members = set(
            session.scalars(
                select(GroupMembership.job_id).where(
                    GroupMembership.group_id == filt.group_id, GroupMembership.job_id.in_(page_ids)
                )
            )
        )
    people = sorted({row[1] for row in details.values()})
    others: dict[int, list[tuple[int, str]]] = {}
    visible = sorted(scope.orgs(Module.STAFF))
    for person_id, job_id, org_name in session.execute(
        select(Job.person_id, Job.id, Organisation.name)
        .join(Organisation, Organisation.id == Job.organisation_id)
        .where(Job.person_id.in_(people), Job.organisation_id.in_(visible), Job.active.is_(True))
        .order_by(Organisation.name)
    ):
        others.setdefault(person_id, []).append((job_id, org_name))
    rows = []
    for job_id in page_ids:
        row = details[job_id]
        also = tuple(name for other, name in others.get(row[1], []) if other != job_id)
        # the eleven selected columns first (too many for the select's typed overloads), then the marks
        rows.append(
            replace(
                StaffRow(*row[:11]),
                also_at=also,
                brought_up=job_id in brought_up,
                is_member=job_id in members,
                active=bool(row[11]),
                ended_on=row[12],
            )
        )
    return rows


def first_staff_page(db: Database, user_id: int, filt: StaffFilter, limit: int = PAGE_SIZE) -> StaffPage:
    with db.read() as session:
        scope = scope_for(session, user_id)
        total = session.scalar(select(func.count()).select_from(_base(filt, scope).subquery()))
        can_bring_up = any(
            scope.can_act(Module.STAFF, org, Level.DECIDE)
            for org in session.scalars(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
        )
        return StaffPage(int(total or 0), _fetch(session, scope, filt, 0, limit), can_bring_up)


def fetch_staff_page(
    db: Database, user_id: int, filt: StaffFilter, offset: int, limit: int = PAGE_SIZE
) -> list[StaffRow]:
    with db.read() as session:
        return _fetch(session, scope_for(session, user_id), filt, offset, limit)


def matching_job_ids(db: Database, user_id: int, filt: StaffFilter) -> list[int]:
    """Every job matching the filter (the flood-fill "add all matching")."""
    with db.read() as session:
        return list(session.scalars(_base(filt, scope_for(session, user_id)).order_by(Job.id)))


def staff_visibility(db: Database, user_id: int) -> list[VisibilityRow]:
    """Member organisations the user can see, with their P3 flag and whether the user may change it."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        rows = session.execute(
            select(Organisation.id, Organisation.name, Organisation.staff_visibility_restricted, Organisation.version)
            .where(Organisation.kind != OrgKind.TRUST, Organisation.id.in_(sorted(scope.orgs(Module.ORGANISATIONS))))
            .order_by(Organisation.name)
        )
        return [
            VisibilityRow(org_id, name, bool(restricted), version, scope.can_act(Module.ORGANISATIONS, org_id))
            for org_id, name, restricted, version in rows
        ]
