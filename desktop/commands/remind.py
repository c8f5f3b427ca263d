"""`trustdesk notify remind --as USER`: today's reminders, for a scheduled task on a server.

The same service as the window's daily start-up run (``db.services.reminders``): one digest to each
person with requests to decide that start within the trust's N days, data sharing requests on the
trust's schedule, and nobody reminded twice of the same thing on the same day — so running it again,
or alongside a window that just started, sends nothing twice. The notifications join the outbox's
queue; sending them is the outbox's work.

    trustdesk notify remind --db trust.sqlite --as sam.patel
    trustdesk notify remind --db trust.sqlite --as sam.patel --day 2026-12-01
"""

from __future__ import annotations

import argparse
import sys
from datetime import date


def _notify_actions(
    subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser
) -> argparse._SubParsersAction:
    """The actions of ``trustdesk notify``: made here, or joined if the outbox's command made it first."""
    parser = subparsers.choices.get("notify")
    if parser is None:
        parser = subparsers.add_parser(
            "notify",
            parents=[common],
            help="notifications: today's reminders",
            description="Notifications: reminders of what awaits people's decisions.",
        )
        return parser.add_subparsers(dest="notify_action", metavar="ACTION", required=True)
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    actions = _notify_actions(subparsers, common)
    remind = actions.add_parser(
        "remind",
        parents=[common],
        help="remind everyone of what awaits their decision today (once per person, thing and day)",
        description="Write today's reminders to the outbox: one digest per person of the requests starting within "
        "the trust's N days that still await their decision, and the data sharing requests due a reminder on the "
        "trust's schedule. What was already reminded today is not reminded again.",
    )
    remind.add_argument("--as", dest="acting", required=True, metavar="USERNAME", help="act as this user")
    remind.add_argument("--day", metavar="YYYY-MM-DD", help="remind as on this day (default: today)")
    remind.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from desktop.commands.acting import acting_user  # here: `trustdesk` alone must not load SQLAlchemy
    from desktop.commands.database import open_existing_database

    if not args.db:
        print("trustdesk notify remind: say which database with --db PATH", file=sys.stderr)
        return 2
    day = date.today()
    if args.day:
        try:
            day = date.fromisoformat(args.day)
        except ValueError:
            print(f"trustdesk notify remind: “{args.day}” is not a day: give it as YYYY-MM-DD.", file=sys.stderr)
            return 2
    from db.services.reminders import send_reminders

    db = open_existing_database(args)
    try:
        acting = acting_user(db, args.acting)
        print(send_reminders(db, acting.id, day).sentence)
        return 0
    finally:
        db.dispose()
