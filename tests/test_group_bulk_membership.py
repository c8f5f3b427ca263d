"""Tick all listed / untick all listed and the "Members only" list (G2), through the query and service."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.errors import PermissionDenied, ValidationError
from db.models import AuditEntry, GroupMembership, Module
from db.queries.groups import list_groups, listed_jobs
from db.queries.staff import StaffFilter, first_staff_page
from db.services import groups as groups_service
from tests.helpers import user_id


def new_group(db, username: str = "sam.patel") -> int:
    uid = user_id(db, username)
    category = groups_service.create_category(db, uid, "Bulk test")
    return groups_service.create_group(db, uid, category, "Reading leads")


def members(db, group_id: int) -> set[int]:
    with db.read() as session:
        return set(session.scalars(select(GroupMembership.job_id).where(GroupMembership.group_id == group_id)))


def test_tick_all_listed_adds_only_the_listed_jobs_in_one_audited_change(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    group = new_group(demo_db)
    filt = StaffFilter(search="Class teacher", group_id=group, module=Module.GROUPS.value)
    first = first_staff_page(demo_db, sam, filt)
    one = first.rows[0].job_id
    groups_service.set_membership(demo_db, sam, group, one, True)  # ticked by hand before

    listed = listed_jobs(demo_db, sam, filt)
    # everyone listed, not only the first page; jobs where Sam may only view groups are counted apart
    assert len(listed.job_ids) + listed.view_only == first.total and len(listed.job_ids) > 200
    assert listed.view_only > 0
    assert listed.member_ids == {one}
    to_add = listed.to_change(True)
    assert len(to_add) == len(listed.job_ids) - 1 and one not in to_add

    result = groups_service.set_memberships(demo_db, sam, group, listed.job_ids, True)

    assert sorted(result.changed) == sorted(to_add) and result.member_count == len(listed.job_ids)
    assert members(demo_db, group) == set(listed.job_ids)
    assert next(r for r in list_groups(demo_db, sam) if r.id == group).member_count == len(listed.job_ids)
    with demo_db.read() as session:
        audit = session.scalars(
            select(AuditEntry.after).where(AuditEntry.entity_id == group, AuditEntry.action == "group_members_added")
        ).all()
    assert len(audit) == 1 and audit[0]["count"] == len(to_add) and sorted(audit[0]["job_ids"]) == sorted(to_add)

    # members only, narrowed again: untick those
    some = first_staff_page(demo_db, sam, StaffFilter(group_id=group, members_only=True, module=Module.GROUPS.value))
    surname = some.rows[0].name.split()[-1]
    only = StaffFilter(search=surname, group_id=group, members_only=True, module=Module.GROUPS.value)
    narrowed = listed_jobs(demo_db, sam, only)
    assert 0 < len(narrowed.job_ids) < len(listed.job_ids) and narrowed.member_ids == set(narrowed.job_ids)
    removed = groups_service.set_memberships(demo_db, sam, group, narrowed.to_change(False), False)
    assert set(removed.changed) == set(narrowed.job_ids)
    assert members(demo_db, group) == set(listed.job_ids) - set(narrowed.job_ids)
    assert first_staff_page(demo_db, sam, only).total == 0


def test_members_only_lists_just_the_group(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    group = new_group(demo_db)
    chosen = list(listed_jobs(demo_db, sam, StaffFilter(group_id=group, module=Module.GROUPS.value)).job_ids[:3])
    groups_service.set_memberships(demo_db, sam, group, chosen, True)
    only = first_staff_page(demo_db, sam, StaffFilter(group_id=group, members_only=True, module=Module.GROUPS.value))
    assert only.total == 3 and sorted(r.job_id for r in only.rows) == sorted(chosen)
    assert all(row.is_member for row in only.rows)


def test_bulk_change_is_refused_whole_for_viewers_and_empty_lists(demo_db) -> None:
    sam, jo = user_id(demo_db, "sam.patel"), user_id(demo_db, "jo.evans")
    group = new_group(demo_db)
    jobs = [r.job_id for r in first_staff_page(demo_db, sam, StaffFilter(module=Module.GROUPS.value)).rows[:5]]
    with pytest.raises(PermissionDenied):
        groups_service.set_memberships(demo_db, jo, group, jobs, True)
    with pytest.raises(ValidationError, match="nothing to change"):
        groups_service.set_memberships(demo_db, sam, group, [], True)
    assert members(demo_db, group) == set()
    with demo_db.read() as session:
        count = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "group_members_added")
        )
    assert count == 0
