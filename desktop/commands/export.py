"""`trustdesk export`: write a budget workbook of Partnership CPD without a window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.commands.failures import in_one_sentence
from desktop.commands.progress_line import PercentProgress


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=[common],
        help="export Partnership CPD to a budget workbook (.xlsx)",
        description="Export the activities a user may see, with a Budget and a Notes sheet, to an .xlsx workbook. "
        "Reviewers record decisions in its Decision and Reason columns; `trustdesk import-decisions` brings them back.",
    )
    parser.add_argument("--out", required=True, metavar="FILE.xlsx", help="the workbook to write (replaced if present)")
    parser.add_argument("--as", dest="username", required=True, metavar="USERNAME", help="export as this user")
    parser.add_argument("--period", help="academic period, e.g. 2025/26 (default: all)")
    parser.add_argument("--org", metavar="URN", help="one organisation, by URN or exact name (default: all)")
    parser.add_argument("--state", help="partnership state: pending, authorised, rejected, needs-reauthorisation")
    parser.add_argument("--search", default="", help="text in the title or provider")
    parser.add_argument("--sort", default="start", help="start (default), created, title, cost, individual, …")
    parser.add_argument("--ascending", action="store_true", help="sort ascending (default: descending)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from db.excel.export import export_workbook  # here, not at import: `trustdesk` alone must not load SQLAlchemy
    from db.queries.activity_export import filter_from_options
    from desktop.commands.acting import acting_user
    from desktop.commands.database import open_existing_database

    with in_one_sentence(f"export to “{Path(args.out).name}”", "no workbook was written"):
        db = open_existing_database(args)
        try:
            user_id = acting_user(db, args.username).id
            filt = filter_from_options(
                db,
                period=args.period,
                organisation=args.org,
                state=args.state,
                search=args.search,
                sort=args.sort,
                descending=not args.ascending,
            )
            result = export_workbook(db, user_id, filt, Path(args.out), progress=PercentProgress(sys.stderr))
        finally:
            db.dispose()
    print(
        f"Exported {result.activities:,} activities and {result.budget_lines:,} budget lines to {result.path} "
        f"({result.elapsed_seconds:.1f} s)."
    )
    print(f"Filter: {result.filter_text}")
    return 0
