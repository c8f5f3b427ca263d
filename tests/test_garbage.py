"""Cycles of Qt wrappers are collected on the UI thread, never on a worker thread mid-query."""

from __future__ import annotations

import gc
import threading
import weakref

from PySide6.QtCore import QObject

from desktop import garbage


class _Panel(QObject):
    """A cycle like a closed panel's: the object refers to itself through a callback."""

    def __init__(self) -> None:
        super().__init__()
        self.callback = lambda: self.objectName()


def test_a_cycle_left_by_the_ui_is_collected_on_the_ui_thread_not_by_a_busy_worker(qapp, qtbot) -> None:
    collector = garbage.install(qapp)
    assert garbage.install(qapp) is collector  # one per application
    assert not gc.isenabled()

    collected_on: list[str] = []
    panel = _Panel()
    weakref.finalize(panel, lambda: collected_on.append(threading.current_thread().name))
    del panel

    def busy_worker() -> None:  # allocates far past every threshold, as building a large result does
        for _ in range(5):
            [[i] for i in range(100_000)]

    worker = threading.Thread(target=busy_worker, name="worker")
    worker.start()
    worker.join()
    assert collected_on == []

    gc.collect()  # what the collector's timer does on the UI thread (also via collect_if_due)
    assert collected_on == [threading.main_thread().name]


def test_collect_if_due_collects_only_when_a_generation_is_full() -> None:
    assert garbage.collect_if_due((10**9, 10, 10)) == 0
    box: list[object] = []
    box.append(box)
    del box
    assert garbage.collect_if_due((0, 10**9, 10**9)) >= 1
