"""The export's row prefetch: same rows in the same order, errors surface, stopping early never hangs."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from db.excel.prefetch import prefetched


def test_rows_arrive_in_order_from_another_thread() -> None:
    threads: set[str] = set()

    def source() -> Iterator[int]:
        threads.add(threading.current_thread().name)
        yield from range(10_001)

    assert list(prefetched(source, batch=7, depth=2)) == list(range(10_001))
    assert threads == {"export-prefetch"}


def test_a_failure_while_reading_reaches_the_writer() -> None:
    def source() -> Iterator[int]:
        yield 1
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="went away"):
        list(prefetched(source, batch=1))


def test_stopping_early_stops_the_reader_and_closes_its_session() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            yield from range(1_000_000)
        finally:
            closed.set()

    rows = prefetched(source, batch=10, depth=1)
    assert next(rows) == 0
    rows.close()  # what happens when the export is cancelled mid-way
    assert closed.wait(5)
