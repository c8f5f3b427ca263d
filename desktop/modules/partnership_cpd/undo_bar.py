"""The bar that reports a sign-off inside the panel and offers its Undo (C4).

A modal result dialog with an Undo button was a trap: a lead pressing Enter to
dismiss it put every decided row back.  This bar is not modal and takes no
focus when it appears, so Enter does nothing to it; Undo is a click, Tab to it
and Space, or Ctrl+Z in the panel.  "Details…" opens the full result list (the
rows left alone, with organisation and reason), and ✕ or Esc dismisses the bar.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from db.errors import TrustDeskError
from db.models import PartnershipState
from db.services.decisions import RevertResult
from db.services.signoff import SignOffResult
from desktop.kit.context import AppContext
from desktop.modules.partnership_cpd.undo import start_undo

UNDO_KEYS = "Ctrl+Z"


def bar_text(result: SignOffResult) -> str:
    """Like "Authorised 500 — 3 left alone" (the reasons are one click away, in Details…)."""
    verb = "Authorised" if result.decision is PartnershipState.AUTHORISED else "Rejected"
    text = f"{verb} {len(result.applied):,}"
    if result.skipped:
        text += f" — {len(result.skipped):,} left alone"
    return text


class UndoBar(QFrame):
    details_requested = Signal(object)  # the SignOffResult
    undone = Signal(object)  # the RevertResult

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.result_: SignOffResult | None = None
        self.setObjectName("undoBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 2, 2)
        self.label = QLabel()
        self.undo_button = QPushButton("&Undo")
        self.undo_button.setToolTip(f"Put every decided activity back as it was, unless one changed ({UNDO_KEYS})")
        self.details_button = QPushButton("&Details…")
        self.details_button.setFlat(True)
        self.details_button.setToolTip("Every activity this decision left alone, with its organisation and why")
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss (Esc)")
        for button in (self.undo_button, self.details_button):
            button.setAutoDefault(False)  # never pressed by Enter, wherever the bar sits
            button.setDefault(False)
        layout.addWidget(self.label)
        layout.addWidget(self.undo_button)
        layout.addWidget(self.details_button)
        layout.addStretch(1)
        layout.addWidget(self.close_button)
        self.undo_button.clicked.connect(self.undo)
        self.details_button.clicked.connect(lambda: self.details_requested.emit(self.result_))
        self.close_button.clicked.connect(self.dismiss)
        self.hide()

    def show_result(self, result: SignOffResult) -> None:
        """Show what a sign-off did; the focus stays where it was (the table)."""
        self.result_ = result
        self.label.setText(bar_text(result))
        self.undo_button.setVisible(result.batch_id is not None)
        self.undo_button.setEnabled(True)
        self.details_button.setVisible(bool(result.skipped))
        self.show()

    @property
    def can_undo(self) -> bool:
        return self.isVisible() and self.undo_button.isVisible() and self.undo_button.isEnabled()

    def undo(self) -> None:
        if self.result_ is None or self.result_.batch_id is None or not self.can_undo:
            return
        self.undo_button.setEnabled(False)
        self.label.setText(f"{bar_text(self.result_)} — undoing…")
        start_undo(self.context, self.result_.batch_id, self.window(), self._undone, self._failed)

    def _undone(self, result: RevertResult) -> None:
        self.undo_button.hide()
        self.label.setText(f"Undone: {len(result.restored):,} activities are back as they were.")
        self.undone.emit(result)

    def _failed(self, error: TrustDeskError) -> None:
        self.label.setText(error.message)
        self.undo_button.setEnabled(True)

    def dismiss(self) -> None:
        self.hide()
        self.result_ = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
            return
        super().keyPressEvent(event)
