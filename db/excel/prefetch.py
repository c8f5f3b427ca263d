"""Read rows on a second thread while the workbook is being written.

At 200,000 rows the database spends seconds inside SQLite (sorting, joining,
reading pages) and XlsxWriter spends its time in Python.  SQLite's driver
releases the GIL while it steps, so fetching the next batches on a worker
thread overlaps the two instead of adding them up.  The queue is bounded, so
memory stays at a few batches whatever the export's size.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
_END = object()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetched(source: Callable[[], Iterator[T]], batch: int = 2000, depth: int = 4) -> Iterator[T]:
    """Iterate ``source()`` — run entirely on a worker thread — from the calling thread.

    ``source`` must open whatever it needs (e.g. its own read session) itself,
    so that nothing crosses threads but finished rows.  Stopping early (an
    error or a cancel while writing) tells the worker to stop and waits for it.
    """
    handover: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handover.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        rows = source()
        try:
            chunk: list[T] = []
            for item in rows:
                chunk.append(item)
                if len(chunk) >= batch:
                    if not put(chunk):
                        return
                    chunk = []
            if chunk and not put(chunk):
                return
            put(_END)
        except BaseException as error:
            put(_Failed(error))
        finally:
            close = getattr(rows, "close", None)
            if close is not None:
                close()  # ends the source's read session on this thread, now

    worker = threading.Thread(target=produce, name="export-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = handover.get()
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield from item  # type: ignore[misc]  # the queue holds batches and markers; markers were handled above
    finally:
        stop.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                handover.get(timeout=0.1)
        worker.join()
