"""Administering a trust's users: add, edit, deactivate and reactivate, primary users (A1, A3).

Who may: a user holding *Users & roles* at decide level — over the trust for a
user whose grants reach the trust, or at the school itself for a school's own
users.  Primary users alone change another primary user, and the last active
primary user can neither be deactivated nor lose that status, so a trust is
never left without someone able to run it.  Grants are in ``db.services.grants``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from db.actions import Action, begin
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import AppUser, Job, Level, Module, Organisation, OrgKind, Person, UserGrant
from db.queries.users import USERS

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class UserDetails:
    """What the administrator types about a user; ``job_id`` links them to their own job (C3)."""

    username: str
    display_name: str
    email: str | None = None
    job_id: int | None = None


def check_username(username: str) -> str:
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise ValidationError(
            "Enter a username of 2 to 80 characters: lower-case letters, digits, dots, dashes or underscores "
            "(for example jane.smith)."
        )
    return username


def _clean(details: UserDetails) -> UserDetails:
    name = " ".join(details.display_name.split())
    if not name:
        raise ValidationError("Enter the user's full name.")
    if len(name) > 200:
        raise ValidationError("The name is too long: at most 200 characters.")
    email = (details.email or "").strip() or None
    if email is not None and (len(email) > 200 or not EMAIL_PATTERN.match(email)):
        raise ValidationError(f"“{email}” is not an e-mail address.")
    return UserDetails(check_username(details.username), name, email, details.job_id)


def trust_id(act: Action) -> int:
    found = act.session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
    if found is None:
        raise ValidationError("This database has no trust yet.")
    return found


def administered_at(act: Action, user_id: int) -> set[int]:
    """The organisations where ``user_id``'s grants are held (the trust for trust and cluster grants)."""
    return set(act.session.scalars(select(UserGrant.organisation_id).where(UserGrant.user_id == user_id)))


def require_administrator(act: Action, org_ids: set[int], what: str) -> None:
    """Refuse unless the acting user administers users at every one of ``org_ids``."""
    for org_id in org_ids:
        if not act.scope.can_act(Module.USERS, org_id, Level.DECIDE):
            raise PermissionDenied(f"You may not {what}: that needs Users & roles at decide level there.")


def _require_may_change(act: Action, user: AppUser, what: str) -> None:
    if user.is_primary and not act.scope.is_primary:
        raise PermissionDenied(f"You may not {what}: only a primary user changes another primary user.")
    orgs = administered_at(act, user.id) or {_home_org(act, user)}
    require_administrator(act, orgs, what)


def _home_org(act: Action, user: AppUser) -> int:
    """Where a user without grants belongs: their job's organisation, else the trust."""
    if user.job_id is not None:
        org = act.session.scalar(select(Job.organisation_id).where(Job.id == user.job_id))
        if org is not None:
            return org
    return trust_id(act)


def _check_job(act: Action, job_id: int | None, user_id: int | None) -> str | None:
    """The job's label for the audit, after checking it exists, is visible and is nobody else's user."""
    if job_id is None:
        return None
    row = act.session.execute(
        select(Job.organisation_id, Job.role, Person.first_name, Person.last_name, Organisation.name)
        .join(Person, Person.id == Job.person_id)
        .join(Organisation, Organisation.id == Job.organisation_id)
        .where(Job.id == job_id)
    ).first()
    if row is None:
        raise ValidationError("That job no longer exists; choose the person's job again.")
    require_administrator(act, {row.organisation_id}, "link a user to a job at that organisation")
    taken = act.session.scalar(select(AppUser.username).where(AppUser.job_id == job_id, AppUser.id != (user_id or 0)))
    if taken is not None:
        raise ValidationError(f"That job already belongs to the user “{taken}”; a job has one TrustDesk user.")
    return f"{row.first_name} {row.last_name}, {row.role} at {row.name}"


def add_user(db: Database, user_id: int, details: UserDetails) -> int:
    """A new, active user without grants (give them grants next) and without a password yet."""
    details = _clean(details)
    with begin(db, user_id) as act:
        if act.scope.best_level(Module.USERS) < Level.DECIDE:
            raise PermissionDenied("You may not add users: that needs Users & roles at decide level.")
        taken = act.session.scalar(select(AppUser.id).where(func.lower(AppUser.username) == details.username))
        if taken is not None:
            raise ValidationError(f"There is already a user called “{details.username}”; choose another username.")
        job = _check_job(act, details.job_id, None)
        if details.job_id is None:
            require_administrator(act, {trust_id(act)}, "add a user who stands alone (without a job)")
        user = AppUser(
            username=details.username,
            display_name=details.display_name,
            email=details.email,
            job_id=details.job_id,
            is_primary=False,
            active=True,
        )
        act.session.add(user)
        act.session.flush()
        act.audit(
            "user_created",
            "app_user",
            user.id,
            after={
                "user": user.display_name,
                "username": user.username,
                "display_name": user.display_name,
                "email": user.email,
                "job": job,
            },
        )
        act.changed(USERS, user.id)
        return user.id


def edit_user(db: Database, user_id: int, target_id: int, version: int, details: UserDetails) -> None:
    """Change a user's name, e-mail or job; the username stays (it is how the audit names them)."""
    with begin(db, user_id) as act:
        user = act.fetch(AppUser, target_id, missing="That user no longer exists.")
        act.check_version(user, version, f"The user “{user.username}”")
        cleaned = _clean(UserDetails(user.username, details.display_name, details.email, details.job_id))
        _require_may_change(act, user, f"change the user “{user.username}”")
        before = {"display_name": user.display_name, "email": user.email, "job_id": user.job_id}
        job = _check_job(act, cleaned.job_id, user.id) if cleaned.job_id != user.job_id else None
        user.display_name, user.email, user.job_id = cleaned.display_name, cleaned.email, cleaned.job_id
        after = {"display_name": user.display_name, "email": user.email, "job_id": user.job_id}
        if before == after:
            raise ValidationError("Nothing was changed: the details are the same as before.")
        after = {"user": user.display_name, **after, **({"job": job} if job else {})}
        act.audit("user_changed", "app_user", user.id, before=before, after=after)
        act.changed(USERS, user.id)


def set_active(db: Database, user_id: int, target_id: int, version: int, active: bool) -> None:
    """Deactivate (the user can do nothing, and stays in the audit) or reactivate a user."""
    with begin(db, user_id) as act:
        user = act.fetch(AppUser, target_id, missing="That user no longer exists.")
        act.check_version(user, version, f"The user “{user.username}”")
        what = "reactivate" if active else "deactivate"
        if user.active == active:
            raise ValidationError(f"“{user.username}” is already {'active' if active else 'deactivated'}.")
        _require_may_change(act, user, f"{what} the user “{user.username}”")
        if not active and user.is_primary:
            _keep_a_primary(act, user, "deactivated")
        user.active = active
        act.audit(
            "user_reactivated" if active else "user_deactivated",
            "app_user",
            user.id,
            before={"active": not active},
            after={"user": user.display_name, "active": active},
        )
        act.changed(USERS, user.id)


def set_primary(db: Database, user_id: int, target_id: int, version: int, primary: bool) -> None:
    """Make a user a primary user (who alone grants report permissions), or no longer one."""
    with begin(db, user_id) as act:
        user = act.fetch(AppUser, target_id, missing="That user no longer exists.")
        act.check_version(user, version, f"The user “{user.username}”")
        if not act.scope.is_primary:
            raise PermissionDenied("Only a primary user makes someone a primary user, or stops them being one.")
        if user.is_primary == primary:
            raise ValidationError(f"“{user.username}” already {'is' if primary else 'is not'} a primary user.")
        if primary and not user.active:
            raise ValidationError(f"“{user.username}” is deactivated; reactivate them first.")
        if not primary:
            _keep_a_primary(act, user, "no longer a primary user")
        user.is_primary = primary
        act.audit(
            "user_made_primary" if primary else "user_primary_removed",
            "app_user",
            user.id,
            before={"primary": not primary},
            after={"user": user.display_name, "primary": primary},
        )
        act.changed(USERS, user.id)


def _keep_a_primary(act: Action, user: AppUser, becoming: str) -> None:
    others = act.session.scalar(
        select(func.count())
        .select_from(AppUser)
        .where(AppUser.is_primary.is_(True), AppUser.active.is_(True), AppUser.id != user.id)
    )
    if not others:
        raise ValidationError(
            f"“{user.username}” is the last primary user, so they cannot be {becoming}: "
            "make someone else a primary user first."
        )


def link_database_login(db: Database, user_id: int, target_id: int, login: str) -> None:
    """On a shared PostgreSQL database, let ``login`` (an existing server login) open TrustDesk as the user.

    What ``trustdesk link-login`` does, from the window: the administrator's own login holds its
    privileges with the grant option and passes on no more than the target needs.
    """
    from db.server_logins import link_login

    login = login.strip()
    if not login:
        raise ValidationError("Enter the person's database login.")
    if db.target.is_sqlite:
        raise ValidationError("Database logins are for a shared PostgreSQL database; a SQLite file has none.")
    with begin(db, user_id) as act:
        user = act.fetch(AppUser, target_id, missing="That user no longer exists.")
        _require_may_change(act, user, f"link a database login to “{user.username}”")
        before = user.db_login
        try:
            link_login(act.session.connection(), login, user.username)
        except DBAPIError as error:
            if "permission denied" not in str(error.orig).lower():
                raise
            raise PermissionDenied(
                "Your database login may not pass on access: ask the database's owner to run "
                f"`trustdesk link-login {login} {user.username}`, or to link your own login again "
                "now that you administer users."
            ) from None
        act.session.expire(user)
        act.audit(
            "user_login_linked",
            "app_user",
            user.id,
            before={"db_login": before},
            after={"user": user.display_name, "db_login": login},
        )
        act.changed(USERS, user.id)
