"""Create or edit a training event: its details, places and costs, and a table of its sessions.

The dialog keeps what was typed when the service refuses it: the one sentence
why appears under the form and nothing is lost.  Saving runs off the UI
thread; the list and detail refresh from the change it publishes.
"""

from __future__ import annotations

from datetime import date, time, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.models import EventPayer
from db.queries.training_event_detail import EditorChoices, EventDetail, SessionRow
from db.services.training_events import EventDraft, create_event, edit_event
from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.training.session_table_model import SessionTableModel
from resources_qt.style import set_warning

PAYERS = {EventPayer.CENTRAL: "The central budget", EventPayer.SCHOOL: "Each attendee's school"}


def _pounds(pence: int | None) -> float:
    return (pence or 0) / 100


class EventDialog(QDialog):
    saved = Signal(int)  # the event's id

    def __init__(
        self, context: AppContext, choices: EditorChoices, detail: EventDetail | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.detail = detail
        self.setObjectName("training_event_dialog")
        self.setWindowTitle("New training event" if detail is None else f"Edit “{detail.title}”")
        self.resize(860, 640)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)

        self.organisation_box = QComboBox()
        for choice in choices.runs_at:
            self.organisation_box.addItem(choice.label, choice.id)
        self.title_edit = QLineEdit()
        self.provider_edit = QLineEdit()
        self.type_box = QComboBox()
        self.type_box.addItem("", "")
        for kind in choices.activity_types:
            self.type_box.addItem(kind, kind)
        self.description_edit = QPlainTextEdit()
        self.description_edit.setMaximumHeight(70)
        self.places_box = QSpinBox()
        self.places_box.setRange(0, 10_000)
        self.places_box.setSpecialValueText("No limit")
        self.cost_box = self._money_box()
        self.budget_box = self._money_box()
        self.budget_box.setSpecialValueText("No budget")
        self.payer_box = QComboBox()
        for payer, label in PAYERS.items():
            self.payer_box.addItem(label, payer)
        self.module_box = QComboBox()
        self.module_box.addItem("None", None)
        for choice in choices.learning_modules:
            self.module_box.addItem(choice.label, choice.id)

        money_row = QHBoxLayout()
        for label, widget in (("Cost per place", self.cost_box), ("paid by", self.payer_box),
                              ("Event budget", self.budget_box)):  # fmt: skip
            money_row.addWidget(QLabel(label))
            money_row.addWidget(widget, 1)
        form.addRow("Run by", self.organisation_box)
        form.addRow("Title", self.title_edit)
        form.addRow("Description", self.description_edit)
        type_row = QHBoxLayout()
        type_row.addWidget(self.type_box, 1)
        type_row.addWidget(QLabel("Provider"))
        type_row.addWidget(self.provider_edit, 2)
        form.addRow("Type", type_row)
        form.addRow("Places", self.places_box)
        form.addRow(money_row)
        form.addRow("Learning module", self.module_box)

        layout.addWidget(QLabel("Sessions — double-click a cell to change it; times as 09:30, or empty for none"))
        self.sessions = SessionTableModel(self, editable=True)
        self.session_table = data_table(self.sessions, sortable=False)
        self.session_table.setObjectName("training_event_sessions")
        self.session_table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        layout.addWidget(self.session_table, 1)
        buttons_row = QHBoxLayout()
        self.add_button = QPushButton(icon("add"), "Add session")
        self.add_button.clicked.connect(self.add_session)
        self.remove_button = QPushButton(icon("delete"), "Remove session")
        self.remove_button.clicked.connect(self.remove_session)
        buttons_row.addWidget(self.add_button)
        buttons_row.addWidget(self.remove_button)
        buttons_row.addStretch(1)
        layout.addLayout(buttons_row)

        self.error_label = QLabel()
        self.error_label.setObjectName("training_event_error")
        self.error_label.setWordWrap(True)
        set_warning(self.error_label, True)
        layout.addWidget(self.error_label)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        self.save_button = box.button(QDialogButtonBox.StandardButton.Save)
        layout.addWidget(box)
        self._fill(detail)

    @staticmethod
    def _money_box() -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setPrefix("£")
        box.setDecimals(2)
        box.setRange(0, 10_000_000)
        box.setGroupSeparatorShown(True)
        return box

    def _fill(self, detail: EventDetail | None) -> None:
        if detail is None:
            self.payer_box.setCurrentIndex(self.payer_box.findData(EventPayer.SCHOOL))
            self.add_session()
            return
        index = self.organisation_box.findData(detail.organisation_id)
        if index < 0:  # runs where this user may not run events: shown, and the service will refuse a move
            self.organisation_box.addItem(detail.organisation, detail.organisation_id)
            index = self.organisation_box.count() - 1
        self.organisation_box.setCurrentIndex(index)
        self.title_edit.setText(detail.title)
        self.description_edit.setPlainText(detail.description)
        self.provider_edit.setText(detail.provider)
        self.type_box.setCurrentIndex(max(0, self.type_box.findData(detail.activity_type)))
        self.places_box.setValue(detail.places or 0)
        self.cost_box.setValue(_pounds(detail.cost_pence))
        self.budget_box.setValue(_pounds(detail.budget_pence))
        self.payer_box.setCurrentIndex(self.payer_box.findData(detail.payer))
        self.module_box.setCurrentIndex(max(0, self.module_box.findData(detail.learning_module_id)))
        self.sessions.set_rows(detail.sessions)
        fit_columns(self.session_table)

    # -- sessions ------------------------------------------------------------------------------
    def add_session(self) -> None:
        """A new row a week after the last one, at the same times and place (most courses repeat)."""
        rows = self.sessions.rows
        if rows:
            last = rows[-1]
            row = SessionRow(None, last.on_date + timedelta(days=7), last.starts_at, last.ends_at, last.location,
                             last.online_link)  # fmt: skip
        else:
            row = SessionRow(None, date.today() + timedelta(days=14), time(9, 0), time(15, 30), "")
        place = self.sessions.add_row(row)
        self.session_table.selectRow(place)
        fit_columns(self.session_table)

    def remove_session(self) -> None:
        index = self.session_table.currentIndex()
        if index.isValid():
            self.sessions.remove_row(index.row())

    # -- saving --------------------------------------------------------------------------------
    def draft(self) -> EventDraft:
        places = self.places_box.value()
        budget = round(self.budget_box.value() * 100)
        return EventDraft(
            organisation_id=self.organisation_box.currentData(),
            title=self.title_edit.text(),
            sessions=tuple(self.sessions.rows),
            description=self.description_edit.toPlainText(),
            provider=self.provider_edit.text(),
            activity_type=self.type_box.currentData() or "",
            places=places or None,
            cost_pence=round(self.cost_box.value() * 100),
            budget_pence=budget or None,
            payer=EventPayer(self.payer_box.currentData()),
            learning_module_id=self.module_box.currentData(),
            impact=self.detail.impact if self.detail else "",
        )

    def save(self) -> None:
        if self.organisation_box.currentData() is None:
            self.error_label.setText("You may not run training events at any organisation.")
            return
        draft, detail = self.draft(), self.detail
        db, user_id = self.context.db, self.context.user.id
        self.save_button.setEnabled(False)
        self.error_label.clear()
        if detail is None:
            self.context.ops.action(
                lambda _progress: create_event(db, user_id, draft),
                self._saved,
                self._failed,
                title="Saving the event…",
                origin=self,
            )
        else:
            self.context.ops.action(
                lambda _progress: edit_event(db, user_id, detail.id, detail.version, draft),
                lambda _version: self._saved(detail.id),
                self._failed,
                title="Saving the event…",
                origin=self,
            )

    def _saved(self, event_id: int) -> None:
        self.context.navigator.tell(f"Saved “{self.title_edit.text().strip()}”.")
        self.saved.emit(event_id)
        self.accept()

    def _failed(self, error: TrustDeskError) -> None:
        self.save_button.setEnabled(True)
        self.error_label.setText(error.message)
