"""Worker threads run below the window's thread, so that the window paints first.

On a two-core laptop two reads at once take every core, and the window's thread then waits its
turn to paint (a 100 ms freeze when "tick all" repaints the table).  Lower-priority workers give
the window the CPU first; their own work is barely slower, as the window is idle most of the time.
Windows takes the pools' thread priority (``QThreadPool.setThreadPriority`` in ``ops.py``); on
Linux, where Qt cannot lower a thread of the normal policy, each worker lowers itself here.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

#: how far below the window's thread the workers run (Linux "nice" steps, per thread)
WORKER_NICENESS = 5
_lowered = threading.local()


def run_below_the_window() -> None:
    """Lower the calling worker thread's priority, once per thread (pool threads are reused)."""
    if getattr(_lowered, "done", False):
        return
    _lowered.done = True
    if sys.platform.startswith("linux"):
        try:
            native = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, native, os.getpriority(os.PRIO_PROCESS, native) + WORKER_NICENESS)
        except OSError:  # not allowed here: the work runs as it would have
            log.debug("could not lower a worker thread's priority", exc_info=True)
