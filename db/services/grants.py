"""Giving and taking grants: a module at a level, over the trust, an organisation or a cluster (A1).

The rules a grant must pass, all inside the one transaction:

* the granter administers users (*Users & roles* at decide level) where the
  grant is held: the trust for a trust or cluster grant, else the school;
* nobody grants more than they hold: the granter's own level in the module
  where the grant reaches is at least the level given;
* report permissions (exports, the audit log, the permissions report) are
  given and taken only by a primary user;
* never to a deactivated user; a restriction to groups only on modules that
  list staff one by one;
* nobody takes away their own last grant to administer users.

A standard role is a template: ``grant_role`` fills in one grant per module of
the role in one transaction, refusing the whole role if any part is beyond the
granter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from db.actions import Action, begin
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.labels import LEVEL_LABELS, MODULE_LABELS, cluster_words
from db.models import (
    REPORT_MODULES,
    AppUser,
    Group,
    Level,
    Module,
    Organisation,
    OrgKind,
    Role,
    RolePermission,
    UserGrant,
    UserGrantGroup,
    utcnow,
)
from db.queries.users import USERS
from db.scope import STAFF_MODULES
from db.services.users import require_administrator, trust_id


@dataclass(frozen=True, slots=True)
class GrantSpec:
    """One grant as the administrator chose it. ``organisation_id`` None means the whole trust."""

    module: Module
    level: Level
    organisation_id: int | None = None
    cluster: str | None = None
    title: str = ""
    group_ids: tuple[int, ...] = field(default_factory=tuple)


def permission_words(module: Module, level: Level) -> str:
    """“CPD (view, comment and decide)”: a grant as the audit log and the report say it."""
    return f"{MODULE_LABELS[module]} ({LEVEL_LABELS[level].lower()})"


def _where(act: Action, spec: GrantSpec) -> tuple[int, str | None, str, set[int]]:
    """Where the grant is held, its cluster, words for it, and the organisations it reaches."""
    trust = trust_id(act)
    cluster = (spec.cluster or "").strip() or None
    if cluster is not None:
        if spec.organisation_id not in (None, trust):
            raise ValidationError("A cluster grant is held at the trust: choose the cluster or a school, not both.")
        members = set(
            act.session.scalars(
                select(Organisation.id).where(Organisation.trust_id == trust, Organisation.cluster == cluster)
            )
        )
        if not members:
            raise ValidationError(f"No school is in a cluster called “{cluster}”.")
        return trust, cluster, cluster_words(cluster), members
    org_id = spec.organisation_id or trust
    org = act.fetch(Organisation, org_id, missing="That organisation no longer exists.")
    if org.kind == OrgKind.TRUST:
        members = set(act.session.scalars(select(Organisation.id).where(Organisation.trust_id == trust)))
        return trust, None, f"the whole trust ({org.name})", {trust, *members}
    return org.id, None, org.name, {org.id}


def _check_grantable(act: Action, target: AppUser, spec: GrantSpec, held_at: int, reaches: set[int]) -> None:
    label = MODULE_LABELS[spec.module]
    if not target.active:
        raise ValidationError(f"“{target.username}” is deactivated: reactivate them before giving them grants.")
    if spec.level not in (Level.VIEW, Level.COMMENT, Level.DECIDE):
        raise ValidationError("Choose a level: view; view and comment; or view, comment and decide.")
    if spec.module in REPORT_MODULES:
        if not act.scope.is_primary:
            raise PermissionDenied(f"Only a primary user gives report permissions such as “{label}”.")
        if held_at != trust_id(act):
            raise ValidationError(f"“{label}” is a report permission and is given over the whole trust.")
    require_administrator(act, {held_at}, "give grants there")
    # Held where the grant is held (the trust covers its clusters), or in every school a cluster grant reaches.
    holds = act.scope.level(spec.module, held_at) >= spec.level or (
        held_at not in reaches and all(act.scope.level(spec.module, org) >= spec.level for org in reaches)
    )
    if not holds and not act.scope.is_primary:
        raise PermissionDenied(
            f"You may not give “{label}” at “{LEVEL_LABELS[spec.level]}” there: nobody grants more than they hold."
        )
    if spec.group_ids and spec.module not in STAFF_MODULES:
        raise ValidationError(f"“{label}” does not list staff, so it cannot be restricted to groups.")
    if spec.group_ids:
        found = act.session.scalar(
            select(func.count()).select_from(Group).where(Group.id.in_(sorted(set(spec.group_ids))))
        )
        if found != len(set(spec.group_ids)):
            raise ValidationError("One of the chosen groups no longer exists; choose the groups again.")


def _give(act: Action, target: AppUser, spec: GrantSpec, role_id: int | None = None) -> int:
    held_at, cluster, where, reaches = _where(act, spec)
    _check_grantable(act, target, spec, held_at, reaches)
    title = " ".join(spec.title.split())[:80]
    groups = tuple(sorted(set(spec.group_ids)))
    same = act.session.scalars(
        select(UserGrant).where(
            UserGrant.user_id == target.id,
            UserGrant.module == spec.module,
            UserGrant.organisation_id == held_at,
            UserGrant.cluster.is_(None) if cluster is None else UserGrant.cluster == cluster,
        )
    ).all()
    for existing in same:
        existing_groups = tuple(
            sorted(act.session.scalars(select(UserGrantGroup.group_id).where(UserGrantGroup.grant_id == existing.id)))
        )
        if existing_groups == groups:
            # The same module over the same reach: the new level and title replace the old ones.
            old_level = Level(existing.level)
            before = {"level": int(old_level), "title": existing.title}
            existing.level, existing.title = spec.level, title or existing.title
            existing.granted_by_user_id, existing.granted_at = act.user_id, utcnow()
            act.audit(
                "grant_changed",
                "app_user",
                target.id,
                before={**before, "permission": permission_words(spec.module, old_level)},
                after={
                    "user": target.display_name,
                    "module": spec.module.value,
                    "level": int(spec.level),
                    "permission": permission_words(spec.module, spec.level),
                    "title": existing.title,
                    "where": where,
                },
            )
            return existing.id
    grant = UserGrant(
        user_id=target.id,
        module=spec.module,
        level=spec.level,
        organisation_id=held_at,
        cluster=cluster,
        title=title,
        role_id=role_id,
        granted_by_user_id=act.user_id,
        granted_at=utcnow(),
    )
    act.session.add(grant)
    act.session.flush()
    act.session.add_all(UserGrantGroup(grant_id=grant.id, group_id=g) for g in groups)
    act.audit(
        "grant_given",
        "app_user",
        target.id,
        after={
            "user": target.display_name,
            "module": spec.module.value,
            "level": int(spec.level),
            "permission": permission_words(spec.module, spec.level),
            "where": where,
            "title": title,
            "groups": list(groups),
        },
    )
    return grant.id


def give_grant(db: Database, user_id: int, target_id: int, spec: GrantSpec) -> int:
    """Give ``target_id`` one grant (or change the level and title of the same grant)."""
    with begin(db, user_id) as act:
        target = act.fetch(AppUser, target_id, missing="That user no longer exists.")
        grant_id = _give(act, target, spec)
        act.changed(USERS, target.id)
        return grant_id


def grant_role(
    db: Database,
    user_id: int,
    target_id: int,
    role_id: int,
    *,
    organisation_id: int | None = None,
    cluster: str | None = None,
    title: str | None = None,
    group_ids: Sequence[int] = (),
) -> list[int]:
    """Fill in a standard role's grants for ``target_id``, all or nothing.

    Report permissions in the template are given only when the granter is a primary user; a
    restriction to groups applies to the modules that list staff and not to the others.
    """
    with begin(db, user_id) as act:
        target = act.fetch(AppUser, target_id, missing="That user no longer exists.")
        role = act.fetch(Role, role_id, missing="That role no longer exists.")
        levels = act.session.execute(
            select(RolePermission.module, RolePermission.level)
            .where(RolePermission.role_id == role.id, RolePermission.level > int(Level.NONE))
            .order_by(RolePermission.module)
        ).all()
        ids: list[int] = []
        for module, level in levels:
            module = Module(module)
            if module in REPORT_MODULES and not act.scope.is_primary:
                continue
            spec = GrantSpec(
                module,
                Level(level),
                organisation_id,
                cluster,
                title if title is not None else role.name,
                tuple(group_ids) if module in STAFF_MODULES else (),
            )
            ids.append(_give(act, target, spec, role.id))
        if not ids:
            raise ValidationError(f"The role “{role.name}” gives nothing you may grant.")
        act.changed(USERS, target.id)
        return ids


def revoke_grant(db: Database, user_id: int, grant_id: int, version: int) -> None:
    """Take one grant away."""
    with begin(db, user_id) as act:
        grant = act.fetch(UserGrant, grant_id, missing="That grant was already taken away.")
        act.check_version(grant, version, "That grant")
        target = act.fetch(AppUser, grant.user_id, missing="That user no longer exists.")
        label = MODULE_LABELS[Module(grant.module)]
        if Module(grant.module) in REPORT_MODULES and not act.scope.is_primary:
            raise PermissionDenied(f"Only a primary user takes away report permissions such as “{label}”.")
        if target.is_primary and not act.scope.is_primary and target.id != act.user_id:
            raise PermissionDenied("Only a primary user changes another primary user's grants.")
        require_administrator(act, {grant.organisation_id}, "take grants away there")
        if target.id == act.user_id and Module(grant.module) == Module.USERS and grant.level >= Level.DECIDE:
            others = act.session.scalar(
                select(func.count())
                .select_from(UserGrant)
                .where(
                    UserGrant.user_id == target.id,
                    UserGrant.module == Module.USERS,
                    UserGrant.level >= int(Level.DECIDE),
                    UserGrant.id != grant.id,
                )
            )
            if not others:
                raise ValidationError(
                    "This is your last grant to administer users; taking it away would lock you out. "
                    "Ask another administrator to do it."
                )
        held_at = act.session.get(Organisation, grant.organisation_id)
        where = cluster_words(grant.cluster) if grant.cluster else held_at.name if held_at else ""
        act.audit(
            "grant_revoked",
            "app_user",
            target.id,
            before={
                "user": target.display_name,
                "module": Module(grant.module).value,
                "level": int(grant.level),
                "permission": permission_words(Module(grant.module), Level(grant.level)),
                "where": where,
                "title": grant.title,
            },
        )
        act.session.delete(grant)
        act.changed(USERS, target.id)
