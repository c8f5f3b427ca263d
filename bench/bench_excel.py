"""Budget workbook speed and memory: our export against XlsxWriter, openpyxl and pandas, and the import.

    python bench/bench_excel.py [--db PATH (default: bench/reference.py)] [--period 2025/26] [--user alex.morgan]

Works on a copy of the database (the import changes it).  Each measurement
runs in its own child process so that its peak memory (ru_maxrss) is its own.
The references write the *same rows and columns with the same formats*.
Each is timed twice: writing only (rows already in memory), and including
fetching those rows from the database, as any real export must; ours always
includes streaming the rows, the Budget and Notes sheets, and the rename.
Aims (issue 4): no slower than XlsxWriter constant-memory, ≥2× faster than
pandas.to_excel, peak memory < 250 MB, importing 10,000 decisions < 5 s.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from reference import reference_database  # bench/reference.py: builds the dataset on first use

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

if TYPE_CHECKING:
    from openpyxl.cell import Cell

    from db.engine import Database
    from db.queries.activities import ActivityFilter

DEFAULT_DB = None  # the reference dataset (bench/reference.py)
DECISIONS = 10_000


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def open_db(path: str) -> Database:
    from db.engine import DatabaseTarget
    from db.migrate import open_database

    return open_database(DatabaseTarget.parse(path))


def the_filter(db: Database, period: str) -> ActivityFilter:
    from db.queries.activity_export import filter_from_options

    return filter_from_options(db, period=period)


def rows_in_memory(db: Database, user: str, period: str) -> list[tuple]:
    """The export's rows and columns as plain values, for the references."""
    from db.labels import STATE_LABELS
    from db.queries.activity_export import iter_activities, user_id_named

    labels = STATE_LABELS
    return [
        (
            None,
            None,
            r.individual,
            r.organisation,
            r.title,
            r.activity_type,
            r.provider,
            r.starts_on,
            r.ends_on,
            r.period,
            r.course_fee_pence / 100,
            r.cover_cost_pence / 100,
            (r.travel_cost_pence + r.other_cost_pence) / 100,
            r.total_cost_pence / 100,
            r.cover_days,
            labels[r.line_manager_state],
            labels[r.cpd_team_state],
            labels[r.partnership_state],
            labels[r.completion_state],
            r.training_event,
            r.created_by,
            r.id,
            r.version,
        )
        for r in iter_activities(db, user_id_named(db, user), the_filter(db, period))
    ]


MONEY = (10, 11, 12, 13)
DATES = (7, 8)


def child_ours(db: Database, args: argparse.Namespace) -> dict:
    from db.excel.export import export_workbook
    from db.queries.activity_export import user_id_named

    user_id = user_id_named(db, args.user)
    filt = the_filter(db, args.period)
    started = time.perf_counter()
    result = export_workbook(db, user_id, filt, Path(args.out))
    return {"seconds": time.perf_counter() - started, "rows": result.activities}


def child_xlsxwriter(db: Database, args: argparse.Namespace) -> dict:
    import xlsxwriter

    from db.excel.layout import DATE_FORMAT, HEADERS, MONEY_FORMAT

    fetch = time.perf_counter()
    rows = rows_in_memory(db, args.user, args.period)
    started = time.perf_counter()
    book = xlsxwriter.Workbook(args.out, {"constant_memory": True})
    sheet = book.add_worksheet("Activities")
    money, day = book.add_format({"num_format": MONEY_FORMAT}), book.add_format({"num_format": DATE_FORMAT})
    sheet.write_row(0, 0, HEADERS)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if c in MONEY:
                sheet.write_number(r, c, value, money)
            elif c in DATES:
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    book.close()
    return {"seconds": time.perf_counter() - started, "fetch_seconds": started - fetch, "rows": len(rows)}


def child_openpyxl(db: Database, args: argparse.Namespace) -> dict:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    from db.excel.layout import DATE_FORMAT, HEADERS, MONEY_FORMAT

    fetch = time.perf_counter()
    rows = rows_in_memory(db, args.user, args.period)
    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Activities")
    styled: dict[int, Cell] = {}  # WriteOnlyCell() makes a Cell
    for c in (*MONEY, *DATES):
        styled[c] = WriteOnlyCell(sheet)
        styled[c].number_format = MONEY_FORMAT if c in MONEY else DATE_FORMAT
    sheet.append(HEADERS)
    for row in rows:
        values = list(row)
        for c, cell in styled.items():  # one reused styled cell per column: the fastest write-only pattern
            cell.value = values[c]
            values[c] = cell
        sheet.append(values)
    book.save(args.out)
    return {"seconds": time.perf_counter() - started, "fetch_seconds": started - fetch, "rows": len(rows)}


#: the writer pandas is asked to use for the reference (its own default for .xlsx when openpyxl is installed)
PANDAS_ENGINE = "openpyxl"


def child_pandas(db: Database, args: argparse.Namespace) -> dict:
    import pandas as pd

    from db.excel.layout import HEADERS

    fetch = time.perf_counter()
    frame = pd.DataFrame(rows_in_memory(db, args.user, args.period), columns=list(HEADERS))
    started = time.perf_counter()
    # Named, not left to pandas' default (which follows what is installed): the figure says what it measures.
    frame.to_excel(args.out, sheet_name="Activities", index=False, engine=PANDAS_ENGINE)
    return {"seconds": time.perf_counter() - started, "fetch_seconds": started - fetch, "rows": len(frame)}


def child_import(db: Database, args: argparse.Namespace) -> dict:
    """Export pending rows, record 10,000 decisions with openpyxl (another program), import them."""
    from openpyxl import Workbook, load_workbook

    from db.excel.export import export_workbook
    from db.excel.import_decisions import Outcome, import_decisions
    from db.excel.layout import DATA_SHEET, MARKER_SHEET
    from db.models import PartnershipState
    from db.queries.activities import ActivityFilter
    from db.queries.activity_export import user_id_named

    user_id = user_id_named(db, args.user)
    source = Path(args.out).with_name("pending.xlsx")
    filt = ActivityFilter(period_id=the_filter(db, args.period).period_id, partnership_state=PartnershipState.PENDING)
    export_workbook(db, user_id, filt, source)
    reasons = [f"Reason {n}: not in this year's improvement plan" for n in range(25)]
    original = load_workbook(source, read_only=True)
    edited = Workbook(write_only=True)
    sheet = edited.create_sheet(DATA_SHEET)
    for number, values in enumerate(original[DATA_SHEET].iter_rows(values_only=True)):
        if number > DECISIONS:
            break
        row = list(values)
        if number:
            row[0], row[1] = ("Reject", reasons[(number // 10) % 25]) if number % 10 == 0 else ("Authorise", None)
        sheet.append(row)
    marker = edited.create_sheet(MARKER_SHEET)
    for values in original[MARKER_SHEET].iter_rows(values_only=True):
        marker.append(values)
    marker.sheet_state = "veryHidden"
    original.close()
    edited.save(args.out)
    # Save it once more the way Excel does (shared strings, a <dimension> element), so the import
    # reads what a reviewer's spreadsheet program hands back, not openpyxl's write-only output.
    resaved = load_workbook(args.out)
    resaved.save(args.out)

    started = time.perf_counter()
    result = import_decisions(db, user_id, Path(args.out))
    seconds = time.perf_counter() - started
    counts = {outcome.name.lower(): result.count(outcome) for outcome in Outcome}
    return {"seconds": seconds, "rows": DECISIONS, "counts": counts, "batches": len(result.batch_ids)}


CHILDREN = {
    "ours": child_ours,
    "xlsxwriter": child_xlsxwriter,
    "openpyxl": child_openpyxl,
    "pandas": child_pandas,
    "import": child_import,
}


def run_child(kind: str, args: argparse.Namespace, db_path: Path, folder: Path) -> dict:
    command = [sys.executable, __file__, "--child", kind, "--db", str(db_path), "--out", str(folder / f"{kind}.xlsx")]
    command += ["--period", args.period, "--user", args.user]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--period", default="2025/26")
    parser.add_argument("--user", default="alex.morgan")
    parser.add_argument("--out")
    parser.add_argument("--child", choices=sorted(CHILDREN))
    parser.add_argument("--skip", action="append", default=[], help="leave out a reference (e.g. pandas)")
    parser.add_argument("--repeat", type=int, default=1, help="run each export N times, alternating; report medians")
    args = parser.parse_args()
    args.db = args.db or str(reference_database())
    if args.child:
        db = open_db(args.db)
        figures = CHILDREN[args.child](db, args)
        db.dispose()
        figures["peak_mb"] = peak_mb()
        print(json.dumps(figures))
        return

    with tempfile.TemporaryDirectory(prefix="bench-excel-") as tmp:
        folder = Path(tmp)
        db_path = folder / "large.sqlite"
        shutil.copyfile(args.db, db_path)  # never write to the reference dataset
        runs: dict[str, list[dict]] = {}
        kinds = [k for k in ("ours", "xlsxwriter", "openpyxl", "pandas") if k not in args.skip]
        for _ in range(args.repeat):  # alternating, so that machine load falls on every contender alike
            for kind in kinds:
                figures = run_child(kind, args, db_path, folder)
                runs.setdefault(kind, []).append(figures)
                seconds, peak = figures["seconds"], figures["peak_mb"]
                print(f"{kind:>11}: {figures['rows']:,} rows in {seconds:.1f} s, peak {peak:.0f} MB")
        results = {kind: sorted(found, key=lambda f: f["seconds"])[len(found) // 2] for kind, found in runs.items()}
        if "import" not in args.skip:
            results["import"] = imp = run_child("import", args, db_path, folder)
            print(f"{'import':>11}: {imp['rows']:,} decisions in {imp['seconds']:.2f} s, peak {imp['peak_mb']:.0f} MB")
        if "ours" not in results:
            return
        ours = results["ours"]
        print()
        print(f"(medians of {args.repeat} alternating runs)" if args.repeat > 1 else "")
        print(
            f"export (ours, XlsxWriter constant-memory + query + Budget/Notes): {ours['seconds']:.1f} s, "
            f"{ours['peak_mb']:.0f} MB peak (aim < 250 MB)"
        )
        for kind in ("xlsxwriter", "openpyxl", "pandas"):
            if kind in results:
                ref = results[kind]
                with_fetch = ref["seconds"] + ref["fetch_seconds"]
                ratio = ref["seconds"] / ours["seconds"]
                name = f"pandas ({PANDAS_ENGINE})" if kind == "pandas" else kind
                print(
                    f"  vs {name:<10} writing only {ref['seconds']:.1f} s (ours is {ratio:.2f}× "
                    f"as fast); fetching the rows too {with_fetch:.1f} s ({with_fetch / ours['seconds']:.2f}×); "
                    f"peak {ref['peak_mb']:.0f} MB"
                )
        if "import" in results:
            print(
                f"import of {imp['rows']:,} decisions: {imp['seconds']:.2f} s (aim < 5 s), "
                f"peak {imp['peak_mb']:.0f} MB; outcomes {imp['counts']}, {imp['batches']} decision batches"
            )


if __name__ == "__main__":
    main()
