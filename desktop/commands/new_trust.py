"""`trustdesk new-trust`: a new trust database without the window (the welcome dialog's "new trust").

It creates the file, the trust, its standard roles and its primary user through the same service
the welcome dialog uses, and never touches a file that already exists. The primary user's password
comes from ``TRUSTDESK_PASSWORD`` (a script) or is typed twice at a terminal; with neither, none is
set and the first sign-in in the window lets the primary user in once and has them choose one (the
other commands refuse to act until then).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "new-trust",
        parents=[common],
        help="create a new trust database with its primary user",
        description=(
            "Create a new database for a trust: the trust (named and with its GIAS trust UID), its standard "
            "roles and its primary user. Refuses a file that already exists."
        ),
    )
    parser.add_argument("--name", required=True, help="the trust's name, e.g. “Oakfield Learning Trust”")
    parser.add_argument("--uid", required=True, help="the trust's GIAS UID, as in “Trusts (code)”, e.g. TR09471")
    parser.add_argument("--primary", required=True, metavar="USERNAME", help="the primary user's username")
    parser.add_argument("--primary-name", required=True, metavar="FULL NAME", help="the primary user's full name")
    parser.add_argument("--email", metavar="ADDRESS", help="the primary user's e-mail address")
    parser.set_defaults(run=run)


def _remove(path: Path) -> None:
    """A file this command created, with SQLite's companions, after the trust could not be created in it."""
    for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)


def _new_password(username: str) -> str | None:
    """The primary user's password: from the environment, typed twice at a terminal, or none."""
    from db.errors import ValidationError
    from desktop.commands.acting import PASSWORD_ENV

    given = os.environ.get(PASSWORD_ENV)
    if given is not None:
        return given
    if sys.stdin is None or not sys.stdin.isatty():
        return None
    try:
        first = getpass.getpass(f"Choose a TrustDesk password for {username}: ")
        again = getpass.getpass("Type it again: ")
    except EOFError:
        return None
    if first != again:
        raise ValidationError("The two passwords differ; nothing was created. Run the command again.")
    return first


def run(args: argparse.Namespace) -> int:
    from db.engine import DatabaseTarget
    from db.migrate import open_database
    from db.services.trust_setup import create_new_trust

    if not args.db:
        print("trustdesk new-trust: say where to create the database with --db PATH", file=sys.stderr)
        return 2
    target = DatabaseTarget.parse(args.db)
    path = target.sqlite_path
    if path is not None and path.exists():
        print(
            f"trustdesk new-trust: {path} already exists; new-trust only creates new databases: choose another name.",
            file=sys.stderr,
        )
        return 2
    password = _new_password(args.primary.strip().lower())
    db = open_database(target)
    try:
        created = create_new_trust(db, args.name, args.uid, args.primary_name, args.primary, password, email=args.email)
    except BaseException:
        db.dispose()
        if path is not None:
            _remove(path)
        raise
    db.dispose()
    later = (
        ""
        if password is not None
        else f" No password is set yet: the first time {created.username} signs in, TrustDesk lets them in "
        "once and asks them to choose one."
    )
    print(
        f"Created {args.name.strip()} ({args.uid.strip()}) in {target.display} with the primary user "
        f"{created.username}.{later}"
    )
    return 0
