"""Group categories, groups and their members (G1, G2)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select

from db.changes import ChangeKind
from db.engine import Database
from db.models import FloodFillBatch, Group, GroupCategory, GroupMembership, Job, Level, Module
from db.queries.staff import StaffFilter, matching_job_ids
from db.scope import scope_for

#: what a change to groups, categories or memberships is called on the data bus (db.actions)
GROUPS: ChangeKind = "groups"


@dataclass(frozen=True, slots=True)
class GroupRow:
    id: int
    category_id: int
    category: str
    name: str
    member_count: int
    version: int


def list_groups(db: Database, user_id: int) -> list[GroupRow]:
    """Every group with the number of members the user can see."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        # the jobs the member list can show: a job that ended is no longer listed, so it is not counted either
        visible_jobs = select(Job.id).where(
            scope.rows_in_reach(Module.GROUPS, Job.organisation_id, Job.id), Job.active.is_(True)
        )
        counts = (
            select(GroupMembership.group_id, func.count().label("members"))
            .where(GroupMembership.job_id.in_(visible_jobs))
            .group_by(GroupMembership.group_id)
            .subquery()
        )
        rows = session.execute(
            select(Group.id, Group.category_id, GroupCategory.name, Group.name, counts.c.members, Group.version)
            .join(GroupCategory, GroupCategory.id == Group.category_id)
            .outerjoin(counts, counts.c.group_id == Group.id)
            .order_by(GroupCategory.name, Group.name)
        )
        return [GroupRow(gid, cid, cat, name, members or 0, version) for gid, cid, cat, name, members, version in rows]


@dataclass(frozen=True, slots=True)
class CategoryRow:
    id: int
    name: str
    version: int
    group_count: int


@dataclass(frozen=True, slots=True)
class GroupUsage:
    """What deleting a group (or a whole category) takes with it."""

    groups: int
    members: int
    flood_fills: int


def list_categories(db: Database) -> list[CategoryRow]:
    with db.read() as session:
        counts = select(Group.category_id, func.count().label("n")).group_by(Group.category_id).subquery()
        rows = session.execute(
            select(GroupCategory.id, GroupCategory.name, GroupCategory.version, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.category_id == GroupCategory.id)
            .order_by(GroupCategory.name)
        )
        return [CategoryRow(*row) for row in rows]


def can_edit_groups(db: Database, user_id: int) -> bool:
    with db.read() as session:
        return scope_for(session, user_id).best_level(Module.GROUPS) >= Level.DECIDE


def group_usage(db: Database, *, group_id: int | None = None, category_id: int | None = None) -> GroupUsage:
    """Members (all of them, seen or not) and flood fills that selected by the group(s)."""
    with db.read() as session:
        query = select(Group.id)
        query = (
            query.where(Group.id == group_id) if group_id is not None else query.where(Group.category_id == category_id)
        )
        groups = dict(session.execute(select(Group.id, Group.name).where(Group.id.in_(query))).tuples().all())
        ids, names = set(groups), set(groups.values())
        members = session.scalar(
            select(func.count()).select_from(GroupMembership).where(GroupMembership.group_id.in_(sorted(ids)))
        )
        fills = 0
        for parameters in session.scalars(select(FloodFillBatch.parameters)):
            parameters = parameters or {}
            if ids & set(parameters.get("group_ids") or ()) or parameters.get("quick_select") in names:
                fills += 1
        return GroupUsage(len(ids), int(members or 0), fills)


@dataclass(frozen=True, slots=True)
class ListedJobs:
    """Everyone the member editor's current search lists, and which of them are in the group."""

    group_id: int
    job_ids: tuple[int, ...]  # listed and changeable by the user
    member_ids: frozenset[int]
    #: listed but at organisations where the user may only view groups (left alone)
    view_only: int = 0

    @property
    def members(self) -> int:
        return len(self.member_ids)

    def to_change(self, member: bool) -> list[int]:
        """The listed jobs a "tick all" (``member``) or "untick all" would change."""
        return [job for job in self.job_ids if (job in self.member_ids) != member]


def listed_jobs(db: Database, user_id: int, filt: StaffFilter) -> ListedJobs:
    """For "Tick all listed" / "Untick all listed": the count to confirm and the ids to act on."""
    if filt.group_id is None:
        raise ValueError("listed_jobs needs the group the editor shows")
    job_ids = matching_job_ids(db, user_id, replace(filt, at_least=Level.DECIDE))
    view_only = len(matching_job_ids(db, user_id, filt)) - len(job_ids)
    with db.read() as session:
        members: set[int] = set()
        for start in range(0, len(job_ids), 2000):
            members.update(
                session.scalars(
                    select(GroupMembership.job_id).where(
                        GroupMembership.group_id == filt.group_id,
                        GroupMembership.job_id.in_(job_ids[start : start + 2000]),
                    )
                )
            )
    return ListedJobs(filt.group_id, tuple(job_ids), frozenset(members), view_only)
