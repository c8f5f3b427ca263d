"""`trustdesk notify send`: drain the e-mail outbox from the command line (N1).

For a scheduled task on a server, so that mail goes out when nobody has TrustDesk open:

    trustdesk notify send --db postgresql+psycopg://… --as jane.smith

Any number of these and of running windows may drain one database at once: each message is
claimed before it is sent (db/services/outbox.py says what is guaranteed). The SMTP password comes
from ``TRUSTDESK_SMTP_PASSWORD`` or the system keyring where the E-mail tab kept it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy is imported when a command runs, not when the parser is built
    from db.engine import Database


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "notify",
        parents=[common],
        help="send the e-mail outbox",
        description="Notifications by e-mail: send what waits in the outbox.",
    )
    actions = parser.add_subparsers(dest="notify_action", metavar="ACTION", required=True)
    send = actions.add_parser(
        "send",
        parents=[common],
        help="send every message waiting in the outbox, then stop",
        description="Claim and send every message waiting in the outbox (one e-mail per person per action), "
        "then stop. Safe to run while others send from the same database.",
    )
    send.add_argument("--as", dest="acting", required=True, metavar="USERNAME", help="act as this user")
    send.add_argument("--max", type=int, default=None, metavar="N", help="stop after N messages")
    send.add_argument(
        "--lease-seconds",
        type=int,
        default=None,
        metavar="S",
        help="how long a claim holds before another sender may take the message over (default 600)",
    )
    send.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from desktop.commands.acting import acting_user  # here: `trustdesk` alone must not load SQLAlchemy
    from desktop.commands.database import open_existing_database

    if not args.db:
        print("trustdesk notify: say which database with --db PATH", file=sys.stderr)
        return 2
    if args.max is not None and args.max < 1:
        print("trustdesk notify: --max must be at least 1", file=sys.stderr)
        return 2
    if args.lease_seconds is not None and args.lease_seconds < 1:
        print("trustdesk notify: --lease-seconds must be at least 1", file=sys.stderr)
        return 2
    db = open_existing_database(args)
    try:
        acting = acting_user(db, args.acting)
        return _send(db, acting.id, args)
    finally:
        db.dispose()


def _send(db: Database, user_id: int, args: argparse.Namespace) -> int:
    from datetime import timedelta

    from db.services.outbox import LEASE, current_settings, drain
    from desktop.mail_password import load_smtp_password

    settings = current_settings(db)
    password = load_smtp_password(settings.keyring_key) if settings.login else None
    lease = timedelta(seconds=args.lease_seconds) if args.lease_seconds else LEASE
    result = drain(db, user_id, password, settings=settings, lease=lease, max_messages=args.max)
    print(
        f"Sent {result.messages_sent:,} messages ({result.rows_sent:,} notifications); "
        f"{result.not_sent:,} not sent, {result.retrying:,} to try again, {result.failed:,} failed."
    )
    if result.reason:
        print(f"trustdesk notify: {result.reason}", file=sys.stderr)
        return 2
    return 0
