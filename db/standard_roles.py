"""The standard roles every trust database starts with (A1), and a new empty trust.

A role is a named set of per-module permission levels: a template.  Granting it
to a user fills in one ``UserGrant`` per module (``grants_of_role``), which the
granter may then adjust; ``db.scope`` works out where each grant reaches.
The roles below are the ones a trust's central team is set up with, so that a
new database is usable without first designing a permission scheme.  Trusts
may edit them afterwards; ``ensure_standard_roles`` therefore only adds what is
missing and never overwrites a level someone changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.models import (
    REPORT_MODULES,
    Level,
    Module,
    Organisation,
    OrgKind,
    OrgStatus,
    Role,
    RolePermission,
    UserGrant,
    utcnow,
)

PRIMARY_USER = "Partnership primary user"
CPD_LEAD = "CPD lead"
CPD_TEAM_MEMBER = "CPD team member"
SCHOOL_CPD_COORDINATOR = "School CPD coordinator"
FINANCE_OFFICER = "Finance officer"
DATA_SHARING_ADMINISTRATOR = "Data sharing administrator"
HEAD_TEACHER = "Head teacher"


@dataclass(frozen=True)
class StandardRole:
    """A role as shipped: its name, what it is for, and its level in each module.

    Modules that are not listed get no permission (``Level.NONE``).
    """

    name: str
    description: str
    permissions: tuple[tuple[Module, Level], ...]

    def level(self, module: Module) -> Level:
        return dict(self.permissions).get(module, Level.NONE)


def _levels(level: Level, *modules: Module) -> tuple[tuple[Module, Level], ...]:
    return tuple((module, level) for module in modules)


STANDARD_ROLES: tuple[StandardRole, ...] = (
    StandardRole(
        PRIMARY_USER,
        "Runs the partnership: decides in every module and alone grants report permissions.",
        _levels(Level.DECIDE, *Module),
    ),
    StandardRole(
        CPD_LEAD,
        "Leads professional development across the trust: authorises CPD, runs flood fills, keeps budgets.",
        _levels(
            Level.DECIDE,
            Module.PARTNERSHIP_CPD,
            Module.FLOOD_FILL,
            Module.GROUPS,
            Module.BUDGETS,
            Module.STAFF,
            Module.TRAINING,
        )
        + _levels(Level.VIEW, Module.ORGANISATIONS, Module.DASHBOARD, Module.CALENDAR),
    ),
    StandardRole(
        CPD_TEAM_MEMBER,
        "Reviews CPD requests and comments on them; the decision stays with a CPD lead.",
        _levels(Level.COMMENT, Module.PARTNERSHIP_CPD)
        + _levels(
            Level.VIEW,
            Module.DASHBOARD,
            Module.ORGANISATIONS,
            Module.STAFF,
            Module.GROUPS,
            Module.TRAINING,
            Module.CALENDAR,
        ),
    ),
    StandardRole(
        SCHOOL_CPD_COORDINATOR,
        "Authorises CPD for one school; assign it at that school, not at the trust.",
        _levels(Level.DECIDE, Module.PARTNERSHIP_CPD, Module.TRAINING)
        + _levels(Level.VIEW, Module.STAFF, Module.GROUPS, Module.DASHBOARD, Module.ORGANISATIONS, Module.CALENDAR),
    ),
    StandardRole(
        FINANCE_OFFICER,
        "Sets and monitors CPD budgets; sees the activities that spend them.",
        _levels(Level.DECIDE, Module.BUDGETS)
        + _levels(
            Level.VIEW, Module.DASHBOARD, Module.ORGANISATIONS, Module.PARTNERSHIP_CPD, Module.TRAINING, Module.CALENDAR
        ),
    ),
    StandardRole(
        DATA_SHARING_ADMINISTRATOR,
        "Administers institution details: sends and reminds data sharing requests (D5).",
        _levels(Level.DECIDE, Module.DATA_SHARING) + _levels(Level.VIEW, Module.ORGANISATIONS, Module.DASHBOARD),
    ),
    StandardRole(
        HEAD_TEACHER,
        "Approves or declines the trust's data sharing requests for one school (D3); grant it at that school.",
        _levels(Level.DECIDE, Module.DATA_SHARING) + _levels(Level.VIEW, Module.ORGANISATIONS),
    ),
)


def ensure_standard_roles(session: Session) -> dict[str, int]:
    """Create whichever standard roles or module permissions are missing.

    Safe to call on every start-up or import: existing roles keep the levels a
    trust may have edited; only absent rows are added.  Returns role name -> id
    for the standard roles.
    """
    existing: dict[str, int] = {name: role_id for name, role_id in session.execute(select(Role.name, Role.id))}
    ids: dict[str, int] = {}
    for standard in STANDARD_ROLES:
        role_id = existing.get(standard.name)
        if role_id is None:
            role = Role(name=standard.name, description=standard.description)
            session.add(role)
            session.flush()
            role_id = role.id
        ids[standard.name] = role_id
        granted = set(session.scalars(select(RolePermission.module).where(RolePermission.role_id == role_id)))
        for module, level in standard.permissions:
            if module not in granted:
                session.add(RolePermission(role_id=role_id, module=module, level=level))
    session.flush()
    return ids


def grants_of_role(
    session: Session,
    role_id: int,
    user_id: int,
    organisation_id: int,
    *,
    cluster: str | None = None,
    granted_by: int | None = None,
    with_reports: bool = True,
) -> list[UserGrant]:
    """The grants a role template fills in: one per module it gives any level, titled with its name.

    Report permissions in the template are left out unless ``with_reports`` (only a primary
    user may give them, A1).
    """
    role = session.get(Role, role_id)
    if role is None:
        raise ValidationError("That role no longer exists.")
    now = utcnow()
    return [
        UserGrant(
            user_id=user_id,
            module=Module(module),
            level=Level(level),
            organisation_id=organisation_id,
            cluster=cluster,
            title=role.name,
            role_id=role.id,
            granted_by_user_id=granted_by,
            granted_at=now,
        )
        for module, level in session.execute(
            select(RolePermission.module, RolePermission.level)
            .where(RolePermission.role_id == role_id, RolePermission.level > int(Level.NONE))
            .order_by(RolePermission.module)
        )
        if with_reports or Module(module) not in REPORT_MODULES
    ]


def create_trust(session: Session, name: str, trust_uid: str) -> int:
    """Start a new, empty trust database: the trust organisation and the standard roles.

    The trust is itself an organisation (O1); member schools are added later by
    hand or from a GIAS extract and point at it.  Refused when the database
    already has a trust, because TrustDesk serves one trust per database.
    """
    name = name.strip()
    trust_uid = trust_uid.strip()
    if not name:
        raise ValidationError("Enter the trust's name.")
    if not trust_uid or len(trust_uid) > 12:
        raise ValidationError("Enter the trust's reference (its GIAS trust UID), at most 12 characters.")
    trusts = session.scalar(select(func.count()).select_from(Organisation).where(Organisation.kind == OrgKind.TRUST))
    if trusts:
        raise ValidationError("This database already has a trust; TrustDesk keeps one trust per database.")
    trust = Organisation(kind=OrgKind.TRUST, name=name, trust_uid=trust_uid, status=OrgStatus.OPEN)
    session.add(trust)
    session.flush()
    ensure_standard_roles(session)
    return trust.id
