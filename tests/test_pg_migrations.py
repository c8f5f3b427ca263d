"""Migrations on PostgreSQL: an empty database reaches head, and every revision goes down and up again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from db.engine import DatabaseTarget
from db.migrate import alembic_config, head_revision, open_database


@contextmanager
def _empty_database(pg_cluster, name: str) -> Iterator[DatabaseTarget]:
    """A new, empty database on the test server, dropped afterwards."""
    pg_cluster.drop(name)
    pg_cluster.admin(f'CREATE DATABASE "{name}"')
    try:
        yield DatabaseTarget.parse(pg_cluster.server.url(name))
    finally:
        pg_cluster.drop(name)


@pytest.mark.engines("postgresql")
def test_an_empty_server_database_is_migrated_and_revisions_reverse_cleanly(db_engine, pg_cluster) -> None:
    with _empty_database(pg_cluster, f"migrate_{db_engine}") as target:
        database = open_database(target)
        with database.engine.begin() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head_revision()
            triggers = connection.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal"
            ).scalars()
            assert set(triggers) == {"audit_log_no_change", "audit_log_no_truncate", "audit_log_stamp_identity"}
            command.downgrade(alembic_config(connection), "0002")
            triggers = connection.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'cpd_activities'::regclass AND NOT tgisinternal"
            ).scalars()
            assert set(triggers) == set()
            command.upgrade(alembic_config(connection), "head")
            command.downgrade(alembic_config(connection), "base")
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
            command.upgrade(alembic_config(connection), "head")
            assert "audit_log" in inspect(connection).get_table_names()
        database.dispose()


@pytest.mark.engines("postgresql")
def test_an_older_server_database_is_vacuumed_after_its_migration(db_engine, pg_cluster) -> None:
    """A migration rewrites rows (0023 every evaluated activity): PostgreSQL reads its indexes alone
    again only for pages vacuumed since, so opening an older database vacuums it."""
    with _empty_database(pg_cluster, f"vacuumed_{db_engine}") as target:
        database = open_database(target)
        with database.engine.begin() as connection:
            command.downgrade(alembic_config(connection), "0022")
        database.dispose()
        database = open_database(target)
        with database.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head_revision()
            vacuumed = connection.exec_driver_sql(
                "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'cpd_activities'"
            ).scalar()
        assert vacuumed
        database.dispose()
