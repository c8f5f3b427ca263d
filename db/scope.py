"""Which organisations a user may see, and act on, in each module (A1, D6, P3).

This is the one place that answers the question; every query filters with it
and every service checks it.  A grant held at the trust (or at one of its
clusters) reaches its member organisations, but only as far as each school's
data sharing agreement allows (D6): without MIS data its staff and activities
are hidden at trust level, and without group actions no central action
touches it.  A grant held at a school itself is not limited by the agreement.
A grant restricted to groups reaches only the staff in those groups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, false, or_, select
from sqlalchemy.orm import Session

from db.errors import PermissionDenied
from db.id_lists import one_of
from db.models import (
    AppUser,
    DataSharingAgreement,
    GroupMembership,
    Job,
    Level,
    Module,
    Organisation,
    OrgKind,
    SharingLevel,
    UserGrant,
    UserGrantGroup,
)
from db.scope_cache import kept_or_worked_out

# Modules whose data comes from a school's MIS: staff and their activities.
MIS_MODULES = frozenset(
    {Module.STAFF, Module.GROUPS, Module.PARTNERSHIP_CPD, Module.FLOOD_FILL, Module.DASHBOARD, Module.BUDGETS}
)
#: modules about the institution itself, reached before any agreement: the central team must be able
#: to see a school, give its head a user and send it a data sharing request before it shares anything
UNSHARED_MODULES = frozenset({Module.ORGANISATIONS, Module.USERS, Module.DATA_SHARING})
#: modules that list staff one by one, where a grant may be restricted to groups of staff
STAFF_MODULES = frozenset({Module.STAFF, Module.GROUPS, Module.PARTNERSHIP_CPD, Module.FLOOD_FILL})

#: module -> (organisations a deciding grant is held at, members a deciding trust or cluster grant reaches)
Deciding = Mapping[Module, tuple[frozenset[int], frozenset[int]]]
#: what ``scope_for`` works out from the rows it reads: levels, group-restricted organisations (their
#: groups), organisations some unrestricted grant reaches, and where the user decides
_Worked = tuple[
    dict[Module, dict[int, Level]],
    dict[Module, dict[int, frozenset[int]]],
    dict[Module, frozenset[int]],
    dict[Module, tuple[frozenset[int], frozenset[int]]],
]


@dataclass(frozen=True)
class Scope:
    """What one user may do where. Immutable; build it with ``scope_for``."""

    user_id: int
    is_primary: bool = False
    own_job_id: int | None = None
    levels: Mapping[Module, Mapping[int, Level]] = field(default_factory=dict)
    #: module -> organisation -> the only jobs reachable there, where every grant reaching it is
    #: restricted to groups of staff; an organisation not listed is not restricted
    job_limits: Mapping[Module, Mapping[int, frozenset[int]]] = field(default_factory=dict)
    #: where the user decides, per module (``deciding_grants``); None when not worked out with the scope
    deciding: Deciding | None = None
    #: the database takes a list of ids as one array value (PostgreSQL): ``db.id_lists``
    arrays: bool = False

    def level(self, module: Module, org_id: int) -> Level:
        return self.levels.get(module, {}).get(org_id, Level.NONE)

    def can_see(self, module: Module, org_id: int) -> bool:
        return self.level(module, org_id) >= Level.VIEW

    def can_act(self, module: Module, org_id: int, level: Level = Level.DECIDE) -> bool:
        return self.level(module, org_id) >= level

    def reaches_job(self, module: Module, org_id: int, job_id: int, level: Level = Level.VIEW) -> bool:
        """The level at the job's organisation, and the job within any group restriction there."""
        if self.level(module, org_id) < level:
            return False
        limit = self.job_limits.get(module, {}).get(org_id)
        return limit is None or job_id in limit

    def rows_in_reach(
        self,
        module: Module,
        org_column: ColumnElement[int] | Any,
        job_column: ColumnElement[int] | Any,
        at_least: Level = Level.VIEW,
    ) -> ColumnElement[bool]:
        """SQL: the rows (jobs, activities) this user reaches in ``module``: the organisations the
        scope allows, and within a group-restricted organisation only the jobs of those groups."""
        orgs = self.orgs(module, at_least)
        limits = self.job_limits.get(module, {})
        free = sorted(org for org in orgs if org not in limits)
        conditions: list[ColumnElement[bool]] = [one_of(org_column, free, array=self.arrays)] if free else []
        for org_id in sorted(org for org in orgs if org in limits):
            conditions.append((org_column == org_id) & one_of(job_column, sorted(limits[org_id]), array=self.arrays))
        return or_(*conditions) if conditions else false()

    def orgs(self, module: Module, at_least: Level = Level.VIEW) -> frozenset[int]:
        return frozenset(org for org, lvl in self.levels.get(module, {}).items() if lvl >= at_least)

    def best_level(self, module: Module) -> Level:
        return max(self.levels.get(module, {}).values(), default=Level.NONE)


def scope_for(session: Session, user_id: int) -> Scope:
    """Read the user's roles and the agreements and work out their scope now.

    Called inside each query or service's own transaction, so a change of role
    or agreement takes effect on the next action, not the next restart.  Every
    query of a filter change calls this, so the worked-out scope is kept per
    user and per exact fingerprint of the rows it comes from
    (``db.scope_cache``): a grant or agreement changed a moment ago changes the
    fingerprint, so a stale scope is never served.  Group memberships change
    often and are read every time a grant is limited to groups.
    """
    session.flush()  # rows this transaction changed count, as they would with session.execute
    connection = session.connection()
    cached = kept_or_worked_out(connection, user_id, _read_and_work_out)
    if cached is None:
        return Scope(user_id=user_id)  # no such user
    active, is_primary, job_id, (levels, limited, free, deciding) = cached
    if not active:
        return Scope(user_id=user_id)
    return Scope(
        user_id=user_id,
        is_primary=is_primary,
        own_job_id=job_id,
        levels=levels,
        job_limits=_job_limits(connection, limited, free) if limited else {},
        deciding=deciding,
        arrays=connection.dialect.name == "postgresql",
    )


def _read_and_work_out(connection: Connection, user_id: int) -> tuple[bool, bool, int | None, _Worked]:
    user = connection.execute(
        select(AppUser.active, AppUser.is_primary, AppUser.job_id).where(AppUser.id == user_id)
    ).one()
    grants = connection.execute(
        select(UserGrant.id, UserGrant.organisation_id, UserGrant.cluster, UserGrant.module, UserGrant.level).where(
            UserGrant.user_id == user_id
        )
    ).all()
    grant_groups = connection.execute(
        select(UserGrantGroup.grant_id, UserGrantGroup.group_id)
        .join(UserGrant, UserGrant.id == UserGrantGroup.grant_id)
        .where(UserGrant.user_id == user_id)
    ).all()
    orgs = connection.execute(
        select(
            Organisation.id,
            Organisation.kind,
            Organisation.trust_id,
            Organisation.staff_visibility_restricted,
            Organisation.cluster,
        )
    ).all()
    agreements = connection.execute(select(DataSharingAgreement.organisation_id, DataSharingAgreement.level)).all()
    worked = _work_out(grants, grant_groups, orgs, agreements)
    return bool(user.active), bool(user.is_primary), user.job_id, worked


def _work_out(
    grants: Sequence[Any], grant_groups: Sequence[Any], orgs: Sequence[Any], agreements: Sequence[Any]
) -> _Worked:
    """The levels per module and organisation from the rows ``scope_for`` read (pure: safe to keep)."""
    members_of: dict[int, list[int]] = {}
    children_of: dict[int, list[int]] = {}  # every organisation naming it as its trust (``deciding_grants``)
    cluster_of: dict[int, str | None] = {}
    restricted: set[int] = set()
    for org_id, kind, trust_id, is_restricted, cluster in orgs:
        if trust_id is not None:
            children_of.setdefault(trust_id, []).append(org_id)
        if kind == OrgKind.TRUST:
            members_of.setdefault(org_id, [])
        elif trust_id is not None:
            members_of.setdefault(trust_id, []).append(org_id)
        cluster_of[org_id] = cluster
        if is_restricted:
            restricted.add(org_id)
    shared_of = {org_id: SharingLevel(level) for org_id, level in agreements}
    # The trust's own central team is the trust: nothing to agree with itself (D6 is about schools).
    shared_of.update({org_id: SharingLevel.GROUP_ACTIONS for org_id, kind, *_ in orgs if kind == OrgKind.CENTRAL})
    groups_of: dict[int, set[int]] = {}
    for grant_id, group_id in grant_groups:
        groups_of.setdefault(grant_id, set()).add(group_id)

    levels: dict[Module, dict[int, Level]] = {}
    free: dict[Module, set[int]] = {}  # organisations some unrestricted grant reaches
    limited: dict[Module, dict[int, set[int]]] = {}  # organisation -> groups of the restricted grants
    held: dict[Module, set[int]] = {}  # where a deciding grant is held (``deciding_grants``)
    central: dict[Module, set[int]] = {}  # the members a deciding trust or cluster grant reaches
    for grant_id, org_id, cluster, module, raw_level in grants:
        module = Module(module)
        granted = Level(raw_level)
        per_org = levels.setdefault(module, {})
        reached: list[int] = []
        if cluster is None:
            _raise(per_org, org_id, granted)
            reached.append(org_id)
        members = [m for m in members_of.get(org_id, []) if cluster is None or cluster_of.get(m) == cluster]
        if granted >= Level.DECIDE:
            if cluster is None:
                held.setdefault(module, set()).add(org_id)
            central.setdefault(module, set()).update(
                m for m in children_of.get(org_id, []) if cluster is None or cluster_of.get(m) == cluster
            )
        if members:
            # A trust has ~150 members and a user a dozen grants, so the cap is worked out once
            # per grant, not once per member.
            cap = _through_trust(module, granted)
            for member in members:
                level = cap(shared_of.get(member, SharingLevel.NONE), member in restricted)
                _raise(per_org, member, level)
                if level > Level.NONE:
                    reached.append(member)
        groups = groups_of.get(grant_id)
        if groups and module in STAFF_MODULES:
            for org in reached:
                limited.setdefault(module, {}).setdefault(org, set()).update(groups)
        else:
            free.setdefault(module, set()).update(reached)
    deciding = {
        module: (frozenset(held.get(module, ())), frozenset(central.get(module, ())))
        for module in held.keys() | central.keys()
    }
    return (
        {module: dict(per_org) for module, per_org in levels.items()},
        {module: {org: frozenset(groups) for org, groups in per_org.items()} for module, per_org in limited.items()},
        {module: frozenset(orgs_) for module, orgs_ in free.items()},
        deciding,
    )


def _job_limits(
    connection: Connection,
    limited: Mapping[Module, Mapping[int, frozenset[int]]],
    free: Mapping[Module, frozenset[int]],
) -> dict[Module, dict[int, frozenset[int]]]:
    """The jobs a group-restricted grant reaches, read now: memberships change often and are not kept."""
    wanted_groups = sorted({g for per_org in limited.values() for groups in per_org.values() for g in groups})
    members_by_group: dict[int, set[int]] = {}
    for group_id, job_id in connection.execute(
        select(GroupMembership.group_id, GroupMembership.job_id).where(GroupMembership.group_id.in_(wanted_groups))
    ):
        members_by_group.setdefault(group_id, set()).add(job_id)
    job_limits: dict[Module, dict[int, frozenset[int]]] = {}
    for limited_module, limited_orgs in limited.items():
        for org, group_ids in limited_orgs.items():
            if org in free.get(limited_module, frozenset()):
                continue  # an unrestricted grant reaches the whole organisation
            jobs: set[int] = set().union(*(members_by_group.get(g, set()) for g in group_ids))
            job_limits.setdefault(limited_module, {})[org] = frozenset(jobs)
    return job_limits


#: what each report permission lets a user do, to finish "You may not …" (A1)
REPORT_WHAT = {
    Module.REPORTS: "export or print: exports are a report permission",
    Module.AUDIT: "see the audit log: it is a report permission",
    Module.PERMISSIONS_REPORT: "see the permissions report: it is a report permission",
}


def require_report(scope: Scope, module: Module) -> None:
    """Refuse unless the user holds the report permission ``module`` (granted only by a primary user)."""
    if scope.best_level(module) < Level.VIEW:
        raise PermissionDenied(f"You may not {REPORT_WHAT[module]} that only a primary user can give you.")


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
    if module in UNSHARED_MODULES:
        return lambda _shared, _restricted: granted
    return lambda shared, _restricted: Level.NONE if shared < SharingLevel.INSTITUTION else granted


_SHARES = {
    SharingLevel.NONE: "no data",
    SharingLevel.INSTITUTION: "institution data only",
    SharingLevel.MIS: "MIS data but not group actions",
}


def central_action_refusals(
    session: Session,
    scope: Scope,
    module: Module,
    org_ids: Iterable[int],
    doing: str,
    *,
    needs: SharingLevel = SharingLevel.GROUP_ACTIONS,
) -> dict[int, str]:
    """For each organisation where the user may not ``doing`` (e.g. "authorise CPD"), the sentence why.

    The one answer to "may this change touch that school?" (A1, D6), so a new
    central action cannot forget the agreement.  A role held at the school
    itself is not limited by the agreement; a role held at the trust reaches a
    member school only if it shares group actions (D5, D6) — or, for bringing
    the school's own MIS records in (a staff import), ``needs=SharingLevel.MIS``;
    everything else (P3 restriction, the role's own level) is what ``scope`` says.
    """
    wanted = sorted(set(org_ids))
    if not wanted:
        return {}
    orgs = session.execute(
        select(
            Organisation.id,
            Organisation.name,
            DataSharingAgreement.level,
            Organisation.kind,
            Organisation.staff_visibility_restricted,
        )
        .outerjoin(DataSharingAgreement, DataSharingAgreement.organisation_id == Organisation.id)
        .where(Organisation.id.in_(wanted))
    ).all()
    held_at, central_at = deciding_in(session, scope, module)
    refusals: dict[int, str] = {}
    for org_id, name, shared, kind, hides_staff in orgs:
        shared = SharingLevel(shared if shared is not None else SharingLevel.NONE)
        if kind == OrgKind.CENTRAL:
            shared = SharingLevel.GROUP_ACTIONS  # the trust's own team, as in ``scope_for``
        central = org_id not in held_at and org_id in central_at
        if central and shared < needs:
            refusals[org_id] = (
                f"{name} shares {_SHARES[shared]} with the trust, so you may not {doing} there."
                if needs < SharingLevel.GROUP_ACTIONS
                else f"{name} shares {_SHARES[shared]} with the trust, so no central action touches it "
                f"and you may not {doing} there."
            )
        elif central and shared < SharingLevel.GROUP_ACTIONS:
            # shares enough for this action, less than the scope's own cap: the grant decides, P3 aside
            if hides_staff and module in STAFF_MODULES:
                refusals[org_id] = f"{name} hides its staff from the partnership, so you may not {doing} there."
        elif not scope.can_act(module, org_id, Level.DECIDE):
            refusals[org_id] = f"You may not {doing} at {name}."
    for org_id in set(wanted) - {row[0] for row in orgs}:
        refusals[org_id] = f"You may not {doing} there: that organisation no longer exists."
    return refusals


def deciding_in(session: Session, scope: Scope, module: Module) -> tuple[frozenset[int], frozenset[int]]:
    """``deciding_grants`` as worked out with the scope (no further query), or read now for a scope
    built by hand."""
    if scope.deciding is not None:
        return scope.deciding.get(module, (frozenset(), frozenset()))
    held, central = deciding_grants(session, scope.user_id, module)
    return frozenset(held), frozenset(central)


def deciding_grants(session: Session, user_id: int, module: Module) -> tuple[set[int], set[int]]:
    """Where the user decides in ``module``: the organisations a grant is held at itself, and the
    members a trust or cluster grant reaches centrally (before any agreement caps it)."""
    held: set[int] = set()
    central: set[int] = set()
    grants = session.execute(
        select(UserGrant.organisation_id, UserGrant.cluster).where(
            UserGrant.user_id == user_id, UserGrant.module == module, UserGrant.level >= int(Level.DECIDE)
        )
    ).all()
    for org_id, cluster in grants:
        if cluster is None:
            held.add(org_id)
        members = select(Organisation.id).where(Organisation.trust_id == org_id)
        if cluster is not None:
            members = members.where(Organisation.cluster == cluster)
        central.update(session.scalars(members))
    return held, central


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
