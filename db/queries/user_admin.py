"""Users, their grants and the permissions report, for the people who administer them (A1).

Anyone holding *Users & roles* at some organisation sees the users whose grants
are held there (a trust-wide administrator sees everyone); the permissions
report (who holds what, where, granted by whom and when) is a report
permission of its own (``Module.PERMISSIONS_REPORT``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from db.engine import Database
from db.errors import NotFound, ValidationError
from db.labels import LEVEL_LABELS, MODULE_LABELS, cluster_words
from db.models import (
    REPORT_MODULES,
    AppUser,
    Group,
    GroupCategory,
    Job,
    Level,
    Module,
    Organisation,
    OrgKind,
    Person,
    Role,
    UserGrant,
    UserGrantGroup,
)
from db.scope import STAFF_MODULES, Scope, require_report, scope_for


@dataclass(frozen=True, slots=True)
class AdminUserRow:
    """A user as the Users & roles panel lists them."""

    id: int
    username: str
    display_name: str
    email: str | None
    job_id: int | None
    job: str  # "Head teacher at Oakfield Primary", or "" for a user who stands alone
    active: bool
    is_primary: bool
    has_password: bool
    db_login: str | None
    grants: int
    titles: str  # "CPD lead; Reports"
    version: int


@dataclass(frozen=True, slots=True)
class GrantRow:
    """One grant, in words and with what a change needs (ids, version)."""

    id: int
    user_id: int
    user: str
    username: str
    module: Module
    module_label: str
    level: Level
    level_label: str
    organisation_id: int
    cluster: str | None
    where: str  # "the whole trust", "the North cluster", "Oakfield Primary"
    groups: str  # "Early career teachers; KS2" or ""
    title: str
    granted_by: str
    granted_at: datetime
    is_report: bool
    user_active: bool
    version: int


@dataclass(frozen=True, slots=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True, slots=True)
class GrantChoices:
    """What the grant dialog offers this administrator."""

    modules: tuple[Module, ...]  # grantable by this user, report permissions only for a primary user
    staff_modules: frozenset[Module]  # the ones that can be restricted to groups
    organisations: tuple[Choice, ...]  # the trust first, then its members, where they administer users
    clusters: tuple[str, ...]
    groups: tuple[Choice, ...]
    roles: tuple[Choice, ...]  # standard role templates
    is_primary: bool


def _administered(scope: Scope) -> frozenset[int]:
    return scope.orgs(Module.USERS, Level.DECIDE) | scope.orgs(Module.USERS, Level.VIEW)


def _trust_id(session: Session) -> int | None:
    return session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))


def list_admin_users(
    db: Database, user_id: int, *, include_inactive: bool = True, search: str = ""
) -> list[AdminUserRow]:
    """The users this administrator may see: all for a trust-wide one, else those held at their schools.

    ``search`` narrows them by name, username or e-mail (as the panel's search box is typed in).
    """
    from db.queries.text_search import any_contains

    with db.read() as session:
        scope = scope_for(session, user_id)
        orgs = _administered(scope)
        if not orgs:
            return []
        trust = _trust_id(session)
        held: dict[int, set[int]] = defaultdict(set)
        titles: dict[int, set[str]] = defaultdict(set)
        for uid, org, title in session.execute(select(UserGrant.user_id, UserGrant.organisation_id, UserGrant.title)):
            held[uid].add(org)
            if title:
                titles[uid].add(title)
        counts = {uid: 0 for uid in held}
        for (uid,) in session.execute(select(UserGrant.user_id)):
            counts[uid] += 1
        query = (
            select(AppUser, Job.organisation_id, Job.role, Organisation.name)
            .outerjoin(Job, Job.id == AppUser.job_id)
            .outerjoin(Organisation, Organisation.id == Job.organisation_id)
            .order_by(AppUser.display_name, AppUser.username)
        )
        if not include_inactive:
            query = query.where(AppUser.active.is_(True))
        if search.strip():
            query = query.where(any_contains(search, AppUser.display_name, AppUser.username, AppUser.email))
        rows = []
        for user, job_org, role, org_name in session.execute(query):
            where: set[int | None] = set(held.get(user.id, ())) or {job_org if job_org is not None else trust}
            if trust not in orgs and not where <= orgs:
                continue
            rows.append(
                AdminUserRow(
                    id=user.id,
                    username=user.username,
                    display_name=user.display_name,
                    email=user.email,
                    job_id=user.job_id,
                    job=f"{role} at {org_name}" if role else "",
                    active=user.active,
                    is_primary=user.is_primary,
                    has_password=user.password_hash is not None,
                    db_login=user.db_login,
                    grants=counts.get(user.id, 0),
                    titles="; ".join(sorted(titles.get(user.id, ()))),
                    version=user.version,
                )
            )
        return rows


_granter = aliased(AppUser)


def _grant_rows(session: Session, *conditions: object) -> list[GrantRow]:
    trust = session.get(Organisation, _trust_id(session) or 0)
    groups: dict[int, list[str]] = defaultdict(list)
    for grant_id, name in session.execute(
        select(UserGrantGroup.grant_id, Group.name)
        .join(Group, Group.id == UserGrantGroup.group_id)
        .order_by(Group.name)
    ):
        groups[grant_id].append(name)
    query = (
        select(UserGrant, AppUser.display_name, AppUser.username, AppUser.active, Organisation, _granter.display_name)
        .join(AppUser, AppUser.id == UserGrant.user_id)
        .join(Organisation, Organisation.id == UserGrant.organisation_id)
        .outerjoin(_granter, _granter.id == UserGrant.granted_by_user_id)
        .where(*conditions)  # type: ignore[arg-type]  # callers pass SQL conditions
        .order_by(AppUser.display_name, UserGrant.title, UserGrant.module)
    )
    rows = []
    for grant, name, username, active, org, granter in session.execute(query):
        module, level = Module(grant.module), Level(grant.level)
        if grant.cluster:
            where = cluster_words(grant.cluster)
        elif trust is not None and org.id == trust.id:
            where = "the whole trust"
        else:
            where = org.name
        rows.append(
            GrantRow(
                id=grant.id,
                user_id=grant.user_id,
                user=name,
                username=username,
                module=module,
                module_label=MODULE_LABELS[module],
                level=level,
                level_label=LEVEL_LABELS[level],
                organisation_id=org.id,
                cluster=grant.cluster,
                where=where,
                groups="; ".join(groups.get(grant.id, [])),
                title=grant.title,
                granted_by=granter or "TrustDesk (set up or migrated)",
                granted_at=grant.granted_at,
                is_report=module in REPORT_MODULES,
                user_active=active,
                version=grant.version,
            )
        )
    return rows


def grants_of_user(db: Database, user_id: int, target_id: int) -> list[GrantRow]:
    """The grants of one user, for an administrator who may see that user."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        if not _administered(scope) and user_id != target_id:
            return []
        return _grant_rows(session, UserGrant.user_id == target_id)


@dataclass(frozen=True, slots=True)
class ReportFilter:
    """Which grants the permissions report lists: one user's, one module's, or report permissions only."""

    user_id: int | None = None
    module: Module | None = None
    reports_only: bool = False


def permissions_report(db: Database, user_id: int, report_filter: ReportFilter | None = None) -> list[GrantRow]:
    """Every grant of every user: who holds what, where, granted by whom and when.

    A report permission of its own (A1): BlueSky's "Admin and Report Permissions" and
    "CPD Team Access" reports in one list (filter by report permissions or by module).
    """
    wanted = report_filter or ReportFilter()
    conditions = []
    if wanted.user_id is not None:
        conditions.append(UserGrant.user_id == wanted.user_id)
    if wanted.module is not None:
        conditions.append(UserGrant.module == wanted.module)
    if wanted.reports_only:
        conditions.append(UserGrant.module.in_(sorted(REPORT_MODULES)))
    with db.read() as session:
        require_report(scope_for(session, user_id), Module.PERMISSIONS_REPORT)
        return _grant_rows(session, *conditions)


def holds_report(db: Database, user_id: int, module: Module) -> bool:
    """Whether the user holds the report permission ``module`` (the window enables its menu item by it)."""
    with db.read() as session:
        return scope_for(session, user_id).best_level(module) >= Level.VIEW


def grant_choices(db: Database, user_id: int) -> GrantChoices:
    with db.read() as session:
        scope = scope_for(session, user_id)
        deciding = scope.orgs(Module.USERS, Level.DECIDE)
        trust = _trust_id(session)
        organisations = [
            Choice(org_id, "The whole trust" if kind == OrgKind.TRUST else name)
            for org_id, name, kind in session.execute(
                select(Organisation.id, Organisation.name, Organisation.kind)
                .where(Organisation.id.in_(sorted(deciding)))
                .order_by(Organisation.kind != OrgKind.TRUST, Organisation.name)
            )
        ]
        clusters: tuple[str, ...] = ()
        if trust in deciding:
            clusters = tuple(
                session.scalars(
                    select(Organisation.cluster)
                    .where(Organisation.cluster.is_not(None), Organisation.trust_id == trust)
                    .distinct()
                    .order_by(Organisation.cluster)
                )
            )
        groups = tuple(
            Choice(gid, f"{category} › {name}")
            for gid, category, name in session.execute(
                select(Group.id, GroupCategory.name, Group.name)
                .join(GroupCategory, GroupCategory.id == Group.category_id)
                .order_by(GroupCategory.name, Group.name)
            )
        )
        roles = tuple(Choice(*row) for row in session.execute(select(Role.id, Role.name).order_by(Role.name)))
        modules = tuple(
            module
            for module in MODULE_LABELS
            if (scope.is_primary or module not in REPORT_MODULES) and (scope.is_primary or scope.best_level(module))
        )
        return GrantChoices(
            modules=modules if deciding else (),
            staff_modules=STAFF_MODULES,
            organisations=tuple(organisations),
            clusters=clusters,
            groups=groups,
            roles=roles,
            is_primary=scope.is_primary,
        )


def find_jobs(db: Database, user_id: int, text: str, limit: int = 50) -> list[Choice]:
    """Jobs an administrator may link a user to, by name, e-mail or role ("head" finds head teachers)."""
    from db.queries.text_search import any_contains

    with db.read() as session:
        scope = scope_for(session, user_id)
        orgs = sorted(scope.orgs(Module.USERS, Level.DECIDE))
        query = (
            select(Job.id, Person.first_name, Person.last_name, Job.role, Organisation.name)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .where(Job.organisation_id.in_(orgs), Job.active.is_(True))
            .order_by(Person.last_name, Person.first_name, Job.id)
            .limit(limit)
        )
        if text.strip():
            full_name = Person.first_name + " " + Person.last_name
            query = query.where(any_contains(text, full_name, Person.email, Job.email, Job.role, Organisation.name))
        return [
            Choice(job_id, f"{first} {last} — {role}, {org}")
            for job_id, first, last, role, org in session.execute(query)
        ]


# -- names typed on the command line -----------------------------------------------------------


def user_named(db: Database, username: str) -> int:
    with db.read() as session:
        found = session.scalar(select(AppUser.id).where(AppUser.username == username.strip().lower()))
    if found is None:
        raise NotFound(f"There is no user called “{username}” in {db.display}.")
    return found


def organisation_named(db: Database, text: str) -> int:
    """An organisation by its exact name (any case) or URN; refused when that is not exactly one."""
    with db.read() as session:
        found = session.scalars(
            select(Organisation.id).where(
                or_(func.lower(Organisation.name) == text.strip().casefold(), Organisation.urn == text.strip())
            )
        ).all()
    if len(found) != 1:
        raise ValidationError(f"“{text}” names {'no' if not found else 'more than one'} organisation; give its URN.")
    return found[0]


def role_named(db: Database, name: str) -> int:
    with db.read() as session:
        found = session.scalar(select(Role.id).where(func.lower(Role.name) == name.strip().casefold()))
        names = ", ".join(session.scalars(select(Role.name).order_by(Role.name)))
    if found is None:
        raise ValidationError(f"There is no role called “{name}”; choose one of: {names}.")
    return found


def groups_named(db: Database, names: list[str]) -> list[int]:
    ids = []
    with db.read() as session:
        for name in names:
            found = session.scalars(select(Group.id).where(func.lower(Group.name) == name.casefold())).all()
            if len(found) != 1:
                raise ValidationError(f"“{name}” names {'no' if not found else 'more than one'} group.")
            ids.append(found[0])
    return ids
