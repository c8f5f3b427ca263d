"""The statements a Partnership CPD first page really sends, and what each SQLite makes of them.

Shared by tests/test_activity_plans.py and bench/plans.py.  The statements are
caught on their way to the driver while ``first_rows`` runs, with the driver's
own parameters, so another SQLite (``apsw`` bundles the newest) runs exactly
what the program runs.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from db.engine import Database
from db.models import CpdActivity, Job, LineManagerState, PartnershipState
from db.queries import activities as q

Statement = tuple[str, Any]  # the SQL and its parameters as the driver takes them

#: every sort of the list: each one's first page is read in an index's order (by period: period by period)
INDEXED_SORTS = tuple(q.SORT_COLUMNS)


@dataclass(frozen=True)
class Presets:
    """The filters a CPD lead starts from: a period and its queue tabs, all periods, and two narrow ones."""

    period_id: int
    organisation_id: int
    person_id: int

    def broad(self) -> dict[str, q.ActivityFilter]:
        period = self.period_id
        tabs = {
            f"period + {state.value.replace('_', ' ')}": q.ActivityFilter(period_id=period, partnership_state=state)
            for state in PartnershipState
        }
        return {
            "period": q.ActivityFilter(period_id=period),
            **tabs,
            "period + line manager pending": q.ActivityFilter(
                period_id=period, line_manager_state=LineManagerState.PENDING
            ),
            "pending and started": q.ActivityFilter(pending_started=True),
            "all periods": q.ActivityFilter(),
        }

    def narrow(self) -> dict[str, q.ActivityFilter]:
        return {
            "period + one school": q.ActivityFilter(period_id=self.period_id, organisation_id=self.organisation_id),
            "all requests of one person": q.ActivityFilter(person_id=self.person_id),
        }


def presets_of(db: Database, organisation_ids: Sequence[int]) -> Presets:
    """The presets on this database: the busiest period, one of these schools with requests in it, and
    a person with requests there."""
    with db.read() as session:
        busiest = session.execute(
            select(CpdActivity.period_id).group_by(CpdActivity.period_id).order_by(func.count().desc()).limit(1)
        ).scalar_one()
        school, person = session.execute(
            select(CpdActivity.organisation_id, Job.person_id)
            .join(Job, Job.id == CpdActivity.job_id)
            .where(CpdActivity.period_id == busiest, CpdActivity.organisation_id.in_(organisation_ids))
            .limit(1)
        ).one()
    return Presets(period_id=busiest, organisation_id=school, person_id=person)


@contextmanager
def caught_page_reads(db: Database, with_counts: bool = False) -> Iterator[list[Statement]]:
    """Every statement that reads a page of activities in an order, as sent to the driver; ``with_counts``
    adds the bounded counts that decide how a small queue is read."""
    caught: list[Statement] = []

    def catch(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        paged = "FROM cpd_activities" in statement and "LIMIT" in statement
        by_id = "WHERE cpd_activities.id = ANY" in statement  # a merged page's rows, read by id (PostgreSQL)
        if (paged and (with_counts or "ORDER BY" in statement)) or by_id:
            caught.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", catch)
    try:
        yield caught
    finally:
        event.remove(db.engine, "before_cursor_execute", catch)


def page_reads(db: Database, user_id: int, filt: q.ActivityFilter, with_counts: bool = False) -> list[Statement]:
    """The statements ``first_rows`` sends for this filter (several for all periods by start date)."""
    with caught_page_reads(db, with_counts) as caught:
        q.first_rows(db, user_id, filt)
    assert caught, f"no page read caught for {filt}"
    return caught


# -- running them on a SQLite ----------------------------------------------------------------------

Runner = Callable[[str, Any], list[tuple[Any, ...]]]


@dataclass
class Sqlite:
    """One SQLite library: its version and a way to run a statement on the database file."""

    name: str
    version: str
    run: Runner
    close: Callable[[], None]


def stdlib_sqlite(path: Path) -> Sqlite:
    conn = sqlite3.connect(path)
    return Sqlite(
        "sqlite3", sqlite3.sqlite_version, lambda sql, params: conn.execute(sql, params).fetchall(), conn.close
    )


def apsw_sqlite(path: Path) -> Sqlite | None:
    """apsw's own SQLite (a newer one than Python's), or None where apsw is not installed."""
    try:
        import apsw
    except ImportError:
        return None
    conn = apsw.Connection(str(path))
    return Sqlite("apsw", apsw.sqlite_lib_version(), lambda sql, params: list(conn.execute(sql, params)), conn.close)


def plan(sqlite: Sqlite, statement: Statement) -> list[str]:
    sql, params = statement
    return [str(row[-1]) for row in sqlite.run("EXPLAIN QUERY PLAN " + sql, params)]


def sorts(details: Sequence[str]) -> bool:
    """Whether the plan sorts its rows for the ORDER BY (all of them, or what comes after an index's order)."""
    return any("TEMP B-TREE" in line and "ORDER BY" in line for line in details)


def timed(sqlite: Sqlite, statements: Sequence[Statement], repeats: int = 3) -> float:
    """Median seconds to run all the statements of one first page and fetch their rows (after one warm-up)."""
    times = []
    for attempt in range(repeats + 1):
        t0 = time.perf_counter()
        for sql, params in statements:
            sqlite.run(sql, params)
        if attempt:
            times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]
