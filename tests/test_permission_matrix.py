"""Who may change what, where (A1, D6, P3): every demo user × every changing action × every kind of school.

The expectation is worked out here from the raw tables and the rules as
DESIGN.md states them, not from ``db.scope``: a role held at a school decides
there; a role held at the trust decides at a member school only when the
school shares group actions, and not about staff or groups that the school
restricts (P3).  A refusal is a ``PermissionDenied`` (or, for a sign-off, a
row reported as not permitted) and changes nothing; when the school's
agreement is what is missing, the sentence names the school and what it
shares.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import func, select

from db.errors import PermissionDenied
from db.models import (
    AcademicPeriod,
    AppUser,
    Budget,
    CpdActivity,
    CpdTeamState,
    DataSharingAgreement,
    Group,
    GroupCategory,
    GroupMembership,
    Job,
    Level,
    LineManagerState,
    Module,
    Organisation,
    OrgKind,
    PartnershipState,
    SharingLevel,
    UserGrant,
)
from db.queries.user_admin import role_named
from db.services.activity_edits import ActivityEdit, current_edit, edit_activity
from db.services.budgets import set_budget
from db.services.decisions import mark_completed
from db.services.flood_fill import FloodFillSpec, create_flood_fill
from db.services.grants import grant_role
from db.services.groups import set_membership
from db.services.jobs import bring_up_job
from db.services.signoff import SkipReason, sign_off
from db.services.users import UserDetails, add_user
from tests.helpers import own_person_id, user_id

DEMO_USERS = ("alex.morgan", "sam.patel", "jo.evans", "chris.lee", "pat.kim")
# Users the primary user adds through the services on a fresh copy of the demo (Users & roles):
# username -> (standard role, held at the trust or at the school of the job they are linked to, linked job's role)
ADDED_USERS: dict[str, tuple[str, str, str | None]] = {
    "new.lead": ("CPD lead", "trust", None),
    "new.head": ("School CPD coordinator", "own school", "Headteacher"),
    "new.coordinator": ("School CPD coordinator", "own school", "Assistant headteacher"),
    "new.finance": ("Finance officer", "trust", None),
}
USERS = DEMO_USERS + tuple(ADDED_USERS)


def _add_users(db) -> None:
    """The primary user adds the users of ``ADDED_USERS`` and gives them their roles, as the panel does."""
    alex = user_id(db, "alex.morgan")
    group_actions = _school(db, "group actions")
    for username, (role, held_at, job_role) in ADDED_USERS.items():
        job_id = None
        if job_role is not None:
            with db.read() as session:
                job_id = session.scalar(
                    select(Job.id)
                    .where(Job.organisation_id == group_actions.id, Job.active.is_(True))
                    .where(Job.id.not_in(select(AppUser.job_id).where(AppUser.job_id.is_not(None))))
                    .order_by((Job.role == job_role).desc(), Job.id)
                    .limit(1)
                )
            assert job_id is not None, job_role
        new = add_user(db, alex, UserDetails(username, username.replace(".", " ").title(), None, job_id))
        where = group_actions.id if held_at == "own school" else None
        grant_role(db, alex, new, role_named(db, role), organisation_id=where)


KINDS = ("no agreement", "institution", "MIS", "group actions", "restricted staff", "coordinator's school")
SHARES = {
    SharingLevel.NONE: "shares no data",
    SharingLevel.INSTITUTION: "shares institution data only",
    SharingLevel.MIS: "shares MIS data but not group actions",
}


@dataclasses.dataclass(frozen=True)
class School:
    id: int
    name: str
    shares: SharingLevel
    restricted: bool
    trust: int


def _school(db, kind: str) -> School:
    with db.read() as session:
        trust = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
        level = func.coalesce(DataSharingAgreement.level, 0)
        query = (
            select(Organisation.id, Organisation.name, level, Organisation.staff_visibility_restricted)
            .outerjoin(DataSharingAgreement, DataSharingAgreement.organisation_id == Organisation.id)
            .where(Organisation.trust_id == trust)
            .order_by(Organisation.id)
        )
        if kind == "coordinator's school":
            query = query.join(Job, Job.organisation_id == Organisation.id).join(
                AppUser, (AppUser.job_id == Job.id) & (AppUser.username == "chris.lee")
            )
        elif kind == "restricted staff":
            query = query.where(Organisation.staff_visibility_restricted.is_(True)).order_by(level.desc())
        else:
            wanted = {"no agreement": 0, "institution": 1, "MIS": 2, "group actions": 3}[kind]
            query = query.where(level == wanted, Organisation.staff_visibility_restricted.is_(False))
        row = session.execute(query.limit(1)).first()
    assert row is not None, f"the demo has no school of the kind {kind!r}"
    return School(row[0], row[1], SharingLevel(row[2]), bool(row[3]), trust)


def _decides(db, username: str) -> set[tuple[int, Module]]:
    """(organisation, module) pairs where the user holds a role that decides, read from the tables."""
    with db.read() as session:
        rows = session.execute(
            select(UserGrant.organisation_id, UserGrant.module)
            .join(AppUser, AppUser.id == UserGrant.user_id)
            .where(AppUser.username == username, UserGrant.level >= int(Level.DECIDE))
        ).all()
    return {(org, Module(module)) for org, module in rows}


def _expected(db, username: str, school: School, modules: tuple[Module, ...]) -> tuple[bool, bool]:
    """(allowed, refused for want of group actions) by DESIGN's rules."""
    decides = _decides(db, username)
    allowed, for_sharing = True, False
    for module in modules:
        if (school.id, module) in decides:
            continue
        if (school.trust, module) not in decides:
            allowed = False
            continue
        if school.shares < SharingLevel.GROUP_ACTIONS:
            allowed, for_sharing = False, True
        elif school.restricted and module in (Module.STAFF, Module.GROUPS, Module.FLOOD_FILL):
            allowed = False  # P3: hidden staff are neither listed nor flood-filled
    return allowed, for_sharing


def _not_own(db, username: str):
    return Job.person_id != (own_person_id(db, username) or -1)


def _activity(db, username: str, school: School, *conditions) -> _Row:
    with db.read() as session:
        row = session.scalar(
            select(CpdActivity)
            .join(Job, Job.id == CpdActivity.job_id)
            .where(CpdActivity.organisation_id == school.id, _not_own(db, username), *conditions)
            .order_by(CpdActivity.id)
            .limit(1)
        )
        assert row is not None
        return _Row(row.id, row.version, row.starts_on, current_edit(row))


@dataclasses.dataclass(frozen=True)
class _Row:
    id: int
    version: int
    starts_on: date
    edit: ActivityEdit


def _job(db, username: str, school: School, *conditions) -> int:
    with db.read() as session:
        found = session.scalar(
            select(Job.id)
            .where(Job.organisation_id == school.id, Job.active.is_(True), _not_own(db, username), *conditions)
            .order_by(Job.id)
            .limit(1)
        )
    assert found is not None
    return found


def _spec(db, pre_authorise: bool) -> FloodFillSpec:
    with db.read() as session:
        creator = session.scalar(select(AppUser.job_id).where(AppUser.is_primary.is_(True)).limit(1))
    day = date(2026, 2, 2)
    return FloodFillSpec("Matrix INSET", "INSET day", "Trust hub", day, day, creator, pre_authorise=pre_authorise)


def sign_off_action(db, username, school) -> bool:
    row = _activity(db, username, school, CpdActivity.partnership_state == PartnershipState.PENDING)
    result = sign_off(db, user_id(db, username), {row.id: row.version}, PartnershipState.AUTHORISED, "Matrix")
    if result.applied:
        return True
    # not permitted, or (at a school that does not share group actions) said more precisely (D6)
    assert [s.reason for s in result.skipped] in ([SkipReason.NOT_PERMITTED], [SkipReason.NOT_SHARED])
    raise PermissionDenied("not permitted")  # sign-off reports rather than raises (C4); same outcome here


def edit_action(db, username, school) -> bool:
    row = _activity(db, username, school)
    edit = dataclasses.replace(row.edit, travel_cost_pence=row.edit.travel_cost_pence + 100)
    edit_activity(db, user_id(db, username), row.id, row.version, edit)
    return True


def completion_action(db, username, school) -> bool:
    row = _activity(
        db,
        username,
        school,
        CpdActivity.starts_on <= date.today(),
        CpdActivity.partnership_state != PartnershipState.REJECTED,  # completion only for a request not refused
        CpdActivity.line_manager_state != LineManagerState.DENIED,
        CpdActivity.cpd_team_state != CpdTeamState.DECLINED,
    )
    mark_completed(db, user_id(db, username), row.id, row.version, row.starts_on)
    return True


def flood_fill_action(db, username, school, pre_authorise: bool = False) -> bool:
    create_flood_fill(db, user_id(db, username), _spec(db, pre_authorise), [_job(db, username, school)])
    return True


def pre_authorised_fill_action(db, username, school) -> bool:
    return flood_fill_action(db, username, school, pre_authorise=True)


def bring_up_action(db, username, school) -> bool:
    at_trust = select(Job.person_id).where(Job.organisation_id == school.trust)
    job = _job(db, username, school, Job.person_id.not_in(at_trust))
    bring_up_job(db, user_id(db, username), job)
    return True


def budget_action(db, username, school) -> bool:
    with db.read() as session:
        period = session.scalar(select(AcademicPeriod.id).order_by(AcademicPeriod.starts_on.desc()).limit(1))
        version = session.scalar(
            select(Budget.version).where(Budget.organisation_id == school.id, Budget.period_id == period)
        )
    set_budget(db, user_id(db, username), school.id, period, 1_234_500, version)
    return True


def membership_action(db, username, school) -> bool:
    with db.read() as session:
        group = session.scalar(
            select(Group.id)
            .join(GroupCategory, GroupCategory.id == Group.category_id)
            .where(GroupCategory.organisation_id == school.trust)
            .order_by(Group.id)
            .limit(1)
        )
    assert group is not None
    members = select(GroupMembership.job_id).where(GroupMembership.group_id == group)
    set_membership(db, user_id(db, username), group, _job(db, username, school, Job.id.not_in(members)), True)
    return True


ACTIONS: dict[str, tuple[Callable, tuple[Module, ...]]] = {
    "sign-off": (sign_off_action, (Module.PARTNERSHIP_CPD,)),
    "edit dates or costs": (edit_action, (Module.PARTNERSHIP_CPD,)),
    "record completion": (completion_action, (Module.PARTNERSHIP_CPD,)),
    "flood fill": (flood_fill_action, (Module.FLOOD_FILL,)),
    "pre-authorised flood fill": (pre_authorised_fill_action, (Module.FLOOD_FILL, Module.PARTNERSHIP_CPD)),
    "bring up": (bring_up_action, (Module.STAFF,)),
    "set budget": (budget_action, (Module.BUDGETS,)),
    "group membership": (membership_action, (Module.GROUPS,)),
}


def _check(db, username: str, action: str, kind: str) -> None:
    if username in ADDED_USERS:
        _add_users(db)
    school = _school(db, kind)
    run, modules = ACTIONS[action]
    allowed, for_sharing = _expected(db, username, school, modules)
    if action == "bring up":  # the new job is the trust's: staff at the trust are decided there too
        allowed = allowed and (school.trust, Module.STAFF) in _decides(db, username)
    if action == "group membership":  # the group is the trust's
        allowed = allowed and (school.trust, Module.GROUPS) in _decides(db, username)
    if allowed:
        assert run(db, username, school)
        return
    with pytest.raises(PermissionDenied) as refused:
        run(db, username, school)
    if for_sharing and action != "sign-off":
        assert school.name in refused.value.message and SHARES[school.shares] in refused.value.message


@pytest.mark.engines("sqlite")
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("username", USERS)
def test_every_user_every_action_every_kind_of_school(demo_db, username: str, action: str, kind: str) -> None:
    _check(demo_db, username, action, kind)


@pytest.mark.engines("postgresql")
@pytest.mark.parametrize(
    ("username", "action", "kind"),
    [
        ("sam.patel", "bring up", "MIS"),
        ("sam.patel", "pre-authorised flood fill", "group actions"),
        ("sam.patel", "set budget", "institution"),
        ("chris.lee", "sign-off", "coordinator's school"),
        ("alex.morgan", "group membership", "restricted staff"),
        ("jo.evans", "edit dates or costs", "MIS"),
        ("new.head", "sign-off", "group actions"),
        ("new.finance", "set budget", "MIS"),
    ],
)
def test_a_subset_on_postgresql(demo_db, username: str, action: str, kind: str) -> None:
    _check(demo_db, username, action, kind)


def test_the_matrix_refuses_and_allows_somewhere(demo_db) -> None:
    """The matrix is not all one answer: the central team acts at a group-actions school, not at a MIS one."""
    assert _expected(demo_db, "sam.patel", _school(demo_db, "group actions"), (Module.PARTNERSHIP_CPD,)) == (
        True,
        False,
    )
    assert _expected(demo_db, "sam.patel", _school(demo_db, "MIS"), (Module.STAFF,)) == (False, True)
