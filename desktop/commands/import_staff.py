"""`trustdesk import-staff`: people and their jobs from a school's MIS or HR export (P1, X2)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass


def register(subparsers: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "import-staff",
        parents=[common],
        help="import staff and their jobs from a CSV or .xlsx staff list",
        description=(
            "Add and update people and their jobs from a staff list exported by a school's MIS or HR system "
            "(CSV in UTF-8 or Windows-1252, or a sheet of an .xlsx workbook). Columns are recognised by their "
            "usual names (or by a mapping saved in the window); each row is matched by school and staff code, "
            "else work e-mail. Shows what each row will do; with --dry-run nothing is written."
        ),
    )
    parser.add_argument("file", type=Path, help="the staff list (.csv or .xlsx)")
    parser.add_argument("--as", dest="username", required=True, metavar="USERNAME", help="the TrustDesk user")
    parser.add_argument("--dry-run", action="store_true", help="show what would change and write nothing")
    parser.add_argument("--mapping", metavar="NAME", help="a column mapping saved in the window under this name")
    parser.add_argument(
        "--whole-list",
        action="store_true",
        help="the file is the whole staff list of its schools: jobs there that it leaves out end today",
    )
    parser.add_argument("--sheet", metavar="NAME", help="the workbook's sheet (the first one by default)")
    parser.add_argument(
        "--link",
        action="store_true",
        help="link every row offered as possibly the same person at another school (one person, two jobs)",
    )
    parser.add_argument("--all", action="store_true", help="list unchanged rows too")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from db.queries.staff_import import preview_staff_import
    from db.services.staff_import import apply_staff_import
    from db.staff_import.plan import Action
    from desktop.commands.acting import acting_user
    from desktop.commands.database import open_existing_database

    if not args.db:
        print("trustdesk import-staff: say which database with --db PATH", file=sys.stderr)
        return 2
    db = open_existing_database(args)
    try:
        user_id = acting_user(db, args.username).id
        plan = preview_staff_import(
            db, user_id, args.file, mapping_name=args.mapping, sheet=args.sheet, whole_list=args.whole_list
        )
        print(f"Read {plan.file_name} ({plan.read_as}): {len(plan.records):,} rows.")
        if plan.ignored:
            print(f"Columns not imported: {', '.join(plan.ignored)}.")
        for entry in plan.entries:
            if entry.action is Action.UNCHANGED and not args.all:
                continue
            where = f"row {entry.row}: " if entry.row and entry.action is not Action.SKIP else ""
            print(f"{entry.action.value:<10}  {where}{entry.name} ({entry.school}): {entry.detail}")
        if plan.offers and not args.link:
            count = len(plan.offers)
            print(
                f"{count:,} row{' looks' if count == 1 else 's look'} like someone already known at another school; "
                "--link makes them one person with two jobs."
            )
        if args.dry_run:
            print(f"Dry run: would be {plan.summary}. Nothing was written.")
            return 0
        if not plan.to_apply:
            print(f"{plan.summary}. Nothing to change.")
            return 0
        linked = frozenset(e.row for e in plan.offers) if args.link else frozenset()
        result = apply_staff_import(db, user_id, plan, linked)
        print(f"Imported {plan.file_name}: {result.summary}.")
        return 0
    finally:
        db.dispose()
