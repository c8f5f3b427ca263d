"""Fast, portable bulk loading for the demo builders.

The large demo writes a million activity rows; the ORM would take many
minutes.  Rows are built as plain tuples with their primary keys chosen here
(so rows can refer to each other before anything is written) and inserted
with Core ``insert()`` executemany in chunks.  On SQLite the activity rows go
through the DBAPI connection directly, already encoded the way SQLAlchemy
stores dates (ISO text), which saves the per-value type processing that would
otherwise dominate the load.  Everything stays inside the caller's one
transaction, so a failed build leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from itertools import islice

from sqlalchemy import Index, Table, func, insert, select, text
from sqlalchemy.engine import Connection

from db.engine import Database
from db.models import CpdActivity

CHUNK_ROWS = 20_000
MINUTES_PER_DAY = 1440

ProgressCallback = Callable[[int, int, str], None]


class IdAllocator:
    """Hands out primary keys, starting after whatever a table already holds."""

    def __init__(self, conn: Connection, tables: Iterable[Table]) -> None:
        self._next = {table.name: (conn.scalar(select(func.max(table.c.id))) or 0) + 1 for table in tables}

    def take(self, table: Table, count: int = 1) -> int:
        """Reserve ``count`` consecutive ids and return the first."""
        first = self._next[table.name]
        self._next[table.name] = first + count
        return first


class BulkWriter:
    """Chunked executemany into one table, Core everywhere, raw DBAPI where it pays."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.raw_sqlite = conn.dialect.name == "sqlite"

    def insert(self, table: Table, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
        """Insert rows of Python values (dates as ``date`` objects) with Core."""
        count = 0
        statement = insert(table)
        for chunk in _chunks(rows, CHUNK_ROWS):
            self.conn.execute(statement, [dict(zip(columns, row, strict=True)) for row in chunk])
            count += len(chunk)
        return count

    def insert_encoded(self, table: Table, columns: Sequence[str], rows: Sequence[Sequence[object]]) -> int:
        """Insert rows already encoded by a ``Calendar`` made with ``as_text=self.raw_sqlite``."""
        if not rows:
            return 0
        if not self.raw_sqlite:
            return self.insert(table, columns, rows)
        quote = self.conn.dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        driver = self.conn.connection.driver_connection
        assert driver is not None
        driver.executemany(sql, rows)
        return len(rows)


def _chunks(rows: Iterable[Sequence[object]], size: int) -> Iterator[list[Sequence[object]]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


class Calendar:
    """Dates and timestamps for activity rows, cached and encoded once.

    Timestamps are counted in minutes since day 1 (``date.toordinal() * 1440 +
    minute``) so the generator does integer arithmetic only.  With
    ``as_text`` the values come out as SQLAlchemy's SQLite storage strings;
    otherwise as ``date``/``datetime`` objects for Core.
    """

    def __init__(self, first: date, last: date, *, as_text: bool) -> None:
        self.base = first.toordinal()
        self.as_text = as_text
        self._days = [first + timedelta(days=n) for n in range(last.toordinal() - self.base + 1)]
        self._times = [time(m // 60, m % 60) for m in range(MINUTES_PER_DAY)]
        self._day_text = [d.isoformat() for d in self._days]
        self._time_text = [f"{t.hour:02d}:{t.minute:02d}:00.000000" for t in self._times]

    def day(self, ordinal: int) -> date | str:
        if self.as_text:
            return self._day_text[ordinal - self.base]
        return self._days[ordinal - self.base]

    def stamp(self, minutes: int) -> datetime | str:
        ordinal, minute = divmod(minutes, MINUTES_PER_DAY)
        if self.as_text:
            return f"{self._day_text[ordinal - self.base]} {self._time_text[minute]}"
        return datetime.combine(self._days[ordinal - self.base], self._times[minute])


def minute_to_datetime(minutes: int) -> datetime:
    """The ``datetime`` for a ``Calendar`` minute count, for rows written with Core."""
    ordinal, minute = divmod(minutes, MINUTES_PER_DAY)
    return datetime.combine(date.fromordinal(ordinal), time(minute // 60, minute % 60))


def activity_indexes() -> list[Index]:
    """The secondary indexes of ``cpd_activities``, as declared on the model."""
    table = CpdActivity.__table__
    assert isinstance(table, Table)
    return sorted(table.indexes, key=lambda index: index.name or "")


@contextmanager
def without_activity_indexes(conn: Connection, enabled: bool) -> Iterator[None]:
    """Drop the activity indexes for the load and build them once at the end.

    Building an index over finished data is several times faster than keeping
    seven indexes up to date row by row.  Inside the build's transaction, so a
    failure restores them with everything else.
    """
    indexes = activity_indexes() if enabled else []
    for index in indexes:
        index.drop(conn)
    yield
    for index in indexes:
        index.create(conn)


@contextmanager
def sqlite_bulk_pragmas(conn: Connection) -> Iterator[None]:
    """A bigger page cache while loading (index builds sort in it); restored after.

    Only the cache: settings such as ``temp_store`` cannot change inside the
    transaction the build runs in.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache or -2000)}")


def analyze(conn: Connection) -> None:
    """Fresh planner statistics, so the first queries on the new data use the indexes.

    A full pass (about a second for a million rows): sampled statistics
    misjudge how unselective a period is and lead the planner astray.
    """
    conn.exec_driver_sql("ANALYZE")


def compact_totals(db: Database) -> None:
    """PostgreSQL: rewrite the running totals' tables once the load's rows of changes are folded, and
    vacuum the activities.

    The load wrote a row of changes to ``activity_totals`` and ``activity_text_totals`` per activity
    and the fold then replaced them with one row per key (``db.services.activity_totals``), leaving
    the deleted rows' space behind: 82,000 rows in 670 MB at five million activities, every page read
    by a count of all periods (0.2 s instead of 10 ms).  ``VACUUM FULL`` rewrites each table to its
    live rows.  The activities are vacuumed as autovacuum would in time: until their pages are marked
    all-visible, PostgreSQL reads "tick all"'s figures from the table rather than from their index
    alone (24 s at five million activities).  ``VACUUM`` cannot run inside a transaction, hence a
    connection of its own.
    """
    if db.target.is_sqlite:
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (FULL, ANALYZE) activity_totals, activity_text_totals")
        conn.exec_driver_sql("VACUUM (ANALYZE) cpd_activities")


def advance_sequences(conn: Connection, tables: Iterable[Table]) -> None:
    """PostgreSQL: move each serial past the ids chosen here, or the app's next insert collides."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:name, 'id'), "
                f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {conn.dialect.identifier_preparer.quote(table.name)}), false)"
            ),
            {"name": table.name},
        )


class Progress:
    """Calls the GUI's ``progress(done, total, text)``, never going backwards or past the total."""

    def __init__(self, callback: ProgressCallback | None, total: int) -> None:
        self._callback = callback
        self.total = max(total, 1)
        self.done = 0

    def advance(self, units: int, text: str) -> None:
        self.done = min(self.total, self.done + max(units, 0))
        if self._callback is not None:
            self._callback(self.done, self.total, text)

    def finish(self, text: str) -> None:
        self.advance(self.total - self.done, text)
