"""Recent decisions: the newest sign-off batches, any of which can be undone as a whole (C4)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from db.errors import TrustDeskError
from db.queries.recent_decisions import DecisionBatchRow, recent_batches
from db.services.decisions import RevertResult
from desktop.kit.context import AppContext
from desktop.kit.row_table_model import RowRole
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.partnership_cpd.decision_batch_model import DecisionBatchTableModel
from desktop.modules.partnership_cpd.undo import start_undo


class RecentDecisionsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Recent decisions")
        self.resize(820, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Partnership decisions, newest first. Undo puts a whole decision back."))
        self.model = DecisionBatchTableModel(self)
        self.table = data_table(self.model, sortable=False)
        layout.addWidget(self.table, 1)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.undo_button = QPushButton("&Undo selected decision")
        self.undo_button.setEnabled(False)
        self.undo_button.setAutoDefault(False)  # a reversing action is never what Enter presses
        buttons.addButton(self.undo_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.undo_button.clicked.connect(self.undo)
        layout.addWidget(buttons)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.load()

    def load(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: recent_batches(db, user_id), self._loaded, self._failed)

    def _loaded(self, rows: list[DecisionBatchRow]) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table, maximum=280)
        if not rows:
            self.status_label.setText("No decisions yet.")
        self._selection_changed()

    def selected(self) -> DecisionBatchRow | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(RowRole) if rows else None

    def _selection_changed(self, *_args: object) -> None:
        batch = self.selected()
        self.undo_button.setEnabled(batch is not None and batch.reverted_at is None)

    def undo(self) -> None:
        batch = self.selected()
        if batch is None:
            return
        self.undo_button.setEnabled(False)
        self.status_label.setText("Undoing…")
        start_undo(self.context, batch.id, self, self._undone, self._failed)

    def _undone(self, result: RevertResult) -> None:
        self.status_label.setText(f"Undone: {len(result.restored):,} activities are back as they were.")
        self.load()

    def _failed(self, error: TrustDeskError) -> None:
        self.status_label.setText(error.message)
        self._selection_changed()
