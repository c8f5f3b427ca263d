"""The audit log only grows (A2), against every statement SQL accepts, not only UPDATE and DELETE."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from db.errors import PermissionDenied, explain
from db.models import AuditEntry
from tests.test_audit_trust import _one_decision

COLUMNS = "id, at, user_id, db_identity, action, entity, entity_id, reason"
FORGED = "'2026-01-01 00:00:00', NULL, 'someone', 'forged', 'cpd_activity', 1, 'rewritten'"

REWRITES_SQLITE = [
    f"INSERT OR REPLACE INTO audit_log ({COLUMNS}) VALUES (:id, {FORGED})",
    f"REPLACE INTO audit_log ({COLUMNS}) VALUES (:id, {FORGED})",
    f"INSERT INTO audit_log ({COLUMNS}) VALUES (:id, {FORGED}) ON CONFLICT (id) DO UPDATE SET reason = 'rewritten'",
    f"INSERT INTO audit_log ({COLUMNS}) VALUES (:id, {FORGED}) ON CONFLICT DO UPDATE SET action = excluded.action",
    f"INSERT OR ROLLBACK INTO audit_log ({COLUMNS}) VALUES (:id, {FORGED})",
    f"INSERT OR FAIL INTO audit_log ({COLUMNS}) VALUES (:id, {FORGED})",
    "UPDATE OR REPLACE audit_log SET reason = 'rewritten' WHERE id = :id",
    "UPDATE OR IGNORE audit_log SET reason = 'rewritten' WHERE id = :id",
    "UPDATE audit_log SET id = id + 100000 WHERE id = :id",
    "DELETE FROM audit_log WHERE id = :id",
    f"INSERT OR REPLACE INTO audit_log (rowid, at, action, entity, reason) VALUES (:id, {FORGED.split(', ', 1)[0]}, "
    "'forged', 'cpd_activity', 'rewritten')",
]
REWRITES_POSTGRESQL = [
    f"INSERT INTO audit_log ({COLUMNS}) VALUES (:id, {FORGED}) ON CONFLICT (id) DO UPDATE SET reason = 'rewritten'",
    "UPDATE audit_log SET reason = 'rewritten' WHERE id = :id",
    "DELETE FROM audit_log WHERE id = :id",
]


def _snapshot(db) -> list[tuple]:
    with db.read() as session:
        return [
            tuple(row)
            for row in session.execute(
                select(AuditEntry.id, AuditEntry.action, AuditEntry.reason, AuditEntry.db_identity).order_by(
                    AuditEntry.id
                )
            )
        ]


def _refused_and_unchanged(db, statement: str) -> None:
    _one_decision(db)
    before = _snapshot(db)
    with pytest.raises(DBAPIError) as caught, db.engine.begin() as connection:
        connection.exec_driver_sql(statement.replace(":id", str(before[-1][0])))
    assert isinstance(explain(caught.value), PermissionDenied) or "duplicate key" in str(caught.value)
    assert _snapshot(db) == before


@pytest.mark.engines("sqlite")
@pytest.mark.parametrize("statement", REWRITES_SQLITE)
def test_no_sqlite_statement_rewrites_an_existing_entry(demo_db, statement: str) -> None:
    _refused_and_unchanged(demo_db, statement)


@pytest.mark.engines("postgresql")
@pytest.mark.parametrize("statement", REWRITES_POSTGRESQL)
def test_no_postgresql_statement_rewrites_an_existing_entry(demo_db, statement: str) -> None:
    _refused_and_unchanged(demo_db, statement)


@pytest.mark.engines("sqlite")
def test_insert_or_ignore_over_an_existing_entry_changes_nothing(demo_db) -> None:
    _one_decision(demo_db)
    before = _snapshot(demo_db)
    try:
        with demo_db.engine.begin() as connection:
            connection.exec_driver_sql(
                f"INSERT OR IGNORE INTO audit_log ({COLUMNS}) VALUES ({before[-1][0]}, {FORGED})"
            )
    except DBAPIError as error:  # refused outright: just as harmless
        assert isinstance(explain(error), PermissionDenied)
    assert _snapshot(demo_db) == before


def test_entries_with_new_ids_are_still_added_by_hand_and_by_replace(demo_db) -> None:
    _one_decision(demo_db)
    before = _snapshot(demo_db)
    fresh = before[-1][0] + 1000
    verb = "INSERT OR REPLACE" if demo_db.target.is_sqlite else "INSERT"
    with demo_db.engine.begin() as connection:
        connection.exec_driver_sql(f"{verb} INTO audit_log ({COLUMNS}) VALUES ({fresh}, {FORGED})")
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == len(before) + 1
