"""Which organisations a user may see, and act on, in each module (A1, D6, P3).

This is the one place that answers the question; every query filters with it
and every service checks it.  A role held at the trust reaches its member
organisations, but only as far as each school's data sharing agreement allows
(D6): without MIS data its staff and activities are hidden at trust level, and
without group actions no central action touches it.  A role held at a school
itself is not limited by the agreement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import (
    AppUser,
    DataSharingAgreement,
    Level,
    Module,
    Organisation,
    OrgKind,
    RoleAssignment,
    RolePermission,
    SharingLevel,
)

# Modules whose data comes from a school's MIS: staff and their activities.
MIS_MODULES = frozenset(
    {Module.STAFF, Module.GROUPS, Module.PARTNERSHIP_CPD, Module.FLOOD_FILL, Module.DASHBOARD, Module.BUDGETS}
)


@dataclass(frozen=True)
class Scope:
    """What one user may do where. Immutable; build it with ``scope_for``."""

    user_id: int
    is_primary: bool = False
    own_job_id: int | None = None
    levels: Mapping[Module, Mapping[int, Level]] = field(default_factory=dict)

    def level(self, module: Module, org_id: int) -> Level:
        return self.levels.get(module, {}).get(org_id, Level.NONE)

    def can_see(self, module: Module, org_id: int) -> bool:
        return self.level(module, org_id) >= Level.VIEW

    def can_act(self, module: Module, org_id: int, level: Level = Level.DECIDE) -> bool:
        return self.level(module, org_id) >= level

    def orgs(self, module: Module, at_least: Level = Level.VIEW) -> frozenset[int]:
        return frozenset(org for org, lvl in self.levels.get(module, {}).items() if lvl >= at_least)

    def best_level(self, module: Module) -> Level:
        return max(self.levels.get(module, {}).values(), default=Level.NONE)


def scope_for(session: Session, user_id: int) -> Scope:
    """Read the user's roles and the agreements and work out their scope now.

    Called inside each query or service's own transaction, so a change of role
    or agreement takes effect on the next action, not the next restart.
    """
    user = session.get(AppUser, user_id)
    if user is None or not user.active:
        return Scope(user_id=user_id)

    orgs = session.execute(
        select(Organisation.id, Organisation.kind, Organisation.trust_id, Organisation.staff_visibility_restricted)
    ).all()
    members_of: dict[int, list[int]] = {}
    restricted: set[int] = set()
    for org_id, kind, trust_id, is_restricted in orgs:
        if kind == OrgKind.TRUST:
            members_of.setdefault(org_id, [])
        elif trust_id is not None:
            members_of.setdefault(trust_id, []).append(org_id)
        if is_restricted:
            restricted.add(org_id)
    sharing = dict(session.execute(select(DataSharingAgreement.organisation_id, DataSharingAgreement.level)).all())

    grants = session.execute(
        select(RoleAssignment.organisation_id, RolePermission.module, RolePermission.level)
        .join(RolePermission, RolePermission.role_id == RoleAssignment.role_id)
        .where(RoleAssignment.user_id == user_id)
    ).all()

    levels: dict[Module, dict[int, Level]] = {}
    for org_id, module, raw_level in grants:
        module = Module(module)
        granted = Level(raw_level)
        per_org = levels.setdefault(module, {})
        _raise(per_org, org_id, granted)
        for member in members_of.get(org_id, ()):
            _raise(per_org, member, _through_trust(module, granted, member, sharing, restricted))
    return Scope(
        user_id=user_id,
        is_primary=user.is_primary,
        own_job_id=user.job_id,
        levels={module: dict(per_org) for module, per_org in levels.items()},
    )


def _raise(per_org: dict[int, Level], org_id: int, level: Level) -> None:
    if level > per_org.get(org_id, Level.NONE):
        per_org[org_id] = level


def _through_trust(
    module: Module, granted: Level, org_id: int, sharing: Mapping[int, int], restricted: set[int]
) -> Level:
    """Cap a trust-level grant by the member's agreement (D6) and visibility (P3)."""
    shared = SharingLevel(sharing.get(org_id, SharingLevel.NONE))
    if module in MIS_MODULES:
        if shared < SharingLevel.MIS:
            return Level.NONE
        if module in (Module.STAFF, Module.GROUPS) and org_id in restricted:
            return Level.NONE
        if shared < SharingLevel.GROUP_ACTIONS:
            return min(granted, Level.COMMENT)
        return granted
    if shared < SharingLevel.INSTITUTION and module != Module.ORGANISATIONS:
        return Level.NONE
    return granted
