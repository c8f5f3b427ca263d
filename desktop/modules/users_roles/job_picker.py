"""Choosing the job a user is linked to by typing part of a name, an e-mail or a role (``find_jobs``).

Each keystroke restarts a short timer; the search runs off the UI thread and
an answer to an older keystroke is dropped, so a slow reply never replaces a
newer one.  The chosen job stays chosen while the user searches on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from db.queries.user_admin import Choice, find_jobs
from desktop.kit.context import AppContext

DEBOUNCE_MS = 250
NOTHING_CHOSEN = "No job chosen yet: pick one from the list."


class JobPicker(QWidget):
    """Emits ``chosen(job_id or None)`` when a job is picked."""

    chosen = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.job_id: int | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type a name, e-mail, role or school…")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMinimumHeight(120)
        self.chosen_label = QLabel(NOTHING_CHOSEN)
        self.chosen_label.setWordWrap(True)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.chosen_label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(self._timer.start)
        self.results.currentItemChanged.connect(self._picked)

    def set_job(self, job_id: int | None, label: str) -> None:
        """Show the job a user already has (editing them)."""
        self.job_id = job_id
        self.chosen_label.setText(f"Linked to: {label}" if job_id is not None else NOTHING_CHOSEN)

    def run_search(self) -> None:
        self._generation += 1
        generation = self._generation
        db, user_id, text = self.context.db, self.context.user.id, self.search.text()
        self.context.ops.query(lambda: find_jobs(db, user_id, text), lambda found: self._found(generation, found))

    def _found(self, generation: int, found: list[Choice]) -> None:
        if generation != self._generation:
            return
        self.results.blockSignals(True)
        self.results.clear()
        for choice in found:
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            self.results.addItem(item)
            if choice.id == self.job_id:
                self.results.setCurrentItem(item)
        self.results.blockSignals(False)
        if not found:
            self.results.addItem(QListWidgetItem("No job matches; try part of the name."))
            self.results.item(0).setFlags(Qt.ItemFlag.NoItemFlags)

    def _picked(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if item is None or item.data(Qt.ItemDataRole.UserRole) is None:
            return
        self.set_job(item.data(Qt.ItemDataRole.UserRole), item.text())
        self.chosen.emit(self.job_id)

    def pick(self, row: int) -> None:
        """Choose the job on ``row`` of the results, as a click would."""
        self.results.setCurrentRow(row)
