"""Evaluation… (row menu and activity details): hours, a rating from 1 to 5, impact and change in practice.

Opens with the evaluation as it is (and its version), so a save made after
someone else's is refused and reported rather than written over theirs.  A
user who may not record it sees the evaluation read-only, with the reason.
A refused save keeps everything typed and shows the sentence in the dialog.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError, ValidationError
from db.services.evaluations import MAX_HOURS, EvaluationShown, check_evaluation, load_evaluation, record_evaluation
from desktop.kit.context import AppContext

RATINGS = ("Choose…", "1 — poor", "2 — weak", "3 — useful", "4 — good", "5 — excellent")


class EvaluationDialog(QDialog):
    """Emits ``saved(version)`` once the evaluation is recorded."""

    saved = Signal(int)

    def __init__(self, context: AppContext, activity_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.activity_id = activity_id
        self.shown: EvaluationShown | None = None
        self.setWindowTitle("Evaluation")
        self.resize(560, 460)
        layout = QVBoxLayout(self)
        self.heading = QLabel("Loading…")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        form = QFormLayout()
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, MAX_HOURS)
        self.hours.setDecimals(1)
        self.hours.setSingleStep(0.5)
        self.hours.setSuffix(" hours")
        self.rating = QComboBox()
        self.rating.addItems(RATINGS)
        self.impact = QPlainTextEdit()
        self.impact.setPlaceholderText("What difference did it make? For whom?")
        self.change = QPlainTextEdit()
        self.change.setPlaceholderText("What is done differently in practice now?")
        form.addRow("CPD &hours", self.hours)
        form.addRow("&Rating", self.rating)
        form.addRow("&Impact", self.impact)
        form.addRow("&Change in practice", self.change)
        layout.addLayout(form, 1)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        db, user_id = context.db, context.user.id
        context.ops.query(lambda: load_evaluation(db, user_id, activity_id), self._loaded, self._load_failed)

    def _loaded(self, shown: EvaluationShown) -> None:
        self.shown = shown
        self.heading.setText(f"<b>{_escape(shown.title)}</b>")
        if shown.evaluation is not None:
            self.hours.setValue(shown.evaluation.hours)
            self.rating.setCurrentIndex(shown.evaluation.rating)
            self.impact.setPlainText(shown.evaluation.impact)
            self.change.setPlainText(shown.evaluation.practice_change)
        for widget in (self.hours, self.rating, self.impact, self.change):
            widget.setEnabled(shown.may_record)
        self.save_button.setEnabled(shown.may_record)
        if not shown.may_record:
            self._show_error(shown.why_not)

    def _load_failed(self, error: TrustDeskError) -> None:
        self.heading.setText("Could not open the evaluation.")
        self._show_error(error.message)

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.show()

    def save(self) -> None:
        if self.shown is None or not self.shown.may_record:
            return
        try:
            rating = self.rating.currentIndex() or None
            evaluation = check_evaluation(
                self.hours.value(), rating, self.impact.toPlainText(), self.change.toPlainText()
            )
        except ValidationError as error:
            self._show_error(error.message)
            return
        self.save_button.setEnabled(False)
        db, user_id, activity_id, version = self.context.db, self.context.user.id, self.activity_id, self.shown.version
        self.context.ops.action(
            lambda _progress: record_evaluation(db, user_id, activity_id, version, evaluation),
            self._saved,
            self._save_failed,
            title="Recording the evaluation…",
            parent=self,
        )

    def _saved(self, version: int) -> None:
        self.context.navigator.tell("Evaluation recorded.")
        self.saved.emit(version)
        self.accept()

    def _save_failed(self, error: TrustDeskError) -> None:
        self.save_button.setEnabled(True)
        self._show_error(error.message)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def evaluation_button(owner: QDialog, context: AppContext, activity_id: int, reload: Callable[[], None]) -> QPushButton:
    """The activity details' "Evaluation…" button: opens the dialog, and reloads the details once saved."""
    button = QPushButton("Evaluation…")
    button.setAutoDefault(False)  # Enter in the details still closes them
    button.setToolTip("Hours, a rating from 1 to 5, impact and change in practice")

    def open_dialog() -> None:
        dialog = EvaluationDialog(context, activity_id, owner)
        dialog.saved.connect(lambda _version: reload())
        dialog.open()

    button.clicked.connect(open_dialog)
    return button
