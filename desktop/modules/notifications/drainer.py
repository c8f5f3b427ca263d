"""Every running TrustDesk sends the outbox in the background (N1): a timer starts a drain step on
a worker through the operations helper, never on the UI thread.

A step sends at most ``STEP_MESSAGES`` messages and holds one read lane while it does, so lists
keep loading on the other; when a step was full the next one starts at once, otherwise after
``INTERVAL_MS``. Two programs may drain one database at once: the claims in
``db.services.outbox`` make sure a message is sent by one of them (at least once, never lost).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from db.engine import Database
from db.errors import TrustDeskError
from desktop.kit.ops import Operations
from desktop.mail_password import load_smtp_password

if TYPE_CHECKING:  # the outbox brings the mail composer (jinja2, icalendar): imported by the first step
    from db.services.outbox import DrainResult

log = logging.getLogger(__name__)

INTERVAL_MS = 60_000
#: the first drain waits for start-up to finish
FIRST_DELAY_MS = 5_000
STEP_MESSAGES = 200


class OutboxDrainer(QObject):
    """Drains the outbox now and then; ``drained`` reports each step's result on the UI thread."""

    drained = Signal(object)  # DrainResult

    def __init__(self, db: Database, user_id: int, ops: Operations, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._user_id = user_id
        self._ops = ops
        #: who holds this window's claims (db.services.outbox.sender_name), made by the first step
        self._owner: list[str] = []
        self._running = False
        self.last: DrainResult | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.drain_now)
        ops.destroyed.connect(self._timer.stop)  # the program is closing: no step after that

    def start(self, delay_ms: int = FIRST_DELAY_MS) -> None:
        self._timer.start(delay_ms)

    def stop(self) -> None:
        self._timer.stop()

    @property
    def running(self) -> bool:
        return self._running

    def drain_now(self) -> None:
        """One step now (unless one is under way)."""
        if self._running or not shiboken6.isValid(self._ops) or self._ops.closing:
            return
        self._running = True
        self._timer.stop()
        db, user_id, owner = self._db, self._user_id, self._owner
        self._ops.query(lambda: _step(db, user_id, owner), self._done, self._failed)

    def _done(self, result: DrainResult) -> None:
        if not shiboken6.isValid(self):
            return  # the window closed while the step ran: its messages are marked, nobody to tell
        self._running = False
        self.last = result
        self.drained.emit(result)
        full = result.messages >= STEP_MESSAGES and result.reason is None
        self._timer.start(0 if full else INTERVAL_MS)

    def _failed(self, error: TrustDeskError) -> None:
        if not shiboken6.isValid(self):
            return
        self._running = False
        log.warning("Sending the outbox failed: %s", error.message)
        self._timer.start(INTERVAL_MS)


def _step(db: Database, user_id: int, owner: list[str]) -> DrainResult:
    """On the worker: the settings, the password from the keyring, then one bounded drain.

    The outbox is imported here, off the UI thread and after start-up (the first step waits
    FIRST_DELAY_MS), not when the window builds its panels. Steps never overlap, so ``owner`` is
    made once.
    """
    from db.services.activity_totals import fold_where_due
    from db.services.outbox import current_settings, drain, sender_name

    if not owner:
        owner.append(sender_name())
    settings = current_settings(db)
    password = load_smtp_password(settings.keyring_key) if settings.configured and settings.login else None
    result = drain(db, user_id, password, owner=owner[0], settings=settings, max_messages=STEP_MESSAGES)
    fold_where_due(db)  # the same background minute keeps the dashboard's totals short (PostgreSQL; never raises)
    return result
