"""Open a database, refusing clearly what we cannot use, and migrate it to head.

Order matters: every check that can refuse happens before anything is
written, so a file that is not ours, or is from a newer TrustDesk, is left
exactly as it was.  A SQLite file is copied aside before a migration changes it.
"""

from __future__ import annotations

import ast
import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError

from db.engine import Database, DatabaseTarget, create_engine_for
from db.errors import CannotWrite, DatabaseOpenError, NewerSchema, NotADatabase, Unreachable

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_HEADER = b"SQLite format 3\x00"


def alembic_config(connection: Connection | None = None) -> Config:
    # Alembic (with Mako and Pygments) is imported only when it is needed: opening an
    # up-to-date SQLite file does without it, which saves a good part of start-up.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


class NoSuchDatabase(DatabaseOpenError):
    """A path that should name an existing database names nothing (or an empty file); nothing was created."""


def _refuse_missing(path: Path) -> None:
    """A command that works on an existing database was given a path with none: say so, create nothing."""
    if not path.exists():
        raise NoSuchDatabase(
            f"There is no TrustDesk database at {path}; check the folder and the file name. "
            "Nothing was created (`trustdesk demo --db PATH` builds a demo one)."
        )
    if path.is_file() and path.stat().st_size == 0:
        raise NoSuchDatabase(f"{path} is an empty file, not a TrustDesk database. It was left untouched.")


def _check_sqlite_file(path: Path) -> bool:
    """Refuse early; returns whether the file already existed."""
    if path.exists():
        if path.is_dir():
            raise NotADatabase(f"{path} is a folder, not a TrustDesk database file.")
        try:
            with path.open("rb") as fh:
                header = fh.read(len(SQLITE_HEADER))
        except OSError as exc:
            raise CannotWrite(f"TrustDesk cannot read {path}: {exc.strerror}.") from exc
        if header and header != SQLITE_HEADER:
            raise NotADatabase(f"{path} is not a TrustDesk database (it is not a SQLite file). It was left untouched.")
        if not os.access(path, os.W_OK):
            raise CannotWrite(f"TrustDesk cannot write to {path}. Check the file's permissions.")
        return bool(header)
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise CannotWrite(f"TrustDesk cannot create {path}: {folder} is a file, not a folder.")
    if not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CannotWrite(f"TrustDesk cannot create the folder {folder}: {exc.strerror}.") from exc
    if not os.access(folder, os.W_OK):
        raise CannotWrite(f"TrustDesk cannot create a database in {folder}: the folder is not writable.")
    return False


def backup_sqlite(path: Path, revision: str | None) -> Path:
    """Copy the file with SQLite's online backup (safe even with a WAL open)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.stem}.before-{revision or 'empty'}-{stamp}{path.suffix or '.sqlite'}")
    source = sqlite3.connect(path)
    try:
        target = sqlite3.connect(backup)
        with target:
            source.backup(target)
        target.close()
    finally:
        source.close()
    log.info("Backed up %s to %s before migrating", path, backup)
    return backup


def _inspect_read_only(path: Path) -> tuple[str | None, bool]:
    """Revision and whether any table exists, read without changing a byte.

    The engine's connection hook switches files to WAL, which rewrites the
    header; a file we are about to refuse must not get that far.
    """
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise CannotWrite(f"TrustDesk cannot open {path}: {exc}.") from exc
    try:
        tables = {row[0] for row in connection.execute("select name from sqlite_master where type = 'table'")}
        current = None
        if "alembic_version" in tables:
            row = connection.execute("select version_num from alembic_version").fetchone()
            current = row[0] if row else None
        return current, bool(tables - {"alembic_version"})
    except sqlite3.DatabaseError as exc:
        raise NotADatabase(f"{path} is not a TrustDesk database. It was left untouched.") from exc
    finally:
        connection.close()


def declared_head() -> str | None:
    """The single head revision, read from the revision files' ``revision``/``down_revision`` lines.

    A cheap stand-in for Alembic's ScriptDirectory (which imports Mako and Pygments): when a
    SQLite file is already at this revision, nothing needs Alembic. None when the files do not
    give one clear answer (then the caller asks Alembic).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    try:
        for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
            text = path.read_text(encoding="utf-8")
            found = re.search(r"^revision\s*(?::[^=]*)?=\s*(.+)$", text, re.MULTILINE)
            down = re.search(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", text, re.MULTILINE)
            if not found or not down:
                return None
            revision = ast.literal_eval(found.group(1).strip())
            previous = ast.literal_eval(down.group(1).strip())
            if not isinstance(revision, str):
                return None
            revisions.add(revision)
            if isinstance(previous, str):
                parents.add(previous)
            elif isinstance(previous, tuple | list):
                parents.update(str(item) for item in previous)
            elif previous is not None:
                return None
    except (OSError, ValueError, SyntaxError):
        return None
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _inspect_server(target: DatabaseTarget) -> tuple[str | None, bool]:
    from alembic.runtime.migration import MigrationContext

    engine = create_engine_for(target)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
            return current, bool(set(inspect(connection).get_table_names()) - {"alembic_version"})
    except OperationalError as exc:
        text = str(exc.orig).lower()
        if "password" in text or "authentication failed" in text or ("role" in text and "does not exist" in text):
            raise CannotWrite(
                f"The server at {target.display} refused the login “{target.url.username or ''}”: "
                "the login or its password is wrong or missing. Use File › Connect to database… to enter them."
            ) from exc
        raise Unreachable(
            f"TrustDesk cannot reach the database at {target.display}. "
            "Check the address and your network connection, then try again."
        ) from exc
    except DatabaseError as exc:
        raise NotADatabase(f"{target.display} is not a TrustDesk database. It was left untouched.") from exc
    finally:
        engine.dispose()


@contextmanager
def _foreign_keys_deferred(connection: Connection) -> Iterator[None]:
    """SQLite alters a column by copying its table (Alembic's batch mode), which drops the old
    one: with foreign keys enforced, a table other tables point at (jobs, people) cannot be
    dropped.  So a SQLite migration runs with enforcement off — set on the driver's connection,
    outside any transaction, where SQLite honours it — and ``_check_foreign_keys`` proves the
    result before it commits; enforcement is back on before the connection returns to the pool."""
    if connection.dialect.name != "sqlite":
        yield
        return
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        tables = ", ".join(sorted({row[0] for row in broken}))
        raise CannotWrite(
            f"Bringing the database up to date would leave rows in {tables} pointing at nothing; nothing was changed."
        )


def _vacuum_after_upgrade(engine: Engine, target: DatabaseTarget) -> None:
    """Vacuum a PostgreSQL database after its migration rewrote rows (0023 writes every evaluated activity).

    PostgreSQL answers from an index alone only for table pages vacuumed since they were written,
    and autovacuum waits for a fifth of a table to change: after the backfill of 0023 it read what
    the CPD was worth through the table (200 ms at five million activities instead of 70 ms) until
    then.  ``VACUUM`` needs no lock that stops anyone working (20 s at five million activities); a
    table this login does not own is skipped with a warning from the server, nothing worse.
    """
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM (ANALYZE)")
        log.info("Vacuumed %s after its migration", target.display)
    except DBAPIError as exc:  # it only makes reads quicker: the database is ready without it
        log.warning("Could not vacuum %s after its migration: %s", target.display, exc.orig)


def open_database(target: DatabaseTarget, *, migrate: bool = True) -> Database:
    """Open ``target``, bring its schema to head and return it ready for use.

    A SQLite file is created (and migrated) only when ``target.may_create``; otherwise a
    missing path, an empty file or a SQLite file without TrustDesk's tables is refused.
    """
    path = target.sqlite_path
    if path is not None and not target.may_create:
        _refuse_missing(path)
    existed = _check_sqlite_file(path) if path else True
    if path is not None:
        current, has_tables = _inspect_read_only(path) if existed else (None, False)
        if current is None and not has_tables and not target.may_create:
            raise NoSuchDatabase(f"{path} is an empty SQLite file, not a TrustDesk database. It was left untouched.")
    else:
        current, has_tables = _inspect_server(target)

    if path is not None and current is not None and current == declared_head():
        return Database(target, create_engine_for(target))  # up to date: no Alembic needed

    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise NewerSchema(
            f"{target.display} was made by a newer version of TrustDesk (schema {current}). "
            "Install the newer TrustDesk to open it; the database was left untouched."
        )
    if current is None and has_tables:
        raise NotADatabase(f"{target.display} holds tables that are not TrustDesk's. It was left untouched.")

    engine = create_engine_for(target)
    try:
        if migrate and current != head:
            if path is not None and existed and current is not None:
                backup_sqlite(path, current)
            with engine.connect() as connection, _foreign_keys_deferred(connection), connection.begin():
                command.upgrade(alembic_config(connection), "head")
                _check_foreign_keys(connection)
            log.info("Migrated %s from %s to %s", target.display, current, head)
            if path is None and current is not None:
                _vacuum_after_upgrade(engine, target)
    except OperationalError as exc:
        engine.dispose()
        raise CannotWrite(f"TrustDesk could not prepare {target.display}: {exc.orig}.") from exc
    database = Database(target, engine)
    if path is None:
        try:
            log.info("Connected to %s as %s", target.display, database.identity)  # asks the server once
        except OperationalError as exc:
            engine.dispose()
            raise Unreachable(f"TrustDesk cannot reach the database at {target.display}.") from exc
    return database
