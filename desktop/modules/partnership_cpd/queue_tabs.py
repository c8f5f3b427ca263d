"""Queue tabs above the Partnership CPD table: Pending · Needs re-authorisation · Authorised · Rejected ·
Withdrawn · All.

Users coming from web tools expect the queue they work through to be a tab
with a count, not a value hidden in a dropdown.  The counts are for the
current filter whatever queue is chosen, read in one grouped query off the UI
thread (``db.queries.activities.queue_counts``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabBar, QWidget

from db.models import PartnershipState
from desktop.kit.formatting import state

QUEUES: tuple[PartnershipState | None, ...] = (
    PartnershipState.PENDING,
    PartnershipState.NEEDS_REAUTHORISATION,
    PartnershipState.AUTHORISED,
    PartnershipState.REJECTED,
    PartnershipState.WITHDRAWN,
    None,
)


def _name(queue: PartnershipState | None) -> str:
    return state(queue) if queue is not None else "All"


class QueueTabs(QTabBar):
    """Emits ``queue_chosen(state or None)`` when the user picks a tab (not when the panel sets one)."""

    queue_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setExpanding(False)
        self.setDrawBase(False)
        self.setDocumentMode(True)
        for queue in QUEUES:
            self.addTab(_name(queue))
        self.setCurrentIndex(QUEUES.index(None))
        self._setting = False
        self.currentChanged.connect(self._changed)

    @property
    def queue(self) -> PartnershipState | None:
        return QUEUES[self.currentIndex()]

    def set_queue(self, queue: PartnershipState | None) -> None:
        self._setting = True
        self.setCurrentIndex(QUEUES.index(queue))
        self._setting = False

    def set_counts(self, counts: dict[PartnershipState, int] | None) -> None:
        """``None`` while the counts are being read: the tabs show just their names."""
        for index, queue in enumerate(QUEUES):
            if counts is None:
                self.setTabText(index, _name(queue))
                continue
            count = sum(counts.values()) if queue is None else counts.get(queue, 0)
            self.setTabText(index, f"{_name(queue)} ({count:,})")

    def _changed(self, index: int) -> None:
        if not self._setting and index >= 0:
            self.queue_chosen.emit(QUEUES[index])
