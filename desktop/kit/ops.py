"""The one way the UI runs database work: off the UI thread, results back on it.

``Operations.query`` is for reads (two may run at once; SQLite's WAL lets
readers proceed alongside a writer).  ``Operations.action`` is for anything
that changes data: actions run one at a time on their own lane, can report
progress, and may be cancelled where the service supports it (services only
check for a cancel before they commit, so a cancelled action changes nothing).

Callbacks always run on the UI thread: worker threads only emit signals of one
long-lived QObject (``_Relay``) that lives in the UI thread and belongs to
``Operations``, connected to ``@Slot`` methods. A worker never holds the last
reference to anything of Qt's: whatever it drops when it finishes would be
destroyed on the wrong thread.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from db.changes import DataChange, Recorded, recorded
from db.errors import TrustDeskError, explain, is_transient
from db.progress import Cancelled, Progress

if TYPE_CHECKING:
    from desktop.kit.bus import DataBus

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 600
#: Pauses before each retry of a read that met a locked or unreachable database (seconds, ~7 s in all).
READ_RETRY_DELAYS = (0.25, 0.75, 2.0, 4.0)

Success = Callable[[Any], None]
Failure = Callable[[TrustDeskError], None]


class _Relay(QObject):
    """What workers report through: one per Operations, created after its thread pools so that,
    when Operations is destroyed, the pools wait for their workers before the relay goes."""

    succeeded = Signal(int, object)  # operation id, result
    failed = Signal(int, object)  # operation id, exception
    progressed = Signal(int, int, int, str)  # operation id, done, total, text


class _WorkerProgress(Progress):
    """Handed to the service in the worker thread; thread-safe by construction."""

    def __init__(self) -> None:
        self.cancel_requested = threading.Event()
        self._relay: _Relay | None = None
        self._operation_id = 0

    def bind(self, relay: _Relay, operation_id: int) -> None:
        self._relay, self._operation_id = relay, operation_id

    def report(self, done: int, total: int, text: str = "") -> None:
        if self._relay is not None:
            self._relay.progressed.emit(self._operation_id, done, total, text)

    def check_cancelled(self) -> None:
        if self.cancel_requested.is_set():
            raise Cancelled()


class _Runnable(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay, operation_id: int) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._work: Callable[[], Any] | None = work
        self._relay = relay
        self._operation_id = operation_id

    def run(self) -> None:
        # The work's closure may hold a panel or a dialog. The Operation keeps it too, until the
        # UI thread is done with the reply; letting go of ours before reporting means the last
        # reference is never dropped on this thread.
        work, self._work = self._work, None
        assert work is not None
        try:
            result = work()
        except BaseException as exc:
            del work
            self._relay.failed.emit(self._operation_id, exc)
        else:
            del work
            self._relay.succeeded.emit(self._operation_id, result)


def retrying_read(work: Callable[[], Any], delays: tuple[float, ...], stop: threading.Event | None = None) -> Any:
    """Run ``work``; on a transient database error wait and run it again, at most ``len(delays)`` more times.

    ``stop`` ends the waiting early (the program is closing): the last error is then raised at once.
    """
    for delay in delays:
        try:
            return work()
        except Exception as exc:
            if isinstance(exc, TrustDeskError):
                raise  # already a verdict (e.g. "cannot reach the server" at start-up), not a hiccup
            error = explain(exc)
            if not is_transient(error):
                raise
            if stop is not None and stop.is_set():
                raise
            log.warning("Read failed (%s); trying again in %.2f s", error.message, delay)
        # A worker thread waiting out a short outage, never the UI thread.
        if stop is None:
            time.sleep(delay)
        elif stop.wait(delay):
            break
    return work()


def _deliver(callback: Callable[[Any], None], value: Any) -> None:
    """Call back, unless the widget that asked has gone meanwhile (closed window, switched database).

    A read can outlive its window, all the more while it retries a lost
    connection; its answer then has nobody to tell and is dropped.
    """
    try:
        callback(value)
    except RuntimeError as exc:
        if "already deleted" not in str(exc):
            raise
        log.debug("Dropped a reply for a widget that has gone: %s", exc)


class Operation(QObject):
    """One running piece of work; lives on the UI thread until it finishes."""

    progressed = Signal(int, int, str)
    finished = Signal()

    def __init__(
        self,
        title: str,
        on_success: Success | None,
        on_failure: Failure | None,
        *,
        cancellable: bool,
        is_action: bool,
    ) -> None:
        super().__init__()
        self.title = title
        self.cancellable = cancellable
        self.is_action = is_action
        self.done = False
        self.result: Any = None
        self.origin: QObject | None = None
        self.error: TrustDeskError | None = None
        self._on_success = on_success
        self._on_failure = on_failure
        self.progress = _WorkerProgress()  # bound to its Operations' relay when it starts
        self._work: Callable[[], Any] | None = None
        self._dialog: QProgressDialog | None = None
        self._dialog_timer: QTimer | None = None

    def cancel(self) -> None:
        if self.cancellable:
            self.progress.cancel_requested.set()

    @property
    def cancelled(self) -> bool:
        return self.progress.cancel_requested.is_set()

    @property
    def has_progress_dialog(self) -> bool:
        """True if a progress dialog (with its own Cancel) will appear; else the status bar is its only home."""
        return self._dialog_timer is not None

    def show_progress_dialog_after(self, parent: QWidget | None, delay_ms: int = PROGRESS_DELAY_MS) -> None:
        """A window-modal dialog, only if the work is still running after ``delay_ms``."""
        self._dialog_timer = QTimer(self)
        self._dialog_timer.setSingleShot(True)
        self._dialog_timer.timeout.connect(lambda: self._open_dialog(parent))
        self._dialog_timer.start(delay_ms)

    def _open_dialog(self, parent: QWidget | None) -> None:
        if self.done:
            return
        dialog = QProgressDialog(self.title, "Cancel" if self.cancellable else "", 0, 0, parent)
        dialog.setWindowTitle("TrustDesk")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not self.cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self._cancel_from_dialog)
        dialog.setMinimumWidth(420)
        dialog.show()
        self._dialog = dialog

    @Slot()
    def _cancel_from_dialog(self) -> None:
        self.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText("Cancelling… nothing will be changed.")

    @Slot(int, int, str)
    def _progressed(self, done: int, total: int, text: str) -> None:
        dialog = self._dialog
        if dialog is not None and not self.cancelled:
            if text:
                dialog.setLabelText(text)
            dialog.setMaximum(max(total, 1))
            # Last: a modal QProgressDialog.setValue processes events, which may finish this operation.
            dialog.setValue(min(done, total))
        self.progressed.emit(done, total, text)

    @Slot(object)
    def _succeeded(self, result: Any) -> None:
        self._finish()
        self.result = result
        if self._on_success is not None:
            _deliver(self._on_success, result)
        self.finished.emit()

    @Slot(object)
    def _failed(self, exc: BaseException) -> None:
        self._finish()
        error = explain(exc, writing=self.is_action)
        if is_transient(error):
            log.warning("%s failed: %s (%s)", self.title, error.message, getattr(exc, "orig", exc))
        elif not isinstance(exc, TrustDeskError):
            log.error("%s failed", self.title, exc_info=exc)
        self.error = error
        if self._on_failure is not None:
            _deliver(self._on_failure, error)
        self.finished.emit()

    def _finish(self) -> None:
        self.done = True
        if self._dialog_timer is not None:
            self._dialog_timer.stop()
        if self._dialog is not None:
            self._dialog.close()
            self._dialog.deleteLater()
            self._dialog = None


class Operations(QObject):
    """Owns the worker lanes; shared by every panel."""

    started = Signal(object)  # Operation
    finished = Signal(object)  # Operation

    def __init__(self, parent: QObject | None = None, default_failure: Failure | None = None) -> None:
        super().__init__(parent)
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(2)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)
        self._relay = _Relay(self)  # after the pools: see _Relay
        self._relay.succeeded.connect(self._succeeded)
        self._relay.failed.connect(self._failed)
        self._relay.progressed.connect(self._progressed)
        self._running: dict[int, Operation] = {}
        self._ids = itertools.count(1)
        self.default_failure = default_failure
        self._closing = threading.Event()
        #: where what an action changed is published (the context's data bus); None: nowhere
        self.bus: DataBus | None = None
        _every_operations.add(self)

    def query(
        self, work: Callable[[], Any], on_success: Success | None = None, on_failure: Failure | None = None
    ) -> Operation:
        """Run a read off the UI thread.

        A read that meets a locked or unreachable database is tried again a few
        times with growing pauses (reads change nothing, so repeating one is
        safe); only then does ``on_failure`` hear about it.  The engine drops
        dead connections itself and checks each one before use, so a read after
        the database comes back succeeds without a restart.
        """
        op = Operation("Loading…", on_success, on_failure or self.default_failure, cancellable=False, is_action=False)
        self._start(op, lambda: retrying_read(work, READ_RETRY_DELAYS, self._closing), self._reads)
        return op

    def action(
        self,
        work: Callable[[Progress], Any],
        on_success: Success | None = None,
        on_failure: Failure | None = None,
        *,
        title: str,
        cancellable: bool = False,
        progress_dialog: bool = False,
        parent: QWidget | None = None,
        origin: QObject | None = None,
    ) -> Operation:
        """Run a change off the UI thread; ``work`` receives a Progress to report to.

        A change is never repeated automatically: if the database is locked or
        the connection drops, ``on_failure`` receives the error, and
        ``is_transient(error)`` (db.errors) tells a dialog to keep what the user
        typed and offer to try again.  Trying again is safe for services that
        check version counters: rows the first attempt did change come back as
        "changed since it was shown".

        With ``progress_dialog`` a window-modal dialog over ``parent`` appears if
        the work is still running after 600 ms; otherwise progress shows only in
        the status bar and the window stays usable.

        What the services' committed actions changed (``db.actions``) is published
        on the data bus before ``on_success`` runs, each change naming ``origin``
        (the widget that asked), so widgets never publish changes themselves.
        """
        op = Operation(title, on_success, on_failure or self.default_failure, cancellable=cancellable, is_action=True)
        op.origin = origin
        if progress_dialog:
            op.show_progress_dialog_after(parent)
        progress = op.progress
        self._start(op, lambda: recorded(lambda: work(progress)), self._writes)
        return op

    @property
    def running(self) -> list[Operation]:
        return list(self._running.values())

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until the lanes are idle (shutdown and tests only)."""
        return self._reads.waitForDone(msecs) and self._writes.waitForDone(msecs)

    @property
    def closing(self) -> bool:
        """True once ``shutdown`` began: a timer that fires later must not start work."""
        return self._closing.is_set()

    def shutdown(self, msecs: int = 30_000) -> bool:
        """Stop retrying reads and wait for the work under way: before the database is closed."""
        self._closing.set()
        return self.wait_for_done(msecs)

    def _start(self, op: Operation, work: Callable[[], Any], pool: QThreadPool) -> None:
        operation_id = next(self._ids)
        op.progress.bind(self._relay, operation_id)
        op._work = work  # released with the operation, on the UI thread (see _Runnable.run)
        self._running[operation_id] = op
        self.started.emit(op)
        pool.start(_Runnable(work, self._relay, operation_id))

    # -- from the workers, on the UI thread ---------------------------------------------------
    @Slot(int, object)
    def _succeeded(self, operation_id: int, result: Any) -> None:
        op = self._running.pop(operation_id, None)
        if op is None:
            return
        if isinstance(result, Recorded):
            self._publish(result.changes, op.origin)
            result = result.result
        op._succeeded(result)
        self.finished.emit(op)

    def _publish(self, changes: tuple[DataChange, ...], origin: QObject | None) -> None:
        if self.bus is None or not changes:
            return
        if origin is not None and not shiboken6.isValid(origin):
            origin = None  # the widget has gone; the change still counts for everyone else
        self.bus.publish(*(replace(change, origin=origin) for change in changes))

    @Slot(int, object)
    def _failed(self, operation_id: int, exc: BaseException) -> None:
        op = self._running.pop(operation_id, None)
        if op is not None:
            op._failed(exc)
            self.finished.emit(op)

    @Slot(int, int, int, str)
    def _progressed(self, operation_id: int, done: int, total: int, text: str) -> None:
        op = self._running.get(operation_id)
        if op is not None:
            op._progressed(done, total, text)


#: every Operations alive, so that whoever closes a database can first let their work finish
_every_operations: weakref.WeakSet[Operations] = weakref.WeakSet()


def wait_for_all_operations(msecs: int = 30_000) -> None:
    """Finish all background work before a database is disposed (tests, switching database).

    A worker still inside a query when its engine is disposed (or its PostgreSQL
    database dropped) can crash inside the driver; waiting first avoids that.
    """
    for operations in list(_every_operations):
        # Deleted with its parent (a closed window, a finished start-up): no thread of it is left.
        if shiboken6.isValid(operations) and shiboken6.isValid(operations._reads):
            operations.shutdown(msecs)
