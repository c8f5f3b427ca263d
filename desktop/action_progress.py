"""The status bar's account of the changes under way: what is running, how far it has got, and Cancel.

An action with a progress dialog reports there; one that runs in the background without a dialog (a
flood fill onto thousands of jobs) reports only here, and may be cancelled from here. Services check
for a cancel before they commit, so a cancelled action changes nothing.

Part of the window's frame, which is on screen before the database layer is imported: only Qt here,
and no ``Qt`` enum (see ``desktop.main_window._opening_view``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton

if TYPE_CHECKING:
    from desktop.kit.ops import Operation, Operations


class ActionProgress(QObject):
    """The label, progress bar and Cancel button it adds to ``bar``, kept in step with ``follow``'s operations."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.label = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(False)
        self.label.hide()
        self.progress.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop the work under way; nothing will be changed")
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self._cancellable: list[Operation] = []
        self._ops: Operations | None = None
        for widget in (self.label, self.progress, self.cancel_button):
            bar.addPermanentWidget(widget)

    def follow(self, ops: Operations) -> None:
        """Report the actions ``ops`` runs (not its reads: they are quick, and the panels say "Loading…")."""
        self._ops = ops
        ops.started.connect(self._started)
        ops.finished.connect(self._finished)

    def cancel(self) -> None:
        for op in self._cancellable:
            op.cancel()
        self.cancel_button.setEnabled(False)
        self.label.setText("Cancelling… nothing will be changed.")

    def _started(self, op: Operation) -> None:
        if not op.is_action:
            return
        self.label.setText(op.title)
        self.label.show()
        self.progress.setRange(0, 0)
        self.progress.show()
        op.progressed.connect(self._progressed)
        if op.cancellable and not op.has_progress_dialog:
            self._cancellable.append(op)
            self.cancel_button.setEnabled(True)
            self.cancel_button.show()

    def _progressed(self, done: int, total: int, text: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        if text and not any(op.cancelled for op in self._cancellable):
            self.label.setText(text)

    def _finished(self, finished: Operation) -> None:
        if finished in self._cancellable:
            self._cancellable.remove(finished)
        if not self._cancellable:
            self.cancel_button.hide()
        if self._ops is None or not any(op.is_action for op in self._ops.running):
            self.label.hide()
            self.progress.hide()
