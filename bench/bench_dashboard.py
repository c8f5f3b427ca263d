"""How long a dashboard refresh takes on the large demo (DB1: aim < 100 ms at 5,000,000 activities).

Usage: python bench/bench_dashboard.py [DB] [USERNAME]   (default: the reference dataset, bench/reference.py; sam.patel)

Our figure: ``dashboard_figures`` for the whole trust and the current period (every card, the
monthly series and spend per school), median of 5 runs.  It reads the running totals the
database keeps (``activity_totals``, migration 0015).  Reference, measured in the same run: the
one grouped scan of the period's activities per organisation and month that the dashboard ran
before, in raw ``sqlite3`` (the same sums, the same organisations).  The rest of the panel's
refresh (the free-places card, what the CPD was worth, the lookups, the sharing banner) is timed
part by part, and what the CPD was worth beside its own reads of the activities run bare in raw
``sqlite3``.  A file at an older schema is migrated first, timed (the backfill is one grouped
pass over every activity).
"""

from __future__ import annotations

import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reference import DEFAULT, reference_database  # bench/reference.py: builds the dataset on first use

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event

import db.migrate as migrate
from db.engine import Database, DatabaseTarget
from db.migrate import declared_head, open_database
from db.models import Module
from db.queries.dashboard import dashboard_figures
from db.queries.data_sharing import sharing_summary
from db.queries.evaluation_figures import evaluation_figures
from db.queries.lookups import load_lookups
from db.queries.training_events import upcoming_with_free_places
from db.queries.users import list_users
from db.scope import scope_for

#: the dashboard's query before migration 0015: one pass over the period, grouped per organisation and month
OLD_SCAN = """
SELECT organisation_id + 0 AS org, substr(starts_on, 1, 7), count(*),
       sum(CASE WHEN line_manager_state = 'pending' AND partnership_state <> 'withdrawn' THEN 1 ELSE 0 END),
       sum(CASE WHEN cpd_team_state = 'pending' AND partnership_state <> 'withdrawn' THEN 1 ELSE 0 END),
       sum(CASE WHEN partnership_state = 'pending' THEN 1 ELSE 0 END),
       sum(CASE WHEN partnership_state = 'needs_reauthorisation' THEN 1 ELSE 0 END),
       sum(CASE WHEN partnership_state = 'authorised' THEN 1 ELSE 0 END),
       sum(CASE WHEN partnership_state = 'authorised' THEN total_cost_pence ELSE 0 END),
       sum(CASE WHEN partnership_state IN ('pending', 'needs_reauthorisation') THEN total_cost_pence ELSE 0 END),
       sum(CASE WHEN partnership_state = 'authorised' THEN cover_days ELSE 0 END),
       sum(CASE WHEN completion_state = 'completed' THEN 1 ELSE 0 END),
       sum(CASE WHEN completion_state = 'completed' AND evaluation IS NULL THEN 1 ELSE 0 END)
FROM cpd_activities WHERE period_id + 0 = ? GROUP BY org, 2 HAVING org IN ({orgs})
"""


def worth_statements(db: Database, user_id: int, period_id: int) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements ``evaluation_figures`` runs against the activities, with their bound values."""
    seen: list[tuple[str, tuple[Any, ...]]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "FROM cpd_activities" in statement:
            seen.append((statement, tuple(parameters)))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        evaluation_figures(db, user_id, period_id, None)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return seen


def median_seconds(work: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def migrate_timed(path: Path) -> None:
    """Bring an older file to the current schema, timed (and its backup copy timed on its own)."""
    if not path.exists():
        return
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as raw:
        current = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    if current == declared_head():
        return
    backup = migrate.backup_sqlite
    copied: list[float] = []

    def timed_backup(path: Path, revision: str | None) -> Path:
        started = time.perf_counter()
        result = backup(path, revision)
        copied.append(time.perf_counter() - started)
        return result

    migrate.backup_sqlite = timed_backup
    try:
        started = time.perf_counter()
        open_database(DatabaseTarget.parse(str(path))).dispose()
        elapsed = time.perf_counter() - started
    finally:
        migrate.backup_sqlite = backup
    print(
        f"migrated {path.name} from {current} to {declared_head()} in {elapsed:.1f} s "
        f"(of which the backup copy before it: {sum(copied):.1f} s)"
    )


def main() -> None:
    given = sys.argv[1] if len(sys.argv) > 1 else None
    migrate_timed(Path(given or os.environ.get("TRUSTDESK_BENCH_DB") or DEFAULT))
    path = given or str(reference_database())
    username = sys.argv[2] if len(sys.argv) > 2 else "sam.patel"
    db = open_database(DatabaseTarget.parse(path))  # already migrated; nothing here writes
    user = next(u for u in list_users(db) if u.username == username)
    period_id = load_lookups(db, user.id).current_period_id
    assert period_id is not None
    figures = dashboard_figures(db, user.id, period_id)
    ours = median_seconds(lambda: dashboard_figures(db, user.id, period_id))
    with db.read() as session:
        orgs = sorted(scope_for(session, user.id).orgs(Module.DASHBOARD))
    parts = {
        "free-places card": lambda: upcoming_with_free_places(db, user.id),
        "what the CPD was worth": lambda: evaluation_figures(db, user.id, period_id, None),
        "lookups (first refresh only)": lambda: load_lookups(db, user.id, Module.DASHBOARD),
        "sharing banner": lambda: sharing_summary(db, user.id),
    }
    timed = {name: median_seconds(work) for name, work in parts.items()}

    raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    scan = OLD_SCAN.format(orgs=", ".join(map(str, orgs)))
    grouped = raw.execute(scan, (period_id,)).fetchall()
    reference = median_seconds(lambda: raw.execute(scan, (period_id,)).fetchall())
    worth = worth_statements(db, user.id, period_id)
    worth_reference = median_seconds(lambda: [raw.execute(sql, values).fetchall() for sql, values in worth])
    with_activities = {row[0] for row in grouped}
    activities = sum(row[2] for row in grouped)
    authorised = sum(row[8] for row in grouped)
    raw.close()
    db.dispose()
    assert (figures.activities, figures.authorised_pence) == (activities, authorised), "the totals differ from a scan"
    assert len(figures.spend) == len(with_activities)

    print(
        f"dashboard on {Path(path).name} as {username}: {figures.activities:,} activities in the period, "
        f"{len(figures.spend)} organisations, {len(figures.months)} months (the same as the scan)"
    )
    print(f"ours: dashboard_figures from the running totals   {ours * 1000:8.1f} ms  (target < 100 ms)")
    print(
        f"reference: the old grouped scan of the period      {reference * 1000:8.1f} ms  "
        f"ratio {ours / reference:.3f}x ({reference / ours:.0f} times quicker)"
    )
    for name, seconds in timed.items():
        print(f"   rest of the refresh: {name:<30} {seconds * 1000:8.1f} ms")
    print(
        f"   reference: what the CPD was worth's {len(worth)} reads of the activities, bare in raw sqlite3 "
        f"{worth_reference * 1000:.1f} ms; ratio {timed['what the CPD was worth'] / worth_reference:.2f}x"
    )


if __name__ == "__main__":
    main()
