"""Administering users and grants through the services (A1): what an administrator may do, and what not.

The rules the issue names: nobody grants more than they hold; report permissions come only from a
primary user; never to a deactivated user; the last primary user stays; nobody takes away their own
last grant to administer users; duplicate usernames refused; a grant restricted to groups reaches
only those staff; a cluster grant only that cluster's schools.  Every refusal is one sentence and
changes nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.errors import PermissionDenied, ValidationError
from db.models import (
    AppUser,
    AuditEntry,
    CpdActivity,
    GroupMembership,
    Job,
    Level,
    Module,
    Organisation,
    OrgKind,
    PartnershipState,
    SharingLevel,
    UserGrant,
)
from db.queries.activities import ActivityFilter, first_rows
from db.queries.user_admin import grants_of_user, list_admin_users, permissions_report, role_named
from db.scope import scope_for
from db.services.grants import GrantSpec, give_grant, grant_role, revoke_grant
from db.services.signoff import SkipReason, sign_off
from db.services.users import UserDetails, add_user, set_active, set_primary
from tests.helpers import coordinator_of_one_group, org_with_sharing, user_id


def _count(db, model) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _version(db, uid: int) -> int:
    with db.read() as session:
        return session.scalar(select(AppUser.version).where(AppUser.id == uid))


def _trust(db) -> int:
    with db.read() as session:
        return session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))


def test_a_standalone_finance_officer_reaches_budgets_across_the_trust(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    new = add_user(demo_db, alex, UserDetails("fin.officer", "Fran  Officer", "fran@example.org"))
    ids = grant_role(demo_db, alex, new, role_named(demo_db, "Finance officer"))
    shared = org_with_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    with demo_db.read() as session:
        scope = scope_for(session, new)
        audit = session.scalars(select(AuditEntry.action).where(AuditEntry.user_id == alex)).all()
    assert len(ids) == 6 and scope.level(Module.BUDGETS, shared) == Level.DECIDE  # the template: 6 modules
    assert scope.level(Module.PARTNERSHIP_CPD, shared) == Level.VIEW and not scope.is_primary
    assert audit.count("grant_given") == 6 and "user_created" in audit
    row = next(u for u in list_admin_users(demo_db, alex) if u.username == "fin.officer")
    assert row.display_name == "Fran Officer" and row.job == "" and row.titles == "Finance officer"


def test_nobody_grants_more_than_they_hold(demo_db) -> None:
    alex, sam = user_id(demo_db, "alex.morgan"), user_id(demo_db, "sam.patel")
    new = add_user(demo_db, alex, UserDetails("new.member", "New Member"))
    with pytest.raises(PermissionDenied, match="Users & roles"):
        give_grant(demo_db, sam, new, GrantSpec(Module.PARTNERSHIP_CPD, Level.VIEW))
    give_grant(demo_db, alex, sam, GrantSpec(Module.USERS, Level.DECIDE, title="Team administrator"))
    give_grant(demo_db, sam, new, GrantSpec(Module.PARTNERSHIP_CPD, Level.DECIDE))  # sam decides CPD himself
    before = _count(demo_db, UserGrant)
    with pytest.raises(PermissionDenied, match="nobody grants more than they hold"):
        give_grant(demo_db, sam, new, GrantSpec(Module.DATA_SHARING, Level.VIEW))
    with pytest.raises(PermissionDenied, match="Only a primary user gives report permissions"):
        give_grant(demo_db, sam, new, GrantSpec(Module.REPORTS, Level.VIEW))
    assert _count(demo_db, UserGrant) == before
    # a primary user gives report permissions, over the whole trust only
    give_grant(demo_db, alex, new, GrantSpec(Module.PERMISSIONS_REPORT, Level.VIEW))
    assert any(row.username == "new.member" and row.is_report for row in permissions_report(demo_db, new))
    with pytest.raises(PermissionDenied, match="report permission"):
        permissions_report(demo_db, sam)


def test_a_deactivated_user_can_do_nothing_and_gets_no_grants(demo_db) -> None:
    alex, sam = user_id(demo_db, "alex.morgan"), user_id(demo_db, "sam.patel")
    set_active(demo_db, alex, sam, _version(demo_db, sam), False)
    with demo_db.read() as session:
        assert not scope_for(session, sam).levels
    with pytest.raises(ValidationError, match="deactivated"):
        give_grant(demo_db, alex, sam, GrantSpec(Module.STAFF, Level.VIEW))
    pending = first_rows(demo_db, sam, ActivityFilter(partnership_state=PartnershipState.PENDING), limit=5)
    assert pending.rows == []
    set_active(demo_db, alex, sam, _version(demo_db, sam), True)
    assert first_rows(demo_db, sam, ActivityFilter(partnership_state=PartnershipState.PENDING), limit=5).rows


def test_the_last_primary_user_stays(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    with pytest.raises(ValidationError, match="last primary user"):
        set_active(demo_db, alex, alex, _version(demo_db, alex), False)
    with pytest.raises(ValidationError, match="last primary user"):
        set_primary(demo_db, alex, alex, _version(demo_db, alex), False)
    sam = user_id(demo_db, "sam.patel")
    with pytest.raises(PermissionDenied, match="primary user"):
        set_primary(demo_db, sam, sam, _version(demo_db, sam), True)
    set_primary(demo_db, alex, sam, _version(demo_db, sam), True)
    set_primary(demo_db, alex, alex, _version(demo_db, alex), False)  # now sam remains
    with pytest.raises(PermissionDenied, match="only a primary user changes another primary user"):
        set_active(demo_db, alex, sam, _version(demo_db, sam), False)


def test_nobody_takes_away_their_own_last_grant_to_administer_users(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    own = [g for g in grants_of_user(demo_db, alex, alex) if g.module == Module.USERS]
    assert len(own) == 1
    with pytest.raises(ValidationError, match="lock you out"):
        revoke_grant(demo_db, alex, own[0].id, own[0].version)
    other = next(g for g in grants_of_user(demo_db, alex, alex) if g.module == Module.TRAINING)
    revoke_grant(demo_db, alex, other.id, other.version)
    assert all(g.module != Module.TRAINING for g in grants_of_user(demo_db, alex, alex))


def test_duplicate_and_malformed_usernames_are_refused(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    users = _count(demo_db, AppUser)
    with pytest.raises(ValidationError, match=r"already a user called “sam\.patel”"):
        add_user(demo_db, alex, UserDetails("Sam.Patel", "Another Sam"))
    with pytest.raises(ValidationError, match="username of 2 to 80 characters"):
        add_user(demo_db, alex, UserDetails("sam patel", "Sam"))
    with pytest.raises(ValidationError, match="not an e-mail address"):
        add_user(demo_db, alex, UserDetails("sam.p", "Sam", "sam at school"))
    assert _count(demo_db, AppUser) == users


def test_a_job_has_one_user(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    with demo_db.read() as session:
        sams_job = session.scalar(select(AppUser.job_id).where(AppUser.username == "sam.patel"))
    with pytest.raises(ValidationError, match=r"already belongs to the user “sam\.patel”"):
        add_user(demo_db, alex, UserDetails("sam.two", "Sam Two", None, sams_job))


def test_a_grant_restricted_to_a_group_reaches_only_its_staff(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    school = org_with_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    with demo_db.read() as session:
        group_id, member_jobs = next(
            (gid, jobs)
            for gid, jobs in _groups_at(session, school).items()
            if len(jobs) > 0
            and session.scalar(select(func.count()).select_from(CpdActivity).where(CpdActivity.job_id.in_(jobs)))
        )
        outside = session.scalar(
            select(CpdActivity.id).where(
                CpdActivity.organisation_id == school,
                CpdActivity.job_id.not_in(member_jobs),
                CpdActivity.partnership_state == PartnershipState.PENDING,
            )
        )
        outside_version = session.scalar(select(CpdActivity.version).where(CpdActivity.id == outside))
    coordinator = coordinator_of_one_group(demo_db, "restricted.coord", school, group_id)
    page = first_rows(demo_db, coordinator, ActivityFilter(period_id=None), limit=500)
    assert page.rows and {row.job_id for row in page.rows} <= set(member_jobs)
    result = sign_off(demo_db, coordinator, {outside: outside_version}, PartnershipState.AUTHORISED)
    assert [s.reason for s in result.skipped] == [SkipReason.NOT_PERMITTED]
    shown = grants_of_user(demo_db, alex, coordinator)
    assert {g.title for g in shown} == {"CPD Coordinator"}
    assert any(g.groups and g.module == Module.PARTNERSHIP_CPD for g in shown)
    assert all(not g.groups for g in shown if g.module == Module.DASHBOARD)  # not a staff list


def _groups_at(session, school: int) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for gid, job in session.execute(
        select(GroupMembership.group_id, GroupMembership.job_id)
        .join(Job, Job.id == GroupMembership.job_id)
        .where(Job.organisation_id == school)
        .order_by(GroupMembership.group_id, Job.id)
    ):
        groups.setdefault(gid, []).append(job)
    return groups


def test_a_cluster_grant_reaches_only_that_clusters_schools(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    with demo_db.read() as session:
        cluster, members = next(
            (name, ids)
            for name, ids in _clusters(session).items()
            if len(ids) < session.scalar(select(func.count()).select_from(Organisation)) - 1
        )
    new = add_user(demo_db, alex, UserDetails("cluster.lead", "Cluster Lead"))
    give_grant(demo_db, alex, new, GrantSpec(Module.ORGANISATIONS, Level.VIEW, cluster=cluster))
    with demo_db.read() as session:
        assert scope_for(session, new).orgs(Module.ORGANISATIONS) == frozenset(members)
    with pytest.raises(ValidationError, match="No school is in a cluster"):
        give_grant(demo_db, alex, new, GrantSpec(Module.ORGANISATIONS, Level.VIEW, cluster="Nowhere"))


def _clusters(session) -> dict[str, list[int]]:
    clusters: dict[str, list[int]] = {}
    for org, name in session.execute(
        select(Organisation.id, Organisation.cluster).where(Organisation.cluster.is_not(None))
    ):
        clusters.setdefault(name, []).append(org)
    return clusters


def test_giving_the_same_grant_again_changes_its_level(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    new = add_user(demo_db, alex, UserDetails("level.change", "Level Change"))
    first = give_grant(demo_db, alex, new, GrantSpec(Module.STAFF, Level.VIEW, title="Staff viewer"))
    second = give_grant(demo_db, alex, new, GrantSpec(Module.STAFF, Level.DECIDE))
    grants = grants_of_user(demo_db, alex, new)
    assert first == second and [(g.level, g.title) for g in grants] == [(Level.DECIDE, "Staff viewer")]
    trust = _trust(demo_db)
    with demo_db.read() as session:
        assert scope_for(session, new).level(Module.STAFF, trust) == Level.DECIDE
