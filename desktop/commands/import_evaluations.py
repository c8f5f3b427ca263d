"""`trustdesk import-evaluations`: record the evaluations in a spreadsheet (CSV or XLSX)."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop.commands.failures import in_one_sentence

DETAIL_LIMIT = 50


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import-evaluations",
        parents=[common],
        help="record the evaluations (hours, rating, impact) in a spreadsheet",
        description="Match each row of a CSV or XLSX file to an activity (by Activity ID, or staff e-mail, title "
        "and start date) and record its evaluation in one transaction, as Follow-up › Import evaluations… does. "
        "The layout is in docs/files.md.",
    )
    parser.add_argument("file", metavar="FILE", help="the .csv or .xlsx file")
    parser.add_argument("--as", dest="username", required=True, metavar="USERNAME", help="record as this user")
    parser.add_argument("--dry-run", action="store_true", help="check and count, but change nothing")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from db.services.evaluation_import import RowAction, apply_evaluations, preview_evaluations
    from desktop.commands.acting import acting_user
    from desktop.commands.database import open_existing_database

    path = Path(args.file)
    with in_one_sentence(f"import evaluations from “{path.name}”", "nothing was imported"):
        db = open_existing_database(args)
        try:
            user_id = acting_user(db, args.username).id
            plan = (preview_evaluations if args.dry_run else apply_evaluations)(db, user_id, path)
        finally:
            db.dispose()
    print(f"{plan.file_name}: {plan.sentence()}" + (" Dry run: nothing was changed." if args.dry_run else ""))
    invalid = [row for row in plan.rows if row.action is RowAction.INVALID]
    for row in invalid[:DETAIL_LIMIT]:
        print(f"  row {row.number}: {row.reason}")
    if len(invalid) > DETAIL_LIMIT:
        print(f"  … and {len(invalid) - DETAIL_LIMIT:,} more invalid rows.")
    return 0
