"""What a filter change in the real window is measured against: the same page, read once by Qt's own model.

The reference is what a plain Qt program would do for the page the panel shows: the statements our
first page sends to the database (the page's SELECT; on PostgreSQL, for all periods, the ids merged
across the periods and then their rows), run once by ``QSqlQuery`` with Qt's own driver, the last one
in a ``QSqlQueryModel`` painted in a view of the panel's size, and the same statements bare on the
Python driver.  Only the page's statements are taken: the scope's fingerprint and the small reads
beside it (``decide_rules``) are ours to pay, not the reference's.

* SQLite: Qt's QSQLITE on the same file, the SELECT prepared with the same bound values; bare, the
  standard library's ``sqlite3``.
* PostgreSQL: Qt's QPSQL on the same server, each statement with its values written in (psycopg's
  client-side ``mogrify``: QPSQL binds no arrays, and the scope's schools go as one); bare, psycopg.
"""

from __future__ import annotations

import sqlite3
import time
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

from PySide6.QtSql import QSqlDatabase, QSqlQuery, QSqlQueryModel
from sqlalchemy import event

from db.engine import Database
from db.queries import activities as q

Statement = tuple[str, tuple[Any, ...]]


def _captured(db: Database, user_id: int, filt: q.ActivityFilter, wanted: Any) -> list[tuple[str, Any]]:
    """The statements ``first_rows`` sends for ``filt`` that ``wanted(statement)`` accepts, in order."""
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if wanted(statement):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        q.first_rows(db, user_id, filt)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return seen


def _fetch_all(query: QSqlQuery) -> None:
    while query.next():
        pass


class PageReference(ABC):
    """The reference's side of a filter change, on one database (``SqliteReference``, ``PostgresReference``)."""

    driver = ""  # Qt's driver: QSQLITE, QPSQL

    def __init__(self) -> None:
        self.qdb = QSqlDatabase.addDatabase(self.driver, "bench-reference")
        self._configure(self.qdb)
        if not self.qdb.open():
            raise RuntimeError(f"Qt's {self.driver} driver could not open the database: {self.qdb.lastError().text()}")

    @abstractmethod
    def _configure(self, qdb: QSqlDatabase) -> None:
        """Point Qt's connection at the same database."""

    @abstractmethod
    def statements(self, db: Database, user_id: int, filt: q.ActivityFilter) -> list[Statement]:
        """The page's statements and their values, as this database's Qt driver takes them."""

    def show(self, model: QSqlQueryModel, statements: list[Statement]) -> None:
        """Run the statements once with Qt's driver, the last into ``model``."""
        *before, (sql, values) = statements
        for earlier, earlier_values in before:
            _fetch_all(self._exec(earlier, earlier_values))
        model.setQuery(self._exec(sql, values))

    def _exec(self, sql: str, values: tuple[Any, ...]) -> QSqlQuery:
        query = QSqlQuery(self.qdb)
        query.setForwardOnly(False)
        if values:
            query.prepare(sql)
            for value in values:
                query.addBindValue(value)
            ok = query.exec()
        else:
            ok = query.exec(sql)
        if not ok:
            raise RuntimeError(query.lastError().text())
        return query

    @abstractmethod
    def bare(self, statements: list[Statement]) -> float:
        """Seconds to run the statements bare on the Python driver and fetch their rows."""

    def close(self) -> None:
        self.qdb.close()
        self.qdb = QSqlDatabase()
        QSqlDatabase.removeDatabase("bench-reference")


class SqliteReference(PageReference):
    driver = "QSQLITE"

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__()

    def _configure(self, qdb: QSqlDatabase) -> None:
        qdb.setDatabaseName(str(self.path))

    def statements(self, db: Database, user_id: int, filt: q.ActivityFilter) -> list[Statement]:
        seen = _captured(
            db,
            user_id,
            filt,
            lambda sql: "LIMIT" in sql and "ORDER BY" in sql and "FROM cpd_activities LEFT OUTER JOIN jobs" in sql,
        )
        statement, parameters = seen[0]
        return [(statement, tuple(parameters))]

    def bare(self, statements: list[Statement]) -> float:
        raw = sqlite3.connect(self.path)
        try:
            t0 = time.perf_counter()
            for sql, values in statements:
                raw.execute(sql, values).fetchall()
            return time.perf_counter() - t0
        finally:
            raw.close()


class PostgresReference(PageReference):
    driver = "QPSQL"

    def __init__(self, url: str) -> None:
        import psycopg
        from sqlalchemy.engine import make_url

        self.url = make_url(url)
        self.raw = psycopg.connect(self.url.set(drivername="postgresql").render_as_string(hide_password=False))
        super().__init__()

    def _configure(self, qdb: QSqlDatabase) -> None:
        qdb.setHostName(self.url.host or "127.0.0.1")
        qdb.setPort(int(self.url.port or 5432))
        qdb.setUserName(self.url.username or "")
        qdb.setPassword(self.url.password or "")
        qdb.setDatabaseName(self.url.database or "")

    def statements(self, db: Database, user_id: int, filt: q.ActivityFilter) -> list[Statement]:
        import psycopg

        seen = _captured(db, user_id, filt, lambda sql: "FROM cpd_activities" in sql and "count(" not in sql)
        writer = psycopg.ClientCursor(self.raw)
        return [(writer.mogrify(sql, parameters), ()) for sql, parameters in seen]

    def bare(self, statements: list[Statement]) -> float:
        t0 = time.perf_counter()
        for sql, _values in statements:
            self.raw.execute(sql).fetchall()  # no values: psycopg sends the text as it is
        self.raw.rollback()
        return time.perf_counter() - t0

    def close(self) -> None:
        super().close()
        self.raw.close()
