"""Groups (G1, G2), bringing jobs up (P2) and staff visibility (P3) through their services."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import AuditEntry, Group, GroupMembership, Job, Module, Organisation, OrgKind
from db.queries.groups import group_usage, list_categories, list_groups
from db.queries.staff import StaffFilter, first_staff_page, staff_visibility
from db.scope import scope_for
from db.services import groups as groups_service
from db.services.jobs import bring_up_job, set_staff_visibility
from tests.helpers import user_id


def school_job(db, username: str) -> int:
    uid = user_id(db, username)
    with db.read() as session:
        orgs = scope_for(session, uid).orgs(Module.GROUPS, at_least=3)
        trust = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
        return session.scalars(
            select(Job.id).where(Job.organisation_id.in_(sorted(orgs - {trust})), Job.active.is_(True)).limit(1)
        ).one()


def test_key_stage_group_lifecycle_with_ticks(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    category = groups_service.create_category(demo_db, sam, "  Key   Stage Groups 2 ")
    group = groups_service.create_group(demo_db, sam, category, "KS2")
    job_id = school_job(demo_db, "sam.patel")

    result = groups_service.set_membership(demo_db, sam, group, job_id, True)
    assert result.member and result.member_count == 1
    with pytest.raises(StaleData, match="already in"):
        groups_service.set_membership(demo_db, sam, group, job_id, True)

    row = next(r for r in list_groups(demo_db, sam) if r.id == group)
    assert row.category == "Key Stage Groups 2" and row.member_count == 1
    with pytest.raises(StaleData):
        groups_service.rename_group(demo_db, sam, group, "Key Stage 2", row.version - 1)
    groups_service.rename_group(demo_db, sam, group, "Key Stage 2", row.version)
    with pytest.raises(ValidationError, match="already has a group"):
        groups_service.create_group(demo_db, sam, category, "Key Stage 2")

    usage = group_usage(demo_db, group_id=group)
    assert (usage.groups, usage.members) == (1, 1)
    version = next(r for r in list_groups(demo_db, sam) if r.id == group).version
    assert groups_service.delete_group(demo_db, sam, group, version) == 1
    with demo_db.read() as session:
        assert session.get(Group, group) is None
        assert (
            session.scalar(select(func.count()).select_from(GroupMembership).where(GroupMembership.group_id == group))
            == 0
        )
        actions = set(
            session.scalars(select(AuditEntry.action).where(AuditEntry.entity.in_(["group", "group_category"])))
        )
    assert {
        "group_category_created",
        "group_created",
        "group_member_added",
        "group_renamed",
        "group_deleted",
    } <= actions
    cat = next(c for c in list_categories(demo_db) if c.id == category)
    assert groups_service.delete_category(demo_db, sam, category, cat.version) == 0


def test_viewers_cannot_change_groups_and_blank_names_are_refused(demo_db) -> None:
    jo, sam = user_id(demo_db, "jo.evans"), user_id(demo_db, "sam.patel")
    with pytest.raises(PermissionDenied):
        groups_service.create_category(demo_db, jo, "Mine")
    with pytest.raises(ValidationError, match="name"):
        groups_service.create_category(demo_db, sam, "   ")
    with pytest.raises(NotFound):
        groups_service.set_membership(demo_db, sam, 999_999, 1, True)


def test_bring_up_creates_partnership_job_once(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    with demo_db.read() as session:
        trust = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
        has_trust_job = select(Job.person_id).where(Job.organisation_id == trust)
        orgs = scope_for(session, sam).orgs(Module.STAFF)
        job = session.execute(
            select(Job.id, Job.person_id).where(
                Job.organisation_id.in_(sorted(orgs - {trust})), Job.person_id.not_in(has_trust_job)
            )
        ).first()
    new_id = bring_up_job(demo_db, sam, job.id, unique_id=" U-123 ", pay_scale="UPS2")
    with demo_db.read() as session:
        new = session.get(Job, new_id)
        assert (new.organisation_id, new.person_id, new.unique_id, new.pay_scale) == (
            trust,
            job.person_id,
            "U-123",
            "UPS2",
        )
        assert new.brought_up_from_job_id == job.id
    with pytest.raises(ValidationError, match="already has a partnership job"):
        bring_up_job(demo_db, sam, job.id)
    with pytest.raises(ValidationError, match="already a partnership job"):
        bring_up_job(demo_db, sam, new_id)
    with pytest.raises(PermissionDenied):
        bring_up_job(demo_db, user_id(demo_db, "jo.evans"), job.id)
    page = first_staff_page(demo_db, sam, StaffFilter(search=""))
    assert page.total > 0 and page.can_bring_up


def test_restricting_visibility_hides_staff_from_trust_users(demo_db) -> None:
    alex, sam = user_id(demo_db, "alex.morgan"), user_id(demo_db, "sam.patel")
    page = first_staff_page(demo_db, sam, StaffFilter())
    org_id = next(r.organisation_id for r in page.rows if not r.is_partnership_job)
    row = next(v for v in staff_visibility(demo_db, alex) if v.organisation_id == org_id)
    assert row.can_change and not row.restricted
    with pytest.raises(PermissionDenied):
        set_staff_visibility(demo_db, sam, org_id, True, row.version)
    with pytest.raises(StaleData):
        set_staff_visibility(demo_db, alex, org_id, True, row.version + 5)
    set_staff_visibility(demo_db, alex, org_id, True, row.version)
    assert first_staff_page(demo_db, sam, StaffFilter(organisation_id=org_id)).total == 0
    assert first_staff_page(demo_db, sam, StaffFilter()).total < page.total
