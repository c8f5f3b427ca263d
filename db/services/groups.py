"""Group categories, groups and memberships (G1, G2).

Categories and groups belong to the trust (or one organisation): creating,
renaming and deleting them needs DECIDE on Groups there.  Renames and deletes
carry the version the user saw, so a change made on stale data is refused.
A membership tick is one small transaction (G2): it says which state the box
was in, so a tick made after someone else changed the same membership is
refused as a conflict instead of silently undoing their change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from db.actions import Action, begin
from db.engine import Database
from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import Group, GroupCategory, GroupMembership, Job, Module, Organisation, OrgKind
from db.queries.groups import GROUPS

MAX_NAME = 120
CHUNK = 2000  # ids per IN list: well under SQLite's and PostgreSQL's limits


@dataclass(frozen=True)
class MembershipResult:
    group_id: int
    job_id: int
    member: bool
    member_count: int


def _name(text: str, what: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise ValidationError(f"Give the {what} a name.")
    if len(name) > MAX_NAME:
        raise ValidationError(f"The {what} name is longer than {MAX_NAME} characters; shorten it.")
    return name


def _require(act: Action, org_id: int) -> None:
    if not act.scope.can_act(Module.GROUPS, org_id):
        raise PermissionDenied("You may view groups but not change them.")


def _trust_id(session: Session) -> int:
    found = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST).order_by(Organisation.id))
    if found is None:
        raise ValidationError("There is no trust in this database yet.")
    return found


def _category(act: Action, category_id: int) -> GroupCategory:
    return act.fetch(
        GroupCategory, category_id, missing="That group category no longer exists; the list has been refreshed."
    )


def _group(act: Action, group_id: int) -> tuple[Group, GroupCategory]:
    group = act.fetch(Group, group_id, missing="That group no longer exists; someone may have deleted it.")
    return group, _category(act, group.category_id)


def _check_version(act: Action, row: Group | GroupCategory, shown_version: int, what: str) -> None:
    act.check_version(row, shown_version, f"The {what} “{row.name}”")


def _flush(session: Session, message: str) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        raise ValidationError(message) from exc


def create_category(db: Database, user_id: int, name: str, organisation_id: int | None = None) -> int:
    name = _name(name, "category")
    with begin(db, user_id) as act:
        session = act.session
        org_id = organisation_id if organisation_id is not None else _trust_id(session)
        _require(act, org_id)
        category = GroupCategory(organisation_id=org_id, name=name)
        session.add(category)
        _flush(session, f"A category called “{name}” already exists.")
        act.audit("group_category_created", "group_category", category.id, after={"name": name})
        act.changed(GROUPS)  # a category is not a group: every list of groups reloads
        return category.id


def rename_category(db: Database, user_id: int, category_id: int, name: str, shown_version: int) -> None:
    name = _name(name, "category")
    with begin(db, user_id) as act:
        session = act.session
        category = _category(act, category_id)
        _require(act, category.organisation_id)
        _check_version(act, category, shown_version, "category")
        before = category.name
        category.name = name
        _flush(session, f"A category called “{name}” already exists.")
        act.audit(
            "group_category_renamed", "group_category", category_id,
            before={"name": before}, after={"name": name},
        )  # fmt: skip
        act.changed(GROUPS)


def delete_category(db: Database, user_id: int, category_id: int, shown_version: int) -> int:
    """Delete a category with its groups and their memberships; returns the memberships removed."""
    with begin(db, user_id) as act:
        session = act.session
        category = _category(act, category_id)
        _require(act, category.organisation_id)
        _check_version(act, category, shown_version, "category")
        group_ids = list(session.scalars(select(Group.id).where(Group.category_id == category_id)))
        removed = session.scalar(
            select(func.count()).select_from(GroupMembership).where(GroupMembership.group_id.in_(group_ids))
        )
        session.execute(delete(GroupMembership).where(GroupMembership.group_id.in_(group_ids)))
        session.execute(delete(Group).where(Group.id.in_(group_ids)))
        act.audit(
            "group_category_deleted", "group_category", category_id,
            before={"name": category.name, "groups": len(group_ids), "memberships": removed},
        )  # fmt: skip
        session.delete(category)
        act.changed(GROUPS, group_ids)
        return int(removed or 0)


def create_group(db: Database, user_id: int, category_id: int, name: str) -> int:
    name = _name(name, "group")
    with begin(db, user_id) as act:
        session = act.session
        category = _category(act, category_id)
        _require(act, category.organisation_id)
        group = Group(category_id=category_id, name=name)
        session.add(group)
        _flush(session, f"“{category.name}” already has a group called “{name}”.")
        after = {"name": name, "category": category.name}
        act.audit("group_created", "group", group.id, after=after)
        act.changed(GROUPS, group.id)
        return group.id


def rename_group(db: Database, user_id: int, group_id: int, name: str, shown_version: int) -> None:
    name = _name(name, "group")
    with begin(db, user_id) as act:
        session = act.session
        group, category = _group(act, group_id)
        _require(act, category.organisation_id)
        _check_version(act, group, shown_version, "group")
        before = group.name
        group.name = name
        _flush(session, f"“{category.name}” already has a group called “{name}”.")
        act.audit("group_renamed", "group", group_id, before={"name": before}, after={"name": name})
        act.changed(GROUPS, group_id)


def delete_group(db: Database, user_id: int, group_id: int, shown_version: int) -> int:
    """Delete a group and its memberships; returns how many memberships went with it."""
    with begin(db, user_id) as act:
        session = act.session
        group, category = _group(act, group_id)
        _require(act, category.organisation_id)
        _check_version(act, group, shown_version, "group")
        removed = session.scalar(
            select(func.count()).select_from(GroupMembership).where(GroupMembership.group_id == group_id)
        )
        session.execute(delete(GroupMembership).where(GroupMembership.group_id == group_id))
        act.audit(
            "group_deleted", "group", group_id,
            before={"name": group.name, "category": category.name, "memberships": removed},
        )  # fmt: skip
        session.delete(group)
        act.changed(GROUPS, group_id)
        return int(removed or 0)


def set_membership(db: Database, user_id: int, group_id: int, job_id: int, member: bool) -> MembershipResult:
    """One tick (G2): add the job to the group (``member``) or take it out.

    The box was shown in the opposite state; if the membership is already as
    asked, someone else changed it meanwhile and ``StaleData`` says so.
    """
    with begin(db, user_id) as act:
        session = act.session
        group, category = _group(act, group_id)
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound("That job no longer exists; the list has been refreshed.")
        act.require_central(Module.GROUPS, {category.organisation_id, job.organisation_id}, "change group members")
        existing = session.get(GroupMembership, (group_id, job_id))
        if (existing is not None) == member:
            state = "already in" if member else "no longer in"
            raise StaleData(f"Someone else changed this meanwhile: the job is {state} “{group.name}”. List refreshed.")
        if member:
            session.add(GroupMembership(group_id=group_id, job_id=job_id, added_by_user_id=user_id))
        else:
            session.delete(existing)
        flag_modified(group, "name")  # a membership change bumps the group's version (others' views notice)
        session.flush()
        act.audit(
            "group_member_added" if member else "group_member_removed", "group", group_id,
            after={"job_id": job_id},
        )  # fmt: skip
        act.changed(GROUPS, group_id)
        count = session.scalar(
            select(func.count()).select_from(GroupMembership).where(GroupMembership.group_id == group_id)
        )
        return MembershipResult(group_id, job_id, member, int(count or 0))


@dataclass(frozen=True)
class BulkMembershipResult:
    group_id: int
    member: bool
    changed: tuple[int, ...]  # the jobs whose membership this call changed
    member_count: int


def set_memberships(
    db: Database, user_id: int, group_id: int, job_ids: Sequence[int], member: bool
) -> BulkMembershipResult:
    """ "Tick all listed" / "Untick all listed": many jobs in or out of one group in one transaction.

    Jobs already in the wanted state are left alone (someone may have ticked
    one meanwhile; the result is what was asked either way).  A job the user
    may not change, or that no longer exists, refuses the whole change, as a
    single tick would.  One audit row names every job that changed.
    """
    wanted = sorted(set(job_ids))
    if not wanted:
        raise ValidationError("No staff are listed, so there is nothing to change.")
    with begin(db, user_id) as act:
        session = act.session
        group, category = _group(act, group_id)
        _require(act, category.organisation_id)
        scope = act.scope
        orgs: dict[int, int] = {}
        members: set[int] = set()
        for start in range(0, len(wanted), CHUNK):
            chunk = wanted[start : start + CHUNK]
            orgs.update(session.execute(select(Job.id, Job.organisation_id).where(Job.id.in_(chunk))).tuples().all())
            members.update(
                session.scalars(
                    select(GroupMembership.job_id).where(
                        GroupMembership.group_id == group_id, GroupMembership.job_id.in_(chunk)
                    )
                )
            )
        missing = [job for job in wanted if job not in orgs]
        if missing:
            raise NotFound(f"{len(missing):,} of the listed jobs no longer exist; the list has been refreshed.")
        outside = sum(1 for org in orgs.values() if not scope.can_act(Module.GROUPS, org))
        if outside:
            raise PermissionDenied(
                f"You may not change the group memberships of {outside:,} of the listed jobs; nothing was changed."
            )
        changed = [job for job in wanted if (job in members) != member]
        for start in range(0, len(changed), CHUNK):
            chunk = changed[start : start + CHUNK]
            if member:
                session.execute(
                    insert(GroupMembership),
                    [{"group_id": group_id, "job_id": job, "added_by_user_id": user_id} for job in chunk],
                )
            else:
                session.execute(
                    delete(GroupMembership).where(
                        GroupMembership.group_id == group_id, GroupMembership.job_id.in_(chunk)
                    )
                )
        if changed:
            flag_modified(group, "name")  # bumps the group's version, as a single tick does
            session.flush()
            act.audit(
                "group_members_added" if member else "group_members_removed", "group", group_id,
                after={"job_ids": changed, "count": len(changed)},
            )  # fmt: skip
            act.changed(GROUPS, group_id)
        count = session.scalar(
            select(func.count()).select_from(GroupMembership).where(GroupMembership.group_id == group_id)
        )
        return BulkMembershipResult(group_id, member, tuple(changed), int(count or 0))
