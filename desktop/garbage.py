"""Python's cycle collector, run on the UI thread only.

CPython collects reference cycles in whichever thread happens to allocate
when a generation fills up: often one of our worker threads, deep inside a
query. A closed window, a finished dialog or a panel is a cycle of wrappers
and callbacks; collected on a worker thread, it destroys Qt objects there,
which Qt does not allow and which crashes the process now and then (once in a
few hundred runs of the suite, always in a different place). The long-standing
answer in PyQt and PySide programs (Calibre, pyqtgraph) is to switch automatic
collection off and collect from a timer on the UI thread instead, with the
same generational thresholds, so memory behaves as before.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot

#: how often the UI thread looks at the collector's counters (milliseconds)
INTERVAL_MS = 500

_OBJECT_NAME = "trustdesk-garbage-collector"


def collect_if_due(threshold: tuple[int, int, int]) -> int:
    """Collect the generations that are over their thresholds, as CPython would have; the objects freed."""
    counts = gc.get_count()
    if counts[0] <= threshold[0]:
        return 0
    generation = 0
    if counts[1] > threshold[1]:
        generation = 2 if counts[2] > threshold[2] else 1
    return gc.collect(generation)


class UiThreadGarbageCollector(QObject):
    """Owns the timer; a child of the application, so there is one per process."""

    def __init__(self, parent: QObject, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.setObjectName(_OBJECT_NAME)
        self.threshold: tuple[int, int, int] = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        self._timer.start()

    @Slot()
    def check(self) -> None:
        collect_if_due(self.threshold)

    def pause(self) -> None:
        """No collections for now (start-up: see ``resume``)."""
        self._timer.stop()

    def resume(self, *, freeze: bool = False) -> None:
        """Collect again; ``freeze``: first move everything alive into the permanent generation.

        Start-up imports SQLAlchemy, the models and the panels on a worker thread: hundreds of
        thousands of objects that live as long as the program. Collected from the timer meanwhile,
        each full collection walked all of them on the UI thread, holding the interpreter the
        imports needed (a tenth of a second or more before the first rows). After the imports,
        ``gc.freeze`` leaves those objects out of every later collection (the collector's own advice
        for long-lived start-up state); what the program makes from then on is collected as before.
        """
        if freeze:
            gc.freeze()
        if not self._timer.isActive():
            self._timer.start()


def install(app: QCoreApplication) -> UiThreadGarbageCollector:
    """Switch to collecting on the UI thread (idempotent: one collector per application)."""
    existing = app.findChild(UiThreadGarbageCollector, _OBJECT_NAME)
    if existing is not None:
        return existing
    return UiThreadGarbageCollector(app)
