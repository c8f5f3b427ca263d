"""The background-operation helper: work off the UI thread, callbacks on it."""

from __future__ import annotations

import threading

import pytest
import shiboken6
from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication

from db.errors import TrustDeskError, ValidationError
from db.progress import Cancelled
from desktop.kit.ops import Operations


@pytest.fixture
def ops(qtbot):
    operations = Operations()
    yield operations
    operations.wait_for_done(5000)


def test_query_runs_off_the_ui_thread_and_answers_on_it(qtbot, ops) -> None:
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = QThread.currentThread() is not QApplication.instance().thread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback_on_ui"] = QThread.currentThread() is QApplication.instance().thread()

    op = ops.query(work, done)
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    assert seen == {"worker": True, "value": 42, "callback_on_ui": True}


def test_failures_arrive_as_readable_errors(qtbot, ops) -> None:
    errors: list[TrustDeskError] = []

    def work() -> None:
        raise ValidationError("End date is before the start date.")

    op = ops.query(work, on_failure=errors.append)
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    assert [e.message for e in errors] == ["End date is before the start date."]


def test_unexpected_exceptions_become_a_sentence(qtbot, ops) -> None:
    errors: list[TrustDeskError] = []
    op = ops.query(lambda: 1 / 0, on_failure=errors.append)
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    assert "Something went wrong" in errors[0].message


def test_action_reports_progress_and_can_be_cancelled(qtbot, ops) -> None:
    release = threading.Event()
    progress_seen: list[tuple[int, int, str]] = []
    errors: list[TrustDeskError] = []

    def work(progress) -> str:
        progress.report(1, 10, "first step")
        release.wait(5)
        progress.check_cancelled()
        return "committed"

    op = ops.action(work, on_failure=errors.append, title="Testing", cancellable=True)
    op.progressed.connect(lambda d, t, text: progress_seen.append((d, t, text)))
    qtbot.waitUntil(lambda: bool(progress_seen), timeout=5000)
    op.cancel()
    release.set()
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    assert progress_seen[0] == (1, 10, "first step")
    assert isinstance(errors[0], Cancelled)
    assert op.result is None


def test_actions_run_one_at_a_time(qtbot, ops) -> None:
    active = []
    overlaps = []
    lock = threading.Lock()

    def work(_progress) -> None:
        with lock:
            active.append(1)
            if len(active) > 1:
                overlaps.append(True)
        threading.Event().wait(0.05)
        with lock:
            active.pop()

    ops_list = [ops.action(work, title=f"write {i}") for i in range(4)]
    qtbot.waitUntil(lambda: all(op.done for op in ops_list), timeout=5000)
    assert not overlaps


def test_waiting_for_all_skips_operations_deleted_with_their_parent(qtbot) -> None:
    """A window closed earlier takes its Operations with it; closing a database must not trip on it."""
    from PySide6.QtCore import QObject

    from desktop.kit.ops import wait_for_all_operations

    owner = QObject()
    orphan = Operations(owner)
    op = orphan.query(lambda: 1)
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(orphan), timeout=5000)
    wait_for_all_operations(1000)  # raised "Internal C++ object … already deleted" before


def test_what_the_work_held_is_released_on_the_ui_thread(qtbot, ops) -> None:
    """A Qt object that only the work's closure holds must not be destroyed on the worker thread."""
    import weakref

    released_on: list[str] = []
    holder = QObject()  # e.g. a dialog that was closed while its query ran
    weakref.finalize(holder, lambda: released_on.append(threading.current_thread().name))
    gate = threading.Event()

    def work(kept: QObject = holder) -> str:
        gate.wait(5)
        return kept.objectName()

    with qtbot.waitSignal(ops.finished, timeout=5000) as finished:
        ops.query(work)
        del holder, work  # from here on only the running operation holds it
        gate.set()
    ops.wait_for_done(5000)  # the worker has let go of everything it had
    del finished  # the last reference to the finished operation
    assert released_on == [threading.main_thread().name]


def test_an_action_publishes_what_its_committed_services_changed(qtbot, ops) -> None:
    """The operation, not the widget, tells the panels: only after the commit, naming who asked."""
    from db.changes import DataChange, journal_changes
    from desktop.kit.bus import DataBus

    ops.bus = bus = DataBus()
    heard: list[DataChange] = []
    order: list[str] = []
    bus.changed.connect(lambda change: (heard.append(change), order.append("published")))
    asker = QObject()

    def committed(_progress: object) -> str:
        journal_changes([DataChange("budgets", frozenset({7}))])  # what db.actions.begin does on commit
        return "saved"

    op = ops.action(committed, lambda result: order.append(result), title="Saving", origin=asker)
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    assert [(c.kind, c.ids, c.origin) for c in heard] == [("budgets", frozenset({7}), asker)]
    assert order == ["published", "saved"] and op.result == "saved"

    heard.clear()

    def failed(_progress: object) -> None:
        journal_changes([DataChange("budgets", frozenset({8}))])
        raise ValidationError("No.")

    op = ops.action(failed, on_failure=lambda _error: None, title="Saving")
    with qtbot.waitSignal(op.finished, timeout=5000):
        pass
    assert heard == []
