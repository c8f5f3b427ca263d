"""`trustdesk link-login LOGIN USERNAME`: let a person's own PostgreSQL login act as their TrustDesk user.

Run by an administrator connected as the owner of the tables.  It grants the
login only what TrustDesk writes (inserts only on the audit log; users and roles
read-only; activities never deleted, see ``db.server_logins``) and sets
``app_users.db_login``; from then on that login opens TrustDesk as that user,
with no sign-in dialog and its name in the audit log, stamped by the server.
"""

from __future__ import annotations

import argparse
import sys


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "link-login",
        parents=[common],
        help="map a PostgreSQL login to a TrustDesk user",
        description="Grant a person's own PostgreSQL login access and map it to their TrustDesk user.",
    )
    parser.add_argument("login", help="the person's PostgreSQL login (the role must exist)")
    parser.add_argument("username", help="their TrustDesk user, e.g. sam.patel")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from db.server_logins import link_login  # here, not at import: `trustdesk` alone must not load SQLAlchemy
    from desktop.commands.database import open_existing_database

    if not args.db:
        print("trustdesk link-login: say which database with --db postgresql+psycopg://OWNER@HOST/DB", file=sys.stderr)
        return 2
    db = open_existing_database(args)
    try:
        with db.engine.begin() as connection:
            link_login(connection, args.login, args.username)
    finally:
        db.dispose()
    print(f"{args.login} now opens {db.display} as {args.username}.")
    return 0
