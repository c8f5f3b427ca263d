"""A 20,000-row file of CPD requests into a trust of 30,000 jobs and 60,000 requests, against a raw executemany.

    python bench/request_import.py [--rows 20000] [--existing 30000] [--schools 150]

Builds its own database (untimed) with the staff import bench's trust (``bench/staff_import.build``:
150 schools sharing group actions, 30,000 people each with a job and a staff code) and two requests
per job in 2026/27, written with raw inserts. The file (CSV, UTF-8, UK dates, "£1,250.00" amounts)
has 18,000 new requests (a tenth with the line manager's agreement carried in), 1,000 rows that are
already in TrustDesk (skipped as duplicates) and 1,000 invalid rows (negative fee, unknown staff code).

Ours, in a child process so that its peak memory (VmHWM) is the import's own: the preview (read,
check, match, plan) and the apply (re-plan in the transaction, inserts, an audit row and a
notification per request, commit). The reference, in the same run on a copy of the same database:
the standard library's ``sqlite3.executemany`` inserting the file's 20,000 rows as activities in one
transaction (no checks, no matching, no audit). Targets: preview < 10 s, apply < 20 s.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from import_run import ours_and_reference  # noqa: E402 - bench/import_run.py, beside this script
from staff_import import build as build_staff  # noqa: E402 - bench/staff_import.py, beside this script

HEADER = ["Payroll Number", "School URN", "Course", "Category", "Provider", "Start Date", "End Date", "Fee",
          "Supply", "Travel", "Cover Days", "Objectives", "LM approval"]  # fmt: skip
TYPES = ("Course", "Conference", "INSET", "Online module", "Coaching")


def build(path: Path, existing: int, schools: int) -> int:
    """The staff bench's trust plus two requests per job; returns the primary user's id."""
    user_id = build_staff(path, existing, schools)
    con = sqlite3.connect(path)
    with con:
        con.execute(
            "INSERT OR IGNORE INTO academic_periods (label, starts_on, ends_on) VALUES ('2026/27', '2026-09-01',"
            " '2027-08-31')"
        )
        period = _period(con)
        con.executemany(
            "INSERT INTO cpd_activities (version, job_id, organisation_id, title, activity_type, provider, starts_on,"
            " ends_on, period_id, course_fee_pence, cover_cost_pence, travel_cost_pence, other_cost_pence,"
            " cover_days, created_by_job_id, created_at, intended_outcome, impact_measure, sharing_plan,"
            " line_manager_state, cpd_team_state, partnership_state, completion_state) VALUES (1, ?, ?, ?, ?, '',"
            " ?, ?, ?, 25000, 0, 0, 0, ?, ?, '2026-09-01 09:00:00', '', '', '', 'pending', 'pending', ?,"
            " 'not_completed')",
            [
                (i + 1, 1000 + i % schools, f"Existing {k} of {i}", TYPES[k], f"2026-10-{10 + k:02d}",
                 f"2026-10-{10 + k:02d}", period, 1.0, i + 1, "authorised" if k else "pending")
                for i in range(existing) for k in (0, 1)
            ],
        )  # fmt: skip
    con.close()
    return user_id


def _period(con: sqlite3.Connection) -> int:
    return int(con.execute("SELECT id FROM academic_periods WHERE starts_on = '2026-09-01'").fetchone()[0])


def write_file(path: Path, rows: int, existing: int, schools: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(rows):
            i = n % existing
            urn = str(100000 + i % schools)
            code = f"S{i:06d}"
            title, day, fee = f"Course {n}", f"{1 + n % 28:02d}/01/2027", f"£{1000 + n % 500:,}.50"
            if n % 20 == 0:  # already in TrustDesk
                title, day, fee = f"Existing 1 of {i}", "11/10/2026", "250"
            elif n % 20 == 1:  # invalid
                fee = "-£40" if n % 40 == 1 else fee
                code = code if n % 40 == 1 else f"X{n:06d}"
            agreed = "Agreed" if n % 10 == 2 else ""
            out.writerow([code, urn, title, TYPES[n % len(TYPES)], "Ridgeway Hub", day, "", fee, "£180", "24.50",
                          "0.5", "Better phonics", agreed])  # fmt: skip


def child(db_path: str, file_path: str, user_id: int) -> None:
    """Preview and apply, timed, in this process; prints the figures as JSON."""
    from db.engine import DatabaseTarget
    from db.migrate import open_database
    from db.queries.request_import import preview_request_import
    from db.services.request_import import apply_request_import

    db = open_database(DatabaseTarget.parse(db_path))
    t0, c0 = time.perf_counter(), time.process_time()
    plan = preview_request_import(db, user_id, Path(file_path))
    preview, preview_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    result = apply_request_import(db, user_id, plan)
    apply, apply_cpu = time.perf_counter() - t0, time.process_time() - c0
    db.dispose()
    peak = 0.0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) / 1024
    print(json.dumps({"preview": preview, "apply": apply, "peak_mb": peak, "summary": plan.summary,
                      "result": result.summary, "preview_cpu": preview_cpu, "apply_cpu": apply_cpu}))  # fmt: skip


def reference(db_path: Path, file_path: Path) -> float:
    """The file's rows as activities with sqlite3 executemany, in one transaction."""
    with file_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[1:]
    con = sqlite3.connect(db_path)
    period = _period(con)
    job_of = {code: (job, org) for code, job, org in con.execute("SELECT staff_code, id, organisation_id FROM jobs")}
    t0 = time.perf_counter()
    with con:
        con.executemany(
            "INSERT INTO cpd_activities (version, job_id, organisation_id, title, activity_type, provider, starts_on,"
            " ends_on, period_id, course_fee_pence, cover_cost_pence, travel_cost_pence, other_cost_pence,"
            " cover_days, created_by_job_id, created_at, intended_outcome, impact_measure, sharing_plan,"
            " line_manager_state, cpd_team_state, partnership_state, completion_state) VALUES (1, ?, ?, ?, ?, ?,"
            " ?, ?, ?, ?, 18000, 2450, 0, 0.5, ?, '2026-11-30 09:00:00', ?, '', '', 'pending', 'pending',"
            " 'pending', 'not_completed')",
            [(*job_of.get(r[0], (1, 1000)), r[2], r[3], r[4], r[5], r[5], period, 100000, job_of.get(r[0], (1,))[0],
              r[11]) for r in rows],
        )  # fmt: skip
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--existing", type=int, default=30_000)
    parser.add_argument("--schools", type=int, default=150)
    parser.add_argument("--child", nargs=3, metavar=("DB", "FILE", "USER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.sqlite"
        user_id = build(base, args.existing, args.schools)
        requests = Path(tmp) / "requests.csv"
        write_file(requests, args.rows, args.existing, args.schools)
        figures, raw = ours_and_reference(__file__, base, requests, user_id, reference)
    total = figures["preview"] + figures["apply"]
    print(f"Request import of {args.rows:,} rows into {args.existing:,} jobs: {figures['summary']}")
    print(f"  result: {figures['result']}")
    print(f"  preview {figures['preview']:.2f} s (target < 10 s) · apply {figures['apply']:.2f} s (target < 20 s)"
          f" · peak {figures['peak_mb']:.0f} MB")  # fmt: skip
    print(f"  of which this process's own CPU time: preview {figures['preview_cpu']:.2f} s,"
          f" apply {figures['apply_cpu']:.2f} s (the rest is waiting on a shared machine or the disk)")  # fmt: skip
    print(f"  reference: raw sqlite3 executemany of the same rows as activities {raw:.2f} s"
          f" · ratio preview+apply / reference {total / raw:.1f}×")  # fmt: skip


if __name__ == "__main__":
    main()
