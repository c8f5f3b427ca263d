"""Timing the real window in a benchmark: the event loop run until something happens, the longest
the window's thread went without it, and the figures printed the same way in every part.

The benchmarks drive the real main window without pytest-qt, so they wait as the window's own
event loop would: a nested loop until a signal fires or a condition holds.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from db.engine import Database  # noqa: E402
from db.models import AppUser  # noqa: E402


def median_ms(work: Callable[[], object], repeats: int) -> float:
    """The median of ``repeats`` timed calls of ``work``, in milliseconds, after one untimed call (the
    plan cache, the buffers)."""
    work()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def user(db: Database, name: str) -> int:
    with db.read() as session:
        return session.scalars(select(AppUser.id).where(AppUser.username == name)).one()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def report(title: str, ours: float, reference: float, target: str) -> None:
    print(f"{title}: ours {ms(ours)} · reference {ms(reference)} · ratio {ours / reference:.2f}× ({target})")


def wait_for(signal: Any, timeout: float = 60) -> None:
    """Let the event loop run (as the window's would) until ``signal`` fires."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(timeout * 1000), loop.quit)
    loop.exec()
    signal.disconnect(loop.quit)


def wait_until(condition: Callable[..., bool], timeout: float = 60) -> None:
    """Let the event loop run in 5 ms steps until ``condition`` (called with no arguments) holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    end = time.perf_counter() + timeout
    while not condition() and time.perf_counter() < end:
        loop = QEventLoop()
        QTimer.singleShot(5, loop.quit)
        loop.exec()


def settle(context: Any) -> None:
    """Wait until every read of the previous filter has finished and been delivered."""
    wait_until(lambda: not context.ops.running)


def idle(seconds: float = 0.05) -> None:
    """Let the event loop run for a moment: what the last delivered read changed is painted before a clock
    starts (a count arriving just before repaints the whole table, 15 ms that are not the next filter's)."""
    wait_until(lambda: False, timeout=seconds)


class GapWatch:
    """The longest the window's thread went without running its event loop (a 2 ms timer's late ticks)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(2)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.longest = 0.0

    def start(self) -> None:
        self.last, self.longest = time.perf_counter(), 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.longest = max(self.longest, now - self.last)
        self.last = now

    def stop(self) -> float:
        self.timer.stop()
        self._tick()
        return self.longest
