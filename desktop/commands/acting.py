"""Who a command acts as (``--as USER``): proven, never just claimed (A3).

Every command that changes or reads data as a user goes through ``acting_user``:

* a SQLite file outside the demo: the user's password, from ``TRUSTDESK_PASSWORD`` (for scheduled
  jobs) or typed at the terminal; without either the command is refused;
* the demo trust: any sample user, as in the window;
* a shared (PostgreSQL) database: the server already knows who is connected, so ``--as`` must
  name the TrustDesk user linked to the connection's own login.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy is imported when a command runs, not when the parser is built
    from db.engine import Database
    from db.queries.users import UserRow

PASSWORD_ENV = "TRUSTDESK_PASSWORD"


def acting_user(db: Database, username: str) -> UserRow:
    """The user ``username`` once the command has proven it is them; ``PermissionDenied`` (one sentence,
    exit 2 through the command line) otherwise."""
    from db.errors import PermissionDenied
    from db.queries.sign_in import SignInMode, sign_in_mode
    from db.queries.users import list_users, user_for_login
    from db.services.sign_in import sign_in

    name = username.strip().lower()
    mode = sign_in_mode(db)
    if mode is SignInMode.LOGIN:
        user = user_for_login(db)
        if user.username != name:
            raise PermissionDenied(
                f"On {db.display} you act as your own database login, which is the TrustDesk user "
                f"“{user.username}”, not “{username}”: use --as {user.username}."
            )
        return user
    if mode is SignInMode.DEMO:
        found = next((user for user in list_users(db) if user.username == name), None)
        if found is None:
            raise PermissionDenied(f"There is no active TrustDesk user called “{username}” in {db.display}.")
        return found
    if mode is SignInMode.FIRST_PASSWORD:
        raise PermissionDenied(
            f"Nobody has a password on {db.display} yet: open TrustDesk, sign in as the primary user and set "
            "yours, then run the command again."
        )
    return sign_in(db, name, _password_for(name))


def _password_for(username: str) -> str:
    from db.errors import PermissionDenied

    given = os.environ.get(PASSWORD_ENV)
    if given is not None:
        return given
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            return getpass.getpass(f"TrustDesk password for {username}: ")
        except EOFError:
            pass
    raise PermissionDenied(
        f"Acting as {username} on this file needs their password: type it when asked in a terminal, "
        f"or set {PASSWORD_ENV} for a scheduled job."
    )
