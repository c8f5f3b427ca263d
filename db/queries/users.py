"""App users for the sign-in dialog and the acting user's identity."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from db.changes import ChangeKind
from db.engine import Database
from db.errors import PermissionDenied
from db.labels import cluster_words
from db.models import AppUser, Job, Organisation, UserGrant

#: users, their grants and passwords changed: every panel's reach may have changed with them
USERS: ChangeKind = "users"


@dataclass(frozen=True, slots=True)
class UserRow:
    id: int
    username: str
    display_name: str
    is_primary: bool
    roles: str  # "CPD lead at Oakfield Learning Trust; …"
    job_id: int | None
    person_id: int | None


def list_users(db: Database) -> list[UserRow]:
    """Active app users, for choosing who is acting."""
    with db.read() as session:
        users = session.execute(
            select(AppUser, Job.person_id)
            .outerjoin(Job, Job.id == AppUser.job_id)
            .where(AppUser.active.is_(True))
            .order_by(AppUser.display_name)
        ).all()
        roles: dict[int, list[str]] = {}
        for user_id, title, org, cluster in session.execute(
            select(UserGrant.user_id, UserGrant.title, Organisation.name, UserGrant.cluster)
            .join(Organisation, Organisation.id == UserGrant.organisation_id)
            .distinct()
            .order_by(UserGrant.title, Organisation.name, UserGrant.cluster)
        ):
            where = cluster_words(cluster) if cluster else org
            roles.setdefault(user_id, []).append(f"{title or 'Access'} at {where}")
        return [
            UserRow(
                id=user.id,
                username=user.username,
                display_name=user.display_name,
                is_primary=user.is_primary,
                roles="; ".join(roles.get(user.id, [])) or "No roles",
                job_id=user.job_id,
                person_id=person_id,
            )
            for user, person_id in users
        ]


def get_user(db: Database, user_id: int) -> UserRow | None:
    return next((user for user in list_users(db) if user.id == user_id), None)


def user_for_login(db: Database) -> UserRow:
    """The app user a shared database's login maps to (``AppUser.db_login``), or a clear refusal.

    On PostgreSQL each person connects with their own login, so the server
    already knows who is acting; there is no password table of our own and
    no sign-in dialog to bypass.
    """
    login = db.identity
    with db.read() as session:
        found = session.scalar(select(AppUser.id).where(AppUser.db_login == login, AppUser.active.is_(True)))
    user = get_user(db, found) if found is not None else None
    if user is None:
        raise PermissionDenied(
            f"The database login “{login}” is not linked to a TrustDesk user in {db.display}. "
            "Ask your TrustDesk administrator to set your login on your user (app_users.db_login)."
        )
    return user
