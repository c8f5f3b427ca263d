"""`trustdesk import-gias`: create or update a trust's establishments from a GIAS extract (O2)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import-gias",
        parents=[common],
        help="import a trust's establishments from a GIAS extract",
        description=(
            "Create or update the trust's establishments, matched by URN, from a GIAS establishment extract "
            "(CSV in ISO-8859-1 as GIAS publishes it, or Windows-1252 or UTF-8 as Excel saves it), "
            "optionally with inspection grades from a second CSV keyed by URN. "
            "Shows what changes; with --dry-run nothing is written."
        ),
    )
    parser.add_argument("file", type=Path, help="the GIAS extract (edubasealldata….csv or a trust extract)")
    parser.add_argument("--trust", required=True, metavar="UID", help="the trust's UID, as in “Trusts (code)”")
    parser.add_argument("--grades", type=Path, metavar="GRADES.csv", help="inspection grades keyed by URN")
    parser.add_argument("--as", dest="username", required=True, metavar="USERNAME", help="the TrustDesk user")
    parser.add_argument("--dry-run", action="store_true", help="show what would change and write nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from db.queries.gias_import import preview_gias_import
    from db.services.gias_import import apply_gias_import
    from desktop.commands.acting import acting_user
    from desktop.commands.database import open_existing_database

    if not args.db:
        print("trustdesk import-gias: say which database with --db PATH", file=sys.stderr)
        return 2
    db = open_existing_database(args)
    try:
        user = acting_user(db, args.username)
        plan = preview_gias_import(db, user.id, args.file, args.trust, args.grades)
        print(f"Read {'; '.join(plan.read_as)}.")
        for entry in plan.entries:
            print(f"{entry.action.value:<9}  {entry.urn:>7}  {entry.name}: {entry.detail}")
        if plan.other_trust_rows:
            rows = plan.other_trust_rows
            print(f"({rows:,} row{'' if rows == 1 else 's'} of other trusts ignored)")
        if args.dry_run:
            print(f"Dry run for {plan.trust_name}: would be {plan.summary}. Nothing was written.")
            return 0
        if not plan.to_apply:
            print(f"{plan.trust_name}: {plan.summary}. Nothing to change.")
            return 0
        result = apply_gias_import(db, user.id, plan)
        print(f"Imported into {plan.trust_name}: {result.summary}.")
        return 0
    finally:
        db.dispose()
