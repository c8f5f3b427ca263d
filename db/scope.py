"""Which organisations a user may see, and act on, in each module (A1, D6, P3).

This is the one place that answers the question; every query filters with it
and every service checks it.  A role held at the trust reaches its member
organisations, but only as far as each school's data sharing agreement allows
(D6): without MIS data its staff and activities are hidden at trust level, and
without group actions no central action touches it.  A role held at a school
itself is not limited by the agreement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import PermissionDenied
from db.models import (
    AppUser,
    DataSharingAgreement,
    Job,
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
    shared_of = {
        org_id: SharingLevel(level)
        for org_id, level in session.execute(select(DataSharingAgreement.organisation_id, DataSharingAgreement.level))
    }

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
        members = members_of.get(org_id)
        if members:
            # Every query calls this; a trust has ~150 members and a user a dozen grants, so
            # the cap is worked out once per grant, not once per member.
            cap = _through_trust(module, granted)
            for member in members:
                _raise(per_org, member, cap(shared_of.get(member, SharingLevel.NONE), member in restricted))
    return Scope(
        user_id=user_id,
        is_primary=user.is_primary,
        own_job_id=user.job_id,
        levels={module: dict(per_org) for module, per_org in levels.items()},
    )


def own_person_id(session: Session, scope: Scope) -> int | None:
    """The person behind the acting user's job: nobody decides a request of their own (C3), and
    "their own" means any of that person's jobs, not only the one they signed in with."""
    if scope.own_job_id is None:
        return None
    return session.scalar(select(Job.person_id).where(Job.id == scope.own_job_id))


def _raise(per_org: dict[int, Level], org_id: int, level: Level) -> None:
    if level > per_org.get(org_id, Level.NONE):
        per_org[org_id] = level


def _through_trust(module: Module, granted: Level) -> Callable[[SharingLevel, bool], Level]:
    """How a trust-level grant reaches one member: capped by its agreement (D6) and visibility (P3).

    The returned function takes the member's sharing level and whether its staff are restricted.
    """
    if module in MIS_MODULES:
        # P3: the modules that list a school's staff by name (flood fill picks them one by one).
        hides_restricted = module in (Module.STAFF, Module.GROUPS, Module.FLOOD_FILL)
        comment_only = min(granted, Level.COMMENT)

        def mis(shared: SharingLevel, is_restricted: bool) -> Level:
            if shared < SharingLevel.MIS or (hides_restricted and is_restricted):
                return Level.NONE
            return comment_only if shared < SharingLevel.GROUP_ACTIONS else granted

        return mis
    if module == Module.ORGANISATIONS:
        return lambda _shared, _restricted: granted
    return lambda shared, _restricted: Level.NONE if shared < SharingLevel.INSTITUTION else granted


_SHARES = {
    SharingLevel.NONE: "no data",
    SharingLevel.INSTITUTION: "institution data only",
    SharingLevel.MIS: "MIS data but not group actions",
}


def central_action_refusals(
    session: Session, scope: Scope, module: Module, org_ids: Iterable[int], doing: str
) -> dict[int, str]:
    """For each organisation where the user may not ``doing`` (e.g. "authorise CPD"), the sentence why.

    The one answer to "may this change touch that school?" (A1, D6), so a new
    central action cannot forget the agreement.  A role held at the school
    itself is not limited by the agreement; a role held at the trust reaches a
    member school only if it shares group actions (D5, D6); everything else
    (P3 restriction, the role's own level) is what ``scope`` says.
    """
    wanted = sorted(set(org_ids))
    if not wanted:
        return {}
    orgs = session.execute(
        select(Organisation.id, Organisation.name, Organisation.trust_id, DataSharingAgreement.level)
        .outerjoin(DataSharingAgreement, DataSharingAgreement.organisation_id == Organisation.id)
        .where(Organisation.id.in_(wanted))
    ).all()
    granted_at = set(
        session.scalars(
            select(RoleAssignment.organisation_id)
            .join(RolePermission, RolePermission.role_id == RoleAssignment.role_id)
            .where(
                RoleAssignment.user_id == scope.user_id,
                RolePermission.module == module,
                RolePermission.level >= int(Level.DECIDE),
            )
        )
    )
    refusals: dict[int, str] = {}
    for org_id, name, trust_id, shared in orgs:
        shared = SharingLevel(shared if shared is not None else SharingLevel.NONE)
        central = org_id not in granted_at and trust_id is not None and trust_id in granted_at
        if central and shared < SharingLevel.GROUP_ACTIONS:
            refusals[org_id] = (
                f"{name} shares {_SHARES[shared]} with the trust, so no central action touches it "
                f"and you may not {doing} there."
            )
        elif not scope.can_act(module, org_id, Level.DECIDE):
            refusals[org_id] = f"You may not {doing} at {name}."
    for org_id in set(wanted) - {row[0] for row in orgs}:
        refusals[org_id] = f"You may not {doing} there: that organisation no longer exists."
    return refusals


def require_central_action(
    session: Session, scope: Scope, module: Module, org_ids: Iterable[int], doing: str, *, then: str = ""
) -> None:
    """Raise PermissionDenied, naming the schools and the missing sharing level, unless the user may
    ``doing`` at every one of ``org_ids``; ``then`` says what happened (e.g. "Nothing was changed.")."""
    refusals = central_action_refusals(session, scope, module, org_ids, doing)
    if refusals:
        sentences = list(refusals.values())
        shown = " ".join(sentences[:3]) + (
            f" (and {len(sentences) - 3:,} more organisations)" if len(sentences) > 3 else ""
        )
        raise PermissionDenied(f"{shown} {then}".strip())
