"""Signing in to a SQLite file with a password (A3): nobody acts as another user without proving it.

A service, because it writes: each wrong password counts against the user, and from the third in
a row the user is held back for a while (2 s, doubling to at most 5 min) so that guessing takes
years, not minutes.  It uses a plain transaction rather than ``begin``: nobody is acting yet.

The refusal for a wrong password is the same sentence for an unknown username, a deactivated
user and a wrong password, so the sign-in never tells a stranger which usernames exist; an unknown
username also costs the same time as a real check.

On the demo trust anyone signs in as any sample user without a password; on a shared
(PostgreSQL) database the connection's own login decides (``db.queries.users.user_for_login``),
and this function refuses.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.engine import Database
from db.errors import PermissionDenied
from db.models import AppUser, utcnow
from db.passwords import spend_the_time_of_a_check, verify_password
from db.queries.sign_in import passwords_in_use
from db.queries.trust import is_demo_trust
from db.queries.users import UserRow, get_user

WRONG = "Wrong username or password: check both and try again."
#: failures in a row before the user is held back, and how long: 2 s, doubling, at most 5 min
FREE_FAILURES = 2
FIRST_DELAY_SECONDS = 2
LONGEST_DELAY_SECONDS = 300


class SignInRefused(PermissionDenied):
    """The sign-in was refused; the message says why in one sentence."""


def delay_after(failures: int) -> int:
    """Seconds a user is held back after ``failures`` wrong passwords in a row (0 for the first two)."""
    if failures <= FREE_FAILURES:
        return 0
    return min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES - 1), LONGEST_DELAY_SECONDS)


def _blocked_message(until: datetime, now: datetime) -> str:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return f"Too many wrong passwords for this user: try again in {seconds} second{'' if seconds == 1 else 's'}."


def sign_in(db: Database, username: str, password: str) -> UserRow:
    """The user ``username`` once ``password`` proves it is them; ``SignInRefused`` otherwise.

    The failure counters are committed even when the sign-in is refused (that is their point),
    so the refusal is raised after the transaction, never inside it.
    """
    if not db.target.is_sqlite:
        raise SignInRefused(
            f"On {db.display} your database login says who you are; TrustDesk passwords are for SQLite files."
        )
    name = username.strip().lower()
    demo = is_demo_trust(db)
    first_password = not demo and not passwords_in_use(db)
    refusal: str | None = None
    user_id: int | None = None
    with db.transaction() as session:
        user = session.scalar(select(AppUser).where(AppUser.username == name))
        now = utcnow()
        if user is None or not user.active:
            spend_the_time_of_a_check(password)
            refusal = WRONG
        elif demo:
            user_id = user.id
        elif user.sign_in_blocked_until is not None and user.sign_in_blocked_until > now:
            refusal = _blocked_message(user.sign_in_blocked_until, now)
        elif user.password_hash is None:
            if first_password and user.is_primary:
                user_id = user.id  # a file made before passwords: they set theirs next (must_set_password)
            else:
                refusal = f"No password is set for {user.display_name} yet: ask your primary user to set one."
        elif verify_password(password, user.password_hash):
            if user.failed_sign_ins or user.sign_in_blocked_until is not None:
                _set_counters(session, user.id, 0, None)
            user_id = user.id
        else:
            refusal = _count_failure(session, user, now)
    if refusal is not None:
        raise SignInRefused(refusal)
    assert user_id is not None
    found = get_user(db, user_id)
    if found is None:  # deactivated between the two reads
        raise SignInRefused(WRONG)
    return found


def _count_failure(session: Session, user: AppUser, now: datetime) -> str:
    """One more wrong password for ``user``; the sentence to refuse with."""
    failures = user.failed_sign_ins + 1
    delay = delay_after(failures)
    _set_counters(session, user.id, failures, now + timedelta(seconds=delay) if delay else None)
    return WRONG


def _set_counters(session: Session, user_id: int, failures: int, blocked_until: datetime | None) -> None:
    # A Core UPDATE: the counters are bookkeeping, not an edit of the user, so the row's version
    # (which the user administration checks) stays as it is.
    session.execute(
        update(AppUser)
        .where(AppUser.id == user_id)
        .values(failed_sign_ins=failures, sign_in_blocked_until=blocked_until)
        .execution_options(synchronize_session=False)
    )
