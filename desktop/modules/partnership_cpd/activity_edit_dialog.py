"""Correct one activity's dates and costs (C5).

The user types pounds; the service stores pence.  Before anything is saved the
dialog says, live, whether saving will send an authorised or rejected request
back to *needs re-authorisation*, so nobody undoes a decision by surprise.
The save runs off the UI thread; if the database is busy or gone the dialog
stays open with everything as typed, and if someone else changed the activity
meanwhile it closes with ``stale`` so the detail reloads the fresh row.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from db.errors import StaleData, TrustDeskError, ValidationError, is_transient
from db.labels import STATE_LABELS
from db.models import PartnershipState
from db.queries.activities import ActivityRow
from db.services.activity_edits import (
    LABELS,
    MONEY_FIELDS,
    ActivityEdit,
    EditResult,
    changed_fields,
    current_edit,
    edit_activity,
    returns_to_reauthorisation,
    validate_edit,
)
from desktop.kit.context import AppContext
from desktop.kit.formatting import day
from resources_qt.style import set_warning

MAX_POUNDS = 1_000_000.0  # one line of a CPD request; anything larger is a typing slip
MAX_COVER_DAYS = 365.0
FIELD_WIDTH = 170  # room for "£1,000,000.00" and "30 Sep 2026" with the arrows


def _pence(pounds: float) -> int:
    return round(pounds * 100)


def _date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    return edit


def _money_box(pence: int) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(2)
    box.setRange(0.0, MAX_POUNDS)
    box.setPrefix("£")
    box.setGroupSeparatorShown(True)
    box.setSingleStep(10.0)
    box.setValue(pence / 100)
    box.setAlignment(Qt.AlignmentFlag.AlignRight)
    return box


class ActivityEditDialog(QDialog):
    """Emits ``saved(EditResult)`` after a save, or ``stale(str)`` when the row changed underneath."""

    saved = Signal(object)
    stale = Signal(str)

    def __init__(self, context: AppContext, row: ActivityRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.row = row
        self.original = current_edit(row)
        self.running = False
        self.setWindowTitle("Edit dates and costs")
        self.setMinimumWidth(520)

        layout = QVBoxLayout(self)
        heading = QLabel(
            f"<b>{row.title}</b><br>{row.individual}, {row.organisation} · "
            f"partnership: {STATE_LABELS.get(row.partnership_state, row.partnership_state)}"
        )
        heading.setWordWrap(True)
        layout.addWidget(heading)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.starts_edit = _date_edit(row.starts_on)
        self.ends_edit = _date_edit(row.ends_on)
        self.money_boxes = {name: _money_box(getattr(row, name)) for name in MONEY_FIELDS}
        self.cover_days_box = QDoubleSpinBox()
        self.cover_days_box.setDecimals(2)
        self.cover_days_box.setRange(0.0, MAX_COVER_DAYS)
        self.cover_days_box.setSingleStep(0.5)
        self.cover_days_box.setValue(row.cover_days)
        self.cover_days_box.setAlignment(Qt.AlignmentFlag.AlignRight)
        for widget in (self.starts_edit, self.ends_edit, *self.money_boxes.values(), self.cover_days_box):
            widget.setMinimumWidth(FIELD_WIDTH)
        form.addRow(LABELS["starts_on"], self.starts_edit)
        form.addRow(LABELS["ends_on"], self.ends_edit)
        for name, box in self.money_boxes.items():
            form.addRow(LABELS[name], box)
        form.addRow(LABELS["cover_days"], self.cover_days_box)
        self.total_label = QLabel()
        form.addRow("Total cost", self.total_label)
        layout.addLayout(form)

        layout.addWidget(QLabel("Note (optional; kept in the history and sent to the individual):"))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(64)
        layout.addWidget(self.note_edit)

        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.preview_label.setObjectName("preview")
        layout.addWidget(self.preview_label)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setObjectName("warnings")
        set_warning(self.warning_label, True)
        layout.addWidget(self.warning_label)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("error")
        set_warning(self.error_label, True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.error_label)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)

        for date_edit in (self.starts_edit, self.ends_edit):
            date_edit.dateChanged.connect(self._update)
        for box in (*self.money_boxes.values(), self.cover_days_box):
            box.valueChanged.connect(self._update)
        self._update()

    # -- what the form says ----------------------------------------------------
    def edit(self) -> ActivityEdit:
        """The form as an edit, in pence."""
        starts = cast(date, self.starts_edit.date().toPython())  # typed object in PySide6
        ends = cast(date, self.ends_edit.date().toPython())
        money = {name: _pence(box.value()) for name, box in self.money_boxes.items()}
        cover_days = self.cover_days_box.value()
        if round(self.original.cover_days, 2) == cover_days:
            cover_days = self.original.cover_days  # the box shows two decimals: untouched is unchanged
        return ActivityEdit(starts_on=starts, ends_on=ends, cover_days=cover_days, **money)

    @property
    def note(self) -> str:
        return self.note_edit.toPlainText()

    def _update(self, *_args: object) -> None:
        edit = self.edit()
        self.total_label.setText(f"£{edit.total_pence / 100:,.2f}")
        changed = changed_fields(self.original, edit)
        problem = ""
        try:
            validate_edit(edit)
        except ValidationError as error:
            problem = error.message
        if not changed:
            self.preview_label.setText("Nothing changed yet.")
        else:
            self.preview_label.setText("Will change: " + ", ".join(LABELS[name] for name in changed) + ".")
        if returns_to_reauthorisation(self.row.partnership_state, changed):
            decided = "authorised" if self.row.partnership_state is PartnershipState.AUTHORISED else "rejected"
            self.warning_label.setText(
                f"⚠ Saving will return this {decided} request to <i>needs re-authorisation</i> (C5): "
                "the partnership must decide it again."
            )
        else:
            self.warning_label.clear()
        self.warning_label.setVisible(bool(self.warning_label.text()))
        if not self.running:
            self.error_label.setText(problem)
        self.save_button.setEnabled(bool(changed) and not problem and not self.running)

    # -- saving ------------------------------------------------------------------
    def submit(self) -> None:
        if self.running or not self.save_button.isEnabled():
            return
        self.running = True
        self.error_label.clear()
        self._update()
        db, user_id, activity_id, version = self.context.db, self.context.user.id, self.row.id, self.row.version
        edit, note = self.edit(), self.note
        self.context.ops.action(
            lambda _progress: edit_activity(db, user_id, activity_id, version, edit, note),
            self._done,
            self._failed,
            title="Saving dates and costs…",
            parent=self,
        )

    def _done(self, result: EditResult) -> None:
        self.running = False
        self.saved.emit(result)
        self.accept()

    def _failed(self, error: TrustDeskError) -> None:
        self.running = False
        if isinstance(error, StaleData):
            self.stale.emit(error.message)
            self.reject()
            return
        self._update()
        again = " Everything you typed is kept: press Save to try again." if is_transient(error) else ""
        self.error_label.setText(error.message + again)


def edit_summary(result: EditResult, row: ActivityRow) -> str:
    """One line for the detail dialog's status after a save."""
    text = "Saved: " + ", ".join(result.changed_labels).lower() + " changed; the individual will be notified."
    if result.needs_reauthorisation:
        text += " It now needs re-authorisation by the partnership."
    if "starts_on" in result.changed:
        text += f" (It was due to start {day(row.starts_on)}.)"
    return text
