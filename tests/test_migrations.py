"""Schema: migrations reach head, match the models, and bad files are refused untouched."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from db.engine import DatabaseTarget
from db.errors import CannotWrite, NewerSchema, NotADatabase
from db.migrate import alembic_config, head_revision, open_database
from db.models import Base


def test_empty_database_is_migrated_to_head(tmp_path: Path) -> None:
    db = open_database(DatabaseTarget.parse(str(tmp_path / "new.sqlite")))
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()
        tables = set(inspect(connection).get_table_names())
    assert {"organisations", "jobs", "cpd_activities", "audit_log", "data_sharing_agreements"} <= tables
    db.dispose()


def test_models_match_migrations(db) -> None:
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


@pytest.mark.engines("sqlite")
def test_sqlite_connection_settings(db) -> None:
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_a_file_that_is_not_a_database_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("Budget notes for the autumn term")
    with pytest.raises(NotADatabase, match="not a TrustDesk database"):
        open_database(DatabaseTarget.parse(str(path)))
    assert path.read_text() == "Budget notes for the autumn term"


def test_someone_elses_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("create table recipes (id integer primary key)")
    before = path.read_bytes()
    with pytest.raises(NotADatabase, match="not TrustDesk's"):
        open_database(DatabaseTarget.parse(str(path)))
    assert path.read_bytes() == before


def test_a_database_from_a_newer_trustdesk_is_refused_untouched(tmp_path: Path, empty_template: Path) -> None:
    path = tmp_path / "newer.sqlite"
    path.write_bytes(empty_template.read_bytes())
    with sqlite3.connect(path) as connection:
        connection.execute("update alembic_version set version_num = 'ffff_from_the_future'")
    before = path.read_bytes()
    with pytest.raises(NewerSchema, match="newer version of TrustDesk"):
        open_database(DatabaseTarget.parse(str(path)))
    assert path.read_bytes() == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_a_folder_that_cannot_be_written_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(CannotWrite, match="not writable"):
            open_database(DatabaseTarget.parse(str(folder / "trust.sqlite")))
    finally:
        folder.chmod(0o700)


def test_a_path_under_a_file_cannot_be_created(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(CannotWrite):
        open_database(DatabaseTarget.parse(str(blocker / "trust.sqlite")))


def test_migrating_an_older_file_backs_it_up_first(tmp_path: Path, empty_template: Path) -> None:
    path = tmp_path / "older.sqlite"
    path.write_bytes(empty_template.read_bytes())
    db = open_database(DatabaseTarget.parse(str(path)))
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
        connection.exec_driver_sql("create table marker (id integer)")
        # pretend an earlier revision is installed: the real head's parent chain starts here
        connection.exec_driver_sql("delete from alembic_version")
    db.dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("drop table marker")
    open_database(DatabaseTarget.parse(str(path))).dispose()
    assert not list(tmp_path.glob("older.before-*"))  # nothing to keep from an empty schema

    # Now an up-to-date file opened again: no migration, no backup.
    open_database(DatabaseTarget.parse(str(path))).dispose()
    assert not list(tmp_path.glob("older.before-*"))


def test_backup_copy_is_a_readable_database(tmp_path: Path, empty_template: Path) -> None:
    from db.migrate import backup_sqlite

    path = tmp_path / "trust.sqlite"
    path.write_bytes(empty_template.read_bytes())
    backup = backup_sqlite(path, "0001")
    with sqlite3.connect(backup) as connection:
        assert connection.execute("select version_num from alembic_version").fetchone()[0] == head_revision()


def test_unreachable_postgresql_is_a_clear_error() -> None:
    from db.errors import Unreachable

    with pytest.raises(Unreachable, match="cannot reach"):
        open_database(DatabaseTarget.parse("postgresql://nobody@127.0.0.1:1/trustdesk"))


def test_display_hides_passwords() -> None:
    target = DatabaseTarget.parse("postgresql://lead:secret@db.example:5432/trust")
    assert "secret" not in target.display
    assert target.url.drivername == "postgresql+psycopg"


@pytest.mark.engines("sqlite")
def test_a_trust_at_an_older_revision_migrates_with_its_data(demo_db, tmp_path: Path) -> None:
    """Altering a table others point at (jobs) copies it; with foreign keys enforced on every
    connection that would fail on a real file full of data, not on an empty one."""
    import sqlalchemy as sa

    path = tmp_path / "older-trust.sqlite"
    demo_db.dispose()
    path.write_bytes(Path(demo_db.target.sqlite_path).read_bytes())
    plain = sa.create_engine(f"sqlite:///{path}")  # no foreign keys: only to step the file back
    with plain.begin() as connection:
        jobs = connection.exec_driver_sql("select count(*) from jobs").scalar()
        command.downgrade(alembic_config(connection), "0004")
    plain.dispose()
    db = open_database(DatabaseTarget.parse(str(path)))
    try:
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("select count(*) from jobs").scalar() == jobs
            assert connection.exec_driver_sql("select count(*) from user_grants").scalar() > 0
            # whoever sees Partnership CPD somewhere sees the calendar there (migration 0011)
            without_calendar = connection.exec_driver_sql(
                "select count(*) from user_grants g where g.module = 'partnership_cpd' and not exists ("
                "select 1 from user_grants c where c.user_id = g.user_id and c.module = 'calendar'"
                " and c.organisation_id = g.organisation_id)"
            ).scalar()
            assert without_calendar == 0
            sessions = connection.exec_driver_sql("select count(*) from training_event_sessions").scalar()
            assert sessions >= connection.exec_driver_sql("select count(*) from training_events").scalar() > 0
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    finally:
        db.dispose()
    assert list(tmp_path.glob("older-trust.before-*"))  # the file was kept as it was


@pytest.mark.engines("sqlite")
def test_a_migrated_primary_user_administers_users_and_sees_the_permissions_report(demo_db, tmp_path: Path) -> None:
    import sqlalchemy as sa

    from db.models import Level, Module
    from db.scope import scope_for

    path = tmp_path / "older-primary.sqlite"
    demo_db.dispose()
    path.write_bytes(Path(demo_db.target.sqlite_path).read_bytes())
    plain = sa.create_engine(f"sqlite:///{path}")
    with plain.begin() as connection:
        command.downgrade(alembic_config(connection), "0004")
        # as a database made before these modules existed: its primary role never had them
        connection.exec_driver_sql("DELETE FROM role_permissions WHERE module IN ('users', 'permissions_report')")
    plain.dispose()
    db = open_database(DatabaseTarget.parse(str(path)))
    try:
        with db.read() as session:
            alex = session.execute(sa.text("SELECT id FROM app_users WHERE username = 'alex.morgan'")).scalar()
            scope = scope_for(session, alex)
        assert scope.best_level(Module.USERS) == Level.DECIDE
        assert scope.best_level(Module.PERMISSIONS_REPORT) == Level.DECIDE
    finally:
        db.dispose()
