"""How someone proves who they are on the open database (A3): what the sign-in asks for.

* a shared (PostgreSQL) database: the person's own server login decides (``user_for_login``);
* the demo trust: any sample user, without a password (nothing real is at stake);
* a SQLite file: a password per user (``db.services.sign_in``), except on a file made before
  passwords existed, where no active user has one yet: its primary user signs in once without
  one and sets theirs at once.
"""

from __future__ import annotations

import enum

from sqlalchemy import exists, select

from db.engine import Database
from db.models import AppUser
from db.queries.trust import is_demo_trust


class SignInMode(enum.Enum):
    LOGIN = "login"  # PostgreSQL: the connection's login is the proof
    DEMO = "demo"  # the demo trust: choose a sample user, no password
    PASSWORD = "password"  # a SQLite file: username and password
    FIRST_PASSWORD = "first_password"  # a SQLite file where nobody has a password yet


def passwords_in_use(db: Database) -> bool:
    """True once any active user of the file has a password."""
    with db.read() as session:
        return bool(
            session.scalar(select(exists().where(AppUser.active.is_(True), AppUser.password_hash.is_not(None))))
        )


def sign_in_mode(db: Database) -> SignInMode:
    if not db.target.is_sqlite:
        return SignInMode.LOGIN
    if is_demo_trust(db):
        return SignInMode.DEMO
    return SignInMode.PASSWORD if passwords_in_use(db) else SignInMode.FIRST_PASSWORD


def must_set_password(db: Database, user_id: int) -> bool:
    """True when this signed-in user has no password on a SQLite file outside the demo: the first
    sign-in to a file made before passwords existed, which must end with them setting one."""
    if not db.target.is_sqlite or is_demo_trust(db):
        return False
    with db.read() as session:
        return session.scalar(select(AppUser.password_hash).where(AppUser.id == user_id)) is None
