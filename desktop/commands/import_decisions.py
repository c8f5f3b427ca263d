"""`trustdesk import-decisions`: apply the decisions recorded in a budget workbook."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.commands.failures import in_one_sentence
from desktop.commands.progress_line import PercentProgress

DETAIL_LIMIT = 50


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import-decisions",
        parents=[common],
        help="apply the decisions recorded in a budget workbook",
        description="Check every decision in a workbook made by `trustdesk export` against the database and apply "
        "the valid ones in one transaction, as the user would in the Partnership CPD panel.",
    )
    parser.add_argument("file", metavar="FILE.xlsx", help="the workbook with decisions")
    parser.add_argument("--as", dest="username", required=True, metavar="USERNAME", help="decide as this user")
    parser.add_argument("--dry-run", action="store_true", help="check and count, but change nothing")
    parser.add_argument(
        "--all-details", action="store_true", help=f"list every row not applied (default: the first {DETAIL_LIMIT})"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from db.excel.import_decisions import Outcome, import_decisions  # not at import: SQLAlchemy only when run
    from desktop.commands.acting import acting_user
    from desktop.commands.database import open_existing_database

    name = Path(args.file).name
    with in_one_sentence(f"import decisions from “{name}”", "nothing was imported"):
        db = open_existing_database(args)
        try:
            user_id = acting_user(db, args.username).id
            result = import_decisions(
                db, user_id, Path(args.file), dry_run=args.dry_run, progress=PercentProgress(sys.stderr)
            )
        finally:
            db.dispose()
    exported = result.identity
    print(f"{result.workbook}: exported by {exported.get('exported_by', '?')} at {exported.get('exported_at', '?')}.")
    for warning in result.warnings:
        print(f"Note: {warning}")
    for line in result.summary_lines():
        print(line)
    not_applied = [row for row in result.rows if row.outcome is not Outcome.APPLIED]
    shown = not_applied if args.all_details else not_applied[:DETAIL_LIMIT]
    for row in shown:
        what = f"activity {row.activity_id}" if row.activity_id is not None else "no activity id"
        print(f"  row {row.row}, {what} “{row.title}” ({row.individual}): {row.outcome.value} — {row.why}")
    if len(shown) < len(not_applied):
        print(f"  … and {len(not_applied) - len(shown):,} more (use --all-details).")
    return 0
