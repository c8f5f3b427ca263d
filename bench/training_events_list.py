"""The events list's first page: paged in SQL, along an index, whatever the number of events.

Usage: python bench/training_events_list.py DB [USERNAME] [--add N]

Times ``event_page`` (the count and the first 100 rows with their booked and waiting counts) for each
view, median of 5 runs, and prints SQLite's plan for the page's query.  The demo trusts hold only a
handful of events (8 at every scale), so ``--add N`` first copies the database to a temporary file
and adds N published events with a session each, spread over five years: the original is never
changed.  The database is otherwise read only.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from db.engine import DatabaseTarget
from db.migrate import open_database
from db.models import TrainingEvent
from db.queries.training_events import PAGE_SIZE, EventFilter, EventView, _conditions, _ordered, event_page
from db.queries.users import list_users
from db.scope import scope_for


def add_events(path: Path, count: int) -> None:
    """``count`` published events run by the trust, one session each, from two years ago onwards."""
    con = sqlite3.connect(path)
    trust = con.execute("SELECT id FROM organisations WHERE kind = 'trust'").fetchone()[0]
    first = date.today() - timedelta(days=730)
    events = []
    for n in range(count):
        day = (first + timedelta(days=n % 1825)).isoformat()
        events.append((trust, f"Bench event {n}", day, day, 30, 1, "Bench provider", "Course"))
    con.executemany(
        "INSERT INTO training_events (organisation_id, title, starts_on, ends_on, places, published, provider, "
        "activity_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        events,
    )
    con.execute(
        "INSERT INTO training_event_sessions (event_id, on_date, location) "
        "SELECT id, starts_on, 'Bench hall' FROM training_events WHERE title LIKE 'Bench event %'"
    )
    con.commit()
    con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("username", nargs="?", default="sam.patel")
    parser.add_argument("--add", type=int, default=0, metavar="N", help="add N events to a temporary copy first")
    args = parser.parse_args()
    path = args.db
    scratch = None
    if args.add:
        scratch = Path(tempfile.mkdtemp(prefix="events-bench-"))
        path = scratch / args.db.name
        shutil.copy(args.db, path)
        add_events(path, args.add)
    db = open_database(DatabaseTarget.parse(str(path)))
    try:
        user = next(u for u in list_users(db) if u.username == args.username)
        with db.read() as session:
            total = session.scalar(select(TrainingEvent.id).order_by(TrainingEvent.id.desc()).limit(1))
        print(f"{path.name}: events up to id {total:,}; first page of {PAGE_SIZE} as {args.username}")
        for view in EventView:
            filt = EventFilter(view=view)
            page = event_page(db, user.id, filt)
            times = []
            for _ in range(5):
                start = time.perf_counter()
                event_page(db, user.id, filt)
                times.append(time.perf_counter() - start)
            print(f"  {view.value:10} {page.total:>7,} events, {len(page.rows):>3} on the page: "
                  f"{statistics.median(times) * 1000:6.1f} ms")  # fmt: skip
        with db.read() as session:
            scope = scope_for(session, user.id)
            query = _ordered(select(TrainingEvent.id).where(*_conditions(scope, EventFilter())), EventView.UPCOMING)
            compiled = query.limit(PAGE_SIZE).compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
        print("  plan of the upcoming page:", "; ".join(str(row[-1]) for row in plan))
    finally:
        db.dispose()
        if scratch is not None:
            shutil.rmtree(scratch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
