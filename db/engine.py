"""Which database to open, and the engine and sessions for it.

Nothing here runs at import time: ``open_database`` is called once at start-up
(by the GUI, the CLI or a test) and returns a ``Database`` that the rest of the
program is handed.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from db.errors import DatabaseOpenError

ENV_URL = "TRUSTDESK_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class DatabaseTarget:
    """A database the user asked for: a SQLite file or any SQLAlchemy URL.

    ``may_create`` says whether the user asked for a new database: only the
    demo, the first-start welcome dialog and an explicit "create" do. Every
    other way of naming a file (a command's ``--db``, File › Connect to
    database…) is an existing database, and a mistyped path is refused rather
    than turned into an empty database left behind (``must_exist``).
    """

    url: URL
    may_create: bool = field(default=True, compare=False)

    @classmethod
    def parse(cls, value: str) -> DatabaseTarget:
        """Accept a SQLAlchemy URL (``postgresql+psycopg://…``) or a file path."""
        if "://" in value:
            try:
                url = make_url(value)
            except ArgumentError as exc:
                raise DatabaseOpenError(f"“{value}” is not a database address TrustDesk understands.") from exc
            if url.drivername == "postgresql":
                url = url.set(drivername="postgresql+psycopg")
            return cls(url)
        path = Path(value).expanduser().resolve()
        return cls(URL.create("sqlite", database=str(path)))

    @classmethod
    def resolve(cls, explicit: str | None, default_path: Path) -> DatabaseTarget:
        """``--db`` wins, then ``TRUSTDESK_DATABASE_URL``, then the default file."""
        value = explicit or os.environ.get(ENV_URL)
        if value:
            return cls.parse(value)
        return cls(URL.create("sqlite", database=str(default_path)))

    @classmethod
    def server(cls, host: str, port: int, database: str, login: str, password: str | None = None) -> DatabaseTarget:
        """A PostgreSQL database on a server, connected to with the person's own login."""
        return cls(
            URL.create(
                "postgresql+psycopg", username=login, password=password or None, host=host, port=port, database=database
            )
        )

    @property
    def address(self) -> str:
        """What to remember and show: the file path, or the URL without any password."""
        if self.sqlite_path is not None:
            return str(self.sqlite_path)
        return self.url._replace(password=None).render_as_string(hide_password=False)  # set() ignores None

    def with_password(self, password: str | None) -> DatabaseTarget:
        return replace(self, url=self.url._replace(password=password or None))

    def must_exist(self) -> DatabaseTarget:
        """The same database, to be opened only if it is already there (never created)."""
        return replace(self, may_create=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    @property
    def display(self) -> str:
        """For the status bar and logs: the file path, or the URL with no password."""
        if self.sqlite_path is not None:
            return str(self.sqlite_path)
        return self.url.render_as_string(hide_password=True)

    @property
    def short_name(self) -> str:
        """For the window title: the file's name, or the database and its server."""
        if self.sqlite_path is not None:
            return self.sqlite_path.name
        if self.url.host:
            return f"{self.url.database or self.url.get_backend_name()} on {self.url.host}"
        return self.url.database or self.url.get_backend_name()


#: the SQL name of Python's str.lower on every SQLite connection
SQLITE_UNICODE_LOWER = "unicode_lower"


def _unicode_lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys and a busy timeout on every connection (DESIGN §3).

    pysqlite's own transaction handling is switched off so that we can say
    ``BEGIN IMMEDIATE`` for writes: a deferred transaction that later wants to
    write can fail with "database is locked" without waiting for the timeout.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()
        # SQLite's lower() folds ASCII only; searches for other letters use this (db/queries/text_search.py)
        dbapi_connection.create_function(SQLITE_UNICODE_LOWER, 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


def create_engine_for(target: DatabaseTarget) -> Engine:
    if target.is_sqlite:
        engine = sa.create_engine(target.url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    from db.models.base import Base, partial_on_postgresql

    partial_on_postgresql(Base.metadata)
    return sa.create_engine(
        target.url,
        pool_pre_ping=True,
        connect_args={"connect_timeout": 5, "application_name": "TrustDesk"},
    )


class Database:
    """An open, migrated database: hand this to queries and services."""

    def __init__(self, target: DatabaseTarget, engine: Engine) -> None:
        self.target = target
        self.engine = engine
        self._server_login: str | None = None
        self._reader = sessionmaker(engine, expire_on_commit=False)
        write_engine = engine.execution_options(sqlite_begin="IMMEDIATE") if target.is_sqlite else engine
        self._writer = sessionmaker(write_engine, expire_on_commit=False)

    @property
    def display(self) -> str:
        return self.target.display

    @property
    def identity(self) -> str:
        """Who is connected, as the database sees it (recorded in the audit log).

        On a server this is ``current_user`` as the server reports it — the
        login it authenticated, not whatever name the URL claims — asked once
        and remembered.  On a SQLite file it is the laptop's account.
        """
        if self._server_login is None:
            if self.target.is_sqlite:
                try:
                    self._server_login = f"local:{getpass.getuser()}"
                except Exception:
                    self._server_login = "local"
            else:
                with self.engine.connect() as connection:
                    self._server_login = str(connection.exec_driver_sql("SELECT current_user").scalar())
        return self._server_login

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only session; nothing is committed."""
        with self._reader() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction per user action: commit on success, roll back on any error."""
        with self._writer() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
