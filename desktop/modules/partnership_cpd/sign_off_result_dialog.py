"""What a sign-off did: applied and left-alone counts, each skipped row with its organisation and reason.

Opened from "Details…" in the panel's undo bar (undo_bar.py), which holds the
Undo.  Enter closes this dialog: Close is its default button and has the focus,
and an Undo here (when offered) is never a default button, so a lead pressing
Enter to dismiss the result can never put every decided row back.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from db.errors import TrustDeskError
from db.models import PartnershipState
from db.services.decisions import RevertResult
from db.services.signoff import SignOffResult
from desktop.kit.context import AppContext
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.partnership_cpd.printing import add_print_buttons
from desktop.modules.partnership_cpd.skipped_table_model import SkippedTableModel
from desktop.modules.partnership_cpd.undo import start_undo


def summary_text(result: SignOffResult) -> str:
    verb = "Authorised" if result.decision is PartnershipState.AUTHORISED else "Rejected"
    noun = "activity" if len(result.applied) == 1 else "activities"
    text = f"{verb} {len(result.applied):,} {noun}."
    if result.skipped:
        reasons = Counter(row.reason for row in result.skipped)
        parts = ", ".join(f"{count:,} because {reason}" for reason, count in reasons.most_common())
        text += f" Left alone {len(result.skipped):,}: {parts}."
    return text


class SignOffResultDialog(QDialog):
    def __init__(
        self, context: AppContext, result: SignOffResult, parent: QWidget | None = None, *, undo_offered: bool = True
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.result_ = result
        self.setWindowTitle("Sign-off result")
        self.resize(980, 480 if result.skipped else 180)
        layout = QVBoxLayout(self)
        self.summary_label = QLabel(summary_text(result))
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.skipped_model = SkippedTableModel(self)
        self.skipped_model.set_rows(result.skipped)
        self.table = data_table(self.skipped_model)
        self.table.setVisible(bool(result.skipped))
        layout.addWidget(self.table, 1)
        if result.skipped:
            fit_columns(self.table, maximum=320)
            self.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # rows left alone for one reason together
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.undo_button = QPushButton("&Undo this decision")
        self.undo_button.setToolTip("Put every decided activity back as it was (unless one changed since)")
        self.undo_button.setEnabled(result.batch_id is not None)
        self.undo_button.setAutoDefault(False)  # a reversing action is never what Enter presses
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.undo_button.setVisible(undo_offered)  # after addButton, which shows it
        add_print_buttons(self, buttons, context, result.batch_id)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        buttons.rejected.connect(self.reject)
        self.undo_button.clicked.connect(self.undo)
        layout.addWidget(buttons)

    def undo(self) -> None:
        if self.result_.batch_id is None:
            return
        self.undo_button.setEnabled(False)
        self.status_label.setText("Undoing…")
        start_undo(self.context, self.result_.batch_id, self, self._undone, self._undo_failed)

    def _undone(self, result: RevertResult) -> None:
        self.status_label.setText(f"Undone: {len(result.restored):,} activities are back as they were.")

    def _undo_failed(self, error: TrustDeskError) -> None:
        self.status_label.setText(error.message)
        self.undo_button.setEnabled(True)
