"""Audit you can trust (A2): the database itself refuses to change or remove audit entries."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DBAPIError

from db.errors import PermissionDenied, explain
from db.models import AuditEntry, PartnershipState
from db.services.signoff import sign_off
from tests.helpers import pending_elsewhere, user_id
from tests.test_signoff import decidable_orgs


def _one_decision(demo_db) -> int:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=3)
    result = sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED, "In the plan")
    assert result.batch_id is not None
    return result.batch_id


def _audit_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry))


def test_audit_entries_cannot_be_edited_or_deleted_even_by_hand(demo_db) -> None:
    _one_decision(demo_db)
    before = _audit_count(demo_db)
    attempts = [
        update(AuditEntry).values(reason="nothing to see here"),
        delete(AuditEntry),
    ]
    for statement in attempts:
        with pytest.raises(DBAPIError) as caught, demo_db.transaction() as session:
            session.execute(statement)
        error = explain(caught.value)
        assert isinstance(error, PermissionDenied)
        assert error.message == "The audit log cannot be changed: entries are only ever added."
    assert _audit_count(demo_db) == before
    with demo_db.read() as session:
        assert "nothing to see here" not in set(session.scalars(select(AuditEntry.reason)))


@pytest.mark.engines("postgresql")
def test_truncate_is_refused_on_postgresql(demo_db) -> None:
    _one_decision(demo_db)
    before = _audit_count(demo_db)
    with pytest.raises(DBAPIError), demo_db.engine.begin() as connection:
        connection.exec_driver_sql("TRUNCATE audit_log CASCADE")
    assert _audit_count(demo_db) == before


def test_new_entries_are_still_added(demo_db) -> None:
    before = _audit_count(demo_db)
    _one_decision(demo_db)
    assert _audit_count(demo_db) == before + 3
