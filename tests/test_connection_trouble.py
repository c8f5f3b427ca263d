"""Connection trouble: a database restarted mid-session, a lost connection, a locked file (issue 6).

The app says so plainly, retries reads by itself, never repeats a change on
its own, and carries on without a restart once the database is back.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

import desktop.kit.ops as ops_module
from db.engine import Database
from db.errors import DatabaseBusy, TrustDeskError, Unreachable, explain, is_transient
from db.models import AppUser, PartnershipState
from db.services.signoff import sign_off
from desktop.kit.ops import Operations
from tests.helpers import pending_elsewhere, user_id
from tests.test_signoff import decidable_orgs

LOST = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))
LOCKED = OperationalError("BEGIN IMMEDIATE", {}, Exception("database is locked"))


@pytest.mark.slow
@pytest.mark.engines("postgresql")
def test_postgresql_stopped_and_started_again_the_next_action_succeeds(demo_db: Database, pg_cluster, qtbot) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db, "sam.patel"), limit=5)
    server = pg_cluster.server
    server.stop()
    try:
        with pytest.raises(OperationalError) as caught, demo_db.read() as session:
            session.execute(select(AppUser.id))
        error = explain(caught.value)
        assert isinstance(error, Unreachable) and is_transient(error)
        assert error.message.startswith("The connection to the database was lost.")

        with pytest.raises(OperationalError) as caught:
            sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED, "Agreed")
        assert "saved completely or not at all" in explain(caught.value, writing=True).message

        # A read asked for while the server is down is retried, and answers once it is back.
        ops = Operations()
        answers: list[object] = []
        failures: list[TrustDeskError] = []
        op = ops.query(lambda: user_id(demo_db, "alex.morgan"), answers.append, failures.append)
    finally:
        server.start()
    with qtbot.waitSignal(op.finished, timeout=15_000):
        pass
    assert failures == [] and answers == [user_id(demo_db, "alex.morgan")]

    # The same Database object, no restart: the next change succeeds.
    result = sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED, "Agreed")
    assert sorted(result.applied) == sorted(ticked)
    ops.wait_for_done(5000)


def test_reads_are_retried_on_a_lost_connection_but_changes_never(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(ops_module, "READ_RETRY_DELAYS", (0.01, 0.01, 0.01))
    ops = Operations()
    calls = {"read": 0, "write": 0}

    def flaky_read() -> str:
        calls["read"] += 1
        if calls["read"] < 3:
            raise LOST
        return "rows"

    def failing_write(_progress: object) -> None:
        calls["write"] += 1
        raise LOST

    answers: list[object] = []
    failures: list[TrustDeskError] = []
    with qtbot.waitSignal(ops.query(flaky_read, answers.append, failures.append).finished, timeout=5000):
        pass
    assert answers == ["rows"] and failures == [] and calls["read"] == 3

    with qtbot.waitSignal(ops.action(failing_write, None, failures.append, title="Authorising…").finished):
        pass
    assert calls["write"] == 1, "a change must never be repeated behind the user's back"
    [error] = failures
    assert isinstance(error, Unreachable) and is_transient(error)
    assert "saved completely or not at all" in error.message
    ops.wait_for_done(5000)


def test_a_read_that_keeps_failing_is_reported_after_the_retries(qtbot, monkeypatch) -> None:
    monkeypatch.setattr(ops_module, "READ_RETRY_DELAYS", (0.01, 0.01))
    ops = Operations()
    calls: list[int] = []

    def locked() -> None:
        calls.append(1)
        raise LOCKED

    failures: list[TrustDeskError] = []
    with qtbot.waitSignal(ops.query(locked, on_failure=failures.append).finished, timeout=5000):
        pass
    assert len(calls) == 3
    [error] = failures
    assert isinstance(error, DatabaseBusy)
    assert error.message == (
        "The database is busy: another program is holding it. Nothing was changed; try again in a moment."
    )
    ops.wait_for_done(5000)


def test_errors_that_are_not_about_the_connection_are_not_retried(qtbot) -> None:
    ops = Operations()
    calls: list[int] = []

    def broken() -> None:
        calls.append(1)
        raise ValueError("bad filter")

    failures: list[TrustDeskError] = []
    with qtbot.waitSignal(ops.query(broken, on_failure=failures.append).finished, timeout=5000):
        pass
    assert len(calls) == 1 and not is_transient(failures[0])
    ops.wait_for_done(5000)


def test_a_reply_for_a_widget_that_has_gone_is_dropped(qtbot) -> None:
    from PySide6.QtWidgets import QLabel

    ops = Operations()
    label = QLabel()
    label.deleteLater()
    qtbot.waitUntil(lambda: _deleted(label), timeout=5000)
    op = ops.query(lambda: "late answer", lambda text: label.setText(text))
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass  # no "already deleted" error escapes into the event loop
    ops.wait_for_done(5000)


def _deleted(widget: object) -> bool:
    from shiboken6 import isValid

    return not isValid(widget)
