"""Flood fill onto 5,000 jobs against a raw sqlite3 executemany of the same rows (F6).

Works on a copy of the large demo (never the original).  Our figure is the
whole service call: permission and validation checks, the batch, the Core
bulk insert, the audit row and the commit.  The reference inserts the very
same activity rows with the standard library's sqlite3 ``executemany`` in one
transaction, in the same run, on the same file.

    python bench/bench_flood_fill.py [--source PATH (default: bench/reference.py)] [--jobs 5000] [--runs 3]
                                     [--pre-authorise]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

from reference import reference_database  # bench/reference.py: builds the dataset on first use
from sqlalchemy import select

from db.engine import DatabaseTarget
from db.migrate import open_database
from db.models import AppUser, Job, Level, Module
from db.scope import scope_for
from db.services.flood_fill import FloodFillSpec, create_flood_fill

COLUMNS = (
    "version, job_id, organisation_id, title, activity_type, provider, starts_on, ends_on, period_id, "
    "course_fee_pence, cover_cost_pence, travel_cost_pence, other_cost_pence, cover_days, created_by_job_id, "
    "created_at, flood_fill_batch_id, line_manager_state, cpd_team_state, partnership_state, completion_state"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=None, help="default: the reference dataset (bench/reference.py)")
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--pre-authorise",
        action="store_true",
        help="pre-authorise (F5): also one decision audit row and notification per job",
    )
    args = parser.parse_args()
    args.source = args.source or str(reference_database())

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite"
        shutil.copyfile(args.source, path)
        db = open_database(DatabaseTarget.parse(str(path)))
        with db.read() as session:
            alex = session.scalars(select(AppUser.id).where(AppUser.username == "alex.morgan")).one()
            creator = session.scalars(select(AppUser.job_id).where(AppUser.id == alex)).one()
            assert creator is not None, "alex.morgan has no job"
            scope = scope_for(session, alex)
            orgs = sorted(scope.orgs(Module.FLOOD_FILL, at_least=Level.DECIDE))
            jobs = session.execute(
                select(Job.id, Job.organisation_id)
                .where(Job.organisation_id.in_(orgs), Job.active.is_(True), Job.id != creator)
                .order_by(Job.id)
                .limit(args.jobs)
            ).all()
        assert len(jobs) == args.jobs, f"only {len(jobs)} jobs in scope"
        spec = FloodFillSpec(
            title="INSET: assessment for learning (bench)",
            activity_type="INSET",
            provider="Trust teaching school hub",
            starts_on=date(2025, 11, 3),
            ends_on=date(2025, 11, 3),
            creator_job_id=creator,
            course_fee_pence=2500,
            pre_authorise=args.pre_authorise,
        )
        ours, reference = [], []
        for _ in range(args.runs):
            started = time.perf_counter()
            result = create_flood_fill(db, alex, spec, [job_id for job_id, _org in jobs])
            ours.append(time.perf_counter() - started)
            assert result.activity_count == args.jobs

            raw = sqlite3.connect(path, isolation_level=None)
            period_id = raw.execute(
                "SELECT period_id FROM cpd_activities WHERE flood_fill_batch_id = ? LIMIT 1", (result.batch_id,)
            ).fetchone()[0]
            now = datetime.now().isoformat(sep=" ")
            rows = [
                (1, job_id, org_id, spec.title, spec.activity_type, spec.provider, "2025-11-03", "2025-11-03",
                 period_id, 2500, 0, 0, 0, 0.0, creator, now, result.batch_id, "pending", "pending", "pending",
                 "not_completed")
                for job_id, org_id in jobs
            ]  # fmt: skip
            started = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            raw.executemany(f"INSERT INTO cpd_activities ({COLUMNS}) VALUES ({', '.join('?' * 21)})", rows)
            raw.execute("COMMIT")
            reference.append(time.perf_counter() - started)
            raw.close()
        db.dispose()

    ours_s, ref_s = statistics.median(ours), statistics.median(reference)
    kind = "pre-authorised flood fill" if args.pre_authorise else "flood fill"
    print(f"{kind} onto {args.jobs:,} jobs (service, median of {args.runs}): {ours_s * 1000:.0f} ms")
    print(f"raw sqlite3 executemany of the same rows (median of {args.runs}):   {ref_s * 1000:.0f} ms")
    print(f"ratio: {ours_s / ref_s:.2f}x (aim <= 2x)")


if __name__ == "__main__":
    main()
