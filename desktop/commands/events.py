"""`trustdesk events list|publish|cancel`: training events without a window (T1).

    trustdesk events list --db trust.sqlite --as sam.patel [--view drafts] [--search phonics]
    trustdesk events publish 12 --db trust.sqlite --as sam.patel
    trustdesk events cancel 12 --reason "The trainer is ill." --db trust.sqlite --as sam.patel

Publishing and cancelling act on the event as it is now (its current version), through the same
services as the window: the same permission checks, audit rows and notifications.  A refusal is one
line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from db.engine import Database

VIEWS = ("upcoming", "past", "drafts", "cancelled")


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "events",
        parents=[common],
        help="training events: list, publish, cancel",
        description="Training events: list them, publish a draft to every member organisation, or cancel one.",
    )
    actions = parser.add_subparsers(dest="events_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[common], help="list events (soonest first; past ones latest first)")
    listing.add_argument("--view", choices=VIEWS, default="upcoming", help="which events (default: %(default)s)")
    listing.add_argument("--search", default="", help="words in the title, provider or description")
    publish = actions.add_parser("publish", parents=[common], help="publish a draft and tell its notify targets")
    publish.add_argument("event_id", type=int, metavar="EVENT_ID")
    cancel = actions.add_parser("cancel", parents=[common], help="cancel an event; everyone booked is told")
    cancel.add_argument("event_id", type=int, metavar="EVENT_ID")
    cancel.add_argument("--reason", required=True, help="why: everyone booked or waiting is told it")
    for sub in (listing, publish, cancel):
        sub.add_argument("--as", dest="acting", required=True, metavar="USERNAME", help="act as this user")
        sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from desktop.commands.acting import acting_user  # here: `trustdesk` alone must not load SQLAlchemy
    from desktop.commands.database import open_existing_database

    if not args.db:
        print(f"trustdesk events {args.events_action}: say which database with --db PATH", file=sys.stderr)
        return 2
    db = open_existing_database(args)
    try:
        user_id = acting_user(db, args.acting).id
        if args.events_action == "list":
            return _list(db, user_id, args.view, args.search)
        from db.queries.training_event_detail import event_detail
        from db.services.training_events import cancel_event, publish_event

        detail = event_detail(db, user_id, args.event_id)
        if args.events_action == "publish":
            told = publish_event(db, user_id, detail.id, detail.version).told
            print(f"Published “{detail.title}” to every member organisation; {told:,} people told.")
        else:
            result = cancel_event(db, user_id, detail.id, detail.version, args.reason)
            print(
                f"Cancelled “{detail.title}”: {result.told:,} people booked or waiting told, "
                f"{result.withdrawn:,} activities withdrawn."
            )
        return 0
    finally:
        db.dispose()


def _list(db: Database, user_id: int, view: str, search: str) -> int:
    from db.queries.training_events import STATUS_LABELS, EventFilter, EventView, event_page, more_events

    filt = EventFilter(view=EventView(view), search=search)
    page = event_page(db, user_id, filt)
    rows = list(page.rows)
    while len(rows) < page.total:
        more = more_events(db, user_id, filt, len(rows))
        if not more:
            break
        rows.extend(more)
    for row in rows:
        places = "no limit" if row.places is None else f"{row.booked}/{row.places} booked"
        waiting = f", {row.waiting} waiting" if row.waiting else ""
        print(f"{row.id}\t{row.starts_on:%Y-%m-%d}\t{row.title}\t{row.organisation}\t{places}{waiting}\t"
              f"{STATUS_LABELS[row.status]}")  # fmt: skip
    print(f"{page.total:,} event(s): {view}", file=sys.stderr)
    return 0
