"""How long a full dashboard refresh takes on the large demo (DB1: aim < 0.5 s).

Usage: python bench/bench_dashboard.py [DB] [USERNAME]   (default: the reference dataset, bench/reference.py; sam.patel)

Our figure: ``dashboard_figures`` for the whole trust and the current period
(every card, the monthly series and spend per school), median of 5 runs.
Reference, measured in the same run: the cheapest possible read of the same
rows, one raw ``sqlite3`` ``SELECT count(*), sum(total_cost_pence)`` scan of
the period, and a naive per-organisation loop of the same aggregate.  The
database is opened read-only.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from reference import reference_database  # bench/reference.py: builds the dataset on first use

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.engine import DatabaseTarget
from db.migrate import open_database
from db.queries.dashboard import dashboard_figures
from db.queries.lookups import load_lookups
from db.queries.users import list_users


def median_seconds(work: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else str(reference_database())
    username = sys.argv[2] if len(sys.argv) > 2 else "sam.patel"
    db = open_database(DatabaseTarget.parse(f"sqlite:///file:{path}?mode=ro&uri=true"))
    user = next(u for u in list_users(db) if u.username == username)
    period_id = load_lookups(db, user.id).current_period_id
    assert period_id is not None
    figures = dashboard_figures(db, user.id, period_id)
    ours = median_seconds(lambda: dashboard_figures(db, user.id, period_id))

    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    scan = "SELECT count(*), sum(total_cost_pence) FROM cpd_activities WHERE period_id + 0 = ?"
    reference = median_seconds(lambda: raw.execute(scan, (period_id,)).fetchone())
    org_ids = [row[0] for row in raw.execute("SELECT DISTINCT organisation_id FROM cpd_activities")]
    per_org = "SELECT count(*), sum(total_cost_pence) FROM cpd_activities WHERE period_id = ? AND organisation_id = ?"
    naive = median_seconds(lambda: [raw.execute(per_org, (period_id, org)).fetchone() for org in org_ids], runs=3)
    db.dispose()

    print(
        f"dashboard on {Path(path).name} as {username}: {figures.activities:,} activities in the period, "
        f"{len(figures.spend)} organisations, {len(figures.months)} months"
    )
    print(f"ours: full dashboard_figures refresh        {ours * 1000:8.1f} ms  (target < 500 ms)")
    print(f"reference: one raw COUNT/SUM scan            {reference * 1000:8.1f} ms  ratio {ours / reference:.2f}x")
    print(f"reference: naive per-organisation loop ({len(org_ids)}) {naive * 1000:8.1f} ms  ratio {ours / naive:.2f}x")


if __name__ == "__main__":
    main()
