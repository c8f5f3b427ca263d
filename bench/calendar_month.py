"""The calendar at a million activities: a month painted, against the same range query in raw SQL.

    python bench/calendar_month.py [--month 2026-11] [--repeat 7]

As sam.patel (a CPD lead over the whole trust) on the large demo (``bench/reference.py``):

1. the month grid of the whole trust: ``load_calendar`` (scope, the range in SQL, the per-day counts,
   the sessions) → ``CalendarGrid.set_view`` → a synchronous paint at 1366×680, offscreen;
2. the same for one school (activities named one by one);
3. the reference, in the same run: the same range query, as the SQL the query layer sends,
   run through the standard library's ``sqlite3`` on the same file (no scope work, no objects,
   no paint);
4. "who is out" for a week of the whole trust (by name, grouped by school).

Prints medians after one warm-up run, and the query plans of each branch of the range query.
A reference file built before the Calendar permission existed is given it for sam.patel first.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication
from reference import reference_database  # bench/reference.py: builds the dataset on first use
from sqlalchemy import case, func, select

from db.engine import Database, DatabaseTarget
from db.migrate import open_database
from db.models import AppUser, CpdActivity, Level, Module
from db.queries.calendar import CalendarFilter, _bucket, activity_branches, calendar_scope, load_calendar
from db.queries.calendar_out import who_is_out
from db.scope import scope_for
from db.services.grants import GrantSpec, give_grant
from desktop.modules.calendar.grid import CalendarGrid


def user(db: Database, name: str) -> int:
    with db.read() as session:
        return session.scalars(select(AppUser.id).where(AppUser.username == name)).one()


def timed(work: Callable[[], object], repeat: int) -> float:
    work()  # warm-up: caches, the first query plan
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def ensure_permission(db: Database, sam: int) -> None:
    with db.read() as session:
        has = scope_for(session, sam).best_level(Module.CALENDAR) >= Level.VIEW
    if not has:
        print("The reference file predates the Calendar permission: giving it to sam.patel.", file=sys.stderr)
        give_grant(db, user(db, "alex.morgan"), sam, GrantSpec(Module.CALENDAR, Level.VIEW, title="CPD lead"))


def raw_sql(db: Database, sam: int, filt: CalendarFilter) -> list[str]:
    """The SQL of the range query's branches (per-day counts), with the values written in."""
    first = case((CpdActivity.starts_on < filt.starts_on, filt.starts_on), else_=CpdActivity.starts_on)
    last = case((CpdActivity.ends_on > filt.ends_on, filt.ends_on), else_=CpdActivity.ends_on)
    bucket = _bucket(filt.states)
    with db.read() as session:
        scope = calendar_scope(session, sam)
        return [
            str(
                select(first, last, bucket, func.count())
                .where(*conditions)
                .group_by(first, last, bucket)
                .compile(session.get_bind(), compile_kwargs={"literal_binds": True})
            )
            for conditions in activity_branches(session, scope, filt)
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2026-11", help="the month to show, YYYY-MM")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    path = reference_database()
    db = open_database(DatabaseTarget.parse(str(path)))
    app = QApplication.instance() or QApplication([])
    sam = user(db, "sam.patel")
    ensure_permission(db, sam)
    year, month = (int(part) for part in args.month.split("-"))
    first_day = date(year, month, 1)
    grid = CalendarGrid(6)
    grid.resize(1366, 680)
    grid.show()
    app.processEvents()
    start = first_day - timedelta(days=first_day.weekday())
    whole = CalendarFilter(start, start + timedelta(days=41))

    def month_painted(filt: CalendarFilter) -> Callable[[], object]:
        def work() -> object:
            grid.show_range(filt.starts_on, month)
            view = load_calendar(db, sam, filt)
            grid.set_view(view)
            grid.repaint()  # synchronous: returns once the grid is painted
            return view

        return work

    trust_view = load_calendar(db, sam, whole)
    with db.read() as session:
        school = session.scalar(
            select(CpdActivity.organisation_id)
            .where(CpdActivity.starts_on >= whole.starts_on, CpdActivity.starts_on <= whole.ends_on)
            .limit(1)
        )
    one = CalendarFilter(whole.starts_on, whole.ends_on, organisation_id=school)
    school_view = load_calendar(db, sam, one)
    ours = timed(month_painted(whole), args.repeat)
    ours_school = timed(month_painted(one), args.repeat)
    statements = raw_sql(db, sam, whole)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    reference = timed(lambda: [connection.execute(sql).fetchall() for sql in statements], args.repeat)
    week = monday = first_day + timedelta(days=(7 - first_day.weekday()) % 7)
    out_time = timed(lambda: who_is_out(db, sam, monday, monday + timedelta(days=6)), args.repeat)
    out = who_is_out(db, sam, week, week + timedelta(days=6))

    print(f"Large demo: {path}")
    print(f"Month {args.month} ({whole.starts_on} – {whole.ends_on}), median of {args.repeat}:")
    print(
        f"  whole trust, to painted: {ours * 1000:.0f} ms for {trust_view.activity_count:,} activities and "
        f"{len(trust_view.sessions)} sessions (target < 200 ms)"
    )
    print(f"  raw sqlite3, the same range query: {reference * 1000:.0f} ms  → ratio {ours / reference:.2f}×")
    print(f"  one school, to painted: {ours_school * 1000:.0f} ms for {school_view.activity_count:,} activities named")
    print(
        f"  who is out, week of {week}: {out_time * 1000:.0f} ms for {out.people:,} people "
        f"({out.activities:,} activities) at {len(out.organisations)} schools"
    )
    print("Query plans of the branches:")
    for sql in statements:
        for row in connection.execute("EXPLAIN QUERY PLAN " + sql):
            print("  ", row[-1])
    connection.close()
    db.dispose()


if __name__ == "__main__":
    main()
