"""`trustdesk import-requests`: CPD requests from a spreadsheet another CPD system or a school kept (C1, X2)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import-requests",
        parents=[common],
        help="import CPD requests from a CSV or .xlsx file",
        description=(
            "Add CPD requests from a spreadsheet (CSV in UTF-8 or Windows-1252, or a sheet of an .xlsx "
            "workbook) as exported from another CPD system or kept by a school. Columns are recognised by their "
            "usual names (or by a mapping saved in the window); each row is matched to a job by school and staff "
            "code, else work e-mail, and checked as a request entered by hand. A request TrustDesk already has "
            "(same job, title and start date) is skipped. Shows what each row will do; with --dry-run nothing "
            "is written."
        ),
    )
    parser.add_argument("file", type=Path, help="the requests (.csv or .xlsx)")
    parser.add_argument("--as", dest="username", required=True, metavar="USERNAME", help="the TrustDesk user")
    parser.add_argument("--dry-run", action="store_true", help="show what would change and write nothing")
    parser.add_argument("--mapping", metavar="NAME", help="a column mapping saved in the window under this name")
    parser.add_argument("--sheet", metavar="NAME", help="the workbook's sheet (the first one by default)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from db.queries.request_import import preview_request_import
    from db.request_import.plan import RowAction
    from db.services.request_import import apply_request_import
    from desktop.commands.acting import acting_user
    from desktop.commands.database import open_existing_database

    if not args.db:
        print("trustdesk import-requests: say which database with --db PATH", file=sys.stderr)
        return 2
    db = open_existing_database(args)
    try:
        user_id = acting_user(db, args.username).id
        plan = preview_request_import(db, user_id, args.file, mapping_name=args.mapping, sheet=args.sheet)
        print(f"Read {plan.file_name} ({plan.read_as}): {len(plan.records):,} rows.")
        if plan.ignored:
            print(f"Columns not imported: {', '.join(plan.ignored)}.")
        for row in plan.rows:
            if row.action is RowAction.ADD:
                carried = f" {row.detail}" if row.detail else ""
                print(f"{'add':<10}  row {row.row}: “{row.title}” for {row.name} ({row.school}){carried}")
                if row.warning:
                    print(f"{'':<10}  warning: {row.warning}")
            else:
                print(f"{row.action.value:<10}  {row.detail}")
        if args.dry_run:
            print(f"Dry run: {plan.summary}. Nothing was written.")
            return 0
        if not plan.to_add:
            print(f"{plan.summary}. Nothing to add.")
            return 0
        result = apply_request_import(db, user_id, plan)
        print(f"Imported {plan.file_name}: {result.summary}.")
        return 0
    finally:
        db.dispose()
