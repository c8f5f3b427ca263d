"""Guards against a known binding defect: signals must not leak references.

PySide6 6.12.0 released one reference to ``True`` on every ``Signal.emit()``
from Python; after a few thousand emissions the interpreter aborted.  The
operation helper emits several signals per database call, so this matters.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QObject, QThreadPool, Signal, Slot

from desktop.kit.ops import _Relay, _Runnable


class _Sender(QObject):
    fired = Signal(object)


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    @Slot(object)
    def take(self, _value: object) -> None:
        self.count += 1

    @Slot(int, object)
    def take_reply(self, _operation_id: int, _value: object) -> None:
        self.count += 1


EMISSIONS = 2000
#: garbage from earlier tests can release a few hundred references to True while we count;
#: the defect releases one per emission
TOLERANCE = -EMISSIONS // 2


def test_emitting_a_signal_does_not_release_true(qapp) -> None:
    sender, receiver = _Sender(), _Receiver()
    sender.fired.connect(receiver.take)
    gc.collect()
    before = sys.getrefcount(True)
    for _ in range(EMISSIONS):
        sender.fired.emit(object())
    assert receiver.count == EMISSIONS
    assert sys.getrefcount(True) - before > TOLERANCE


def test_worker_thread_signals_do_not_release_true(qtbot) -> None:
    relay = _Relay()
    receiver = _Receiver()
    relay.succeeded.connect(receiver.take_reply)
    gc.collect()
    before = sys.getrefcount(True)
    pool = QThreadPool()
    for number in range(EMISSIONS):
        pool.start(_Runnable(object, relay, number))
    pool.waitForDone()
    qtbot.waitUntil(lambda: receiver.count == EMISSIONS, timeout=10_000)
    assert sys.getrefcount(True) - before > TOLERANCE
