"""New request… and Edit request… (C1): everything a CPD request says, entered on the individual's behalf.

The user picks the job (a person may hold several, P1) by typing a name, then
fills in what the individual asked for and why.  What cannot be right (an end
before the start, a further session outside the dates) is said in one sentence
under the form as it is typed, and Save stays off.  Cover days past the
individual's limit are a warning, not a refusal: the first Save says so and
turns into "Save anyway".  The save runs off the UI thread; if it fails the
dialog stays open with everything as typed.
"""

from __future__ import annotations

from datetime import date
from typing import cast

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import StaleData, TrustDeskError, ValidationError, is_transient
from db.queries.request_form import EditableRequest, JobChoice, RequestChoices, request_choices, search_jobs
from db.services.activity_edits import MONEY_FIELDS
from db.services.requests import (
    WORDS,
    RequestDetails,
    RequestResult,
    cover_warning,
    edit_request,
    enter_request,
    validate_request,
)
from desktop.kit.context import AppContext
from desktop.kit.formatting import day, money
from desktop.modules.partnership_cpd.activity_edit_dialog import FIELD_WIDTH, MAX_COVER_DAYS, _money_box, _pence
from desktop.modules.partnership_cpd.person_completer import PersonCompleter
from resources_qt.style import set_warning

TEXT_HEIGHT = 84


def _date_edit(value: date) -> QDateEdit:
    edit = QDateEdit(QDate(value.year, value.month, value.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd MMM yyyy")
    edit.setMinimumWidth(FIELD_WIDTH)
    return edit


def _python(edit: QDateEdit) -> date:
    return cast(date, edit.date().toPython())  # typed object in PySide6


def _text_box(placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setPlaceholderText(placeholder)
    box.setFixedHeight(TEXT_HEIGHT)
    return box


class RequestDialog(QDialog):
    """Emits ``saved(RequestResult)``; ``stale(str)`` when an edited request changed underneath."""

    saved = Signal(object)
    stale = Signal(str)

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        editing: EditableRequest | None = None,
        job: JobChoice | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.editing = editing
        self.running = False
        self.job_id: int | None = editing.job.id if editing else job.id if job else None
        self._warned_for: tuple[int | None, date, float] | None = None  # the cover warning already shown
        self.setWindowTitle("Edit request" if editing else "New request")
        self.setMinimumWidth(900)
        today = date.today()

        layout = QVBoxLayout(self)
        columns = QHBoxLayout()
        left, right = QFormLayout(), QFormLayout()
        for form in (left, right):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        columns.addLayout(left, 1)
        columns.addSpacing(16)
        right.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # the justification boxes get the width
        columns.addLayout(right, 1)
        layout.addLayout(columns)

        db, user_id = context.db, context.user.id
        if editing is None:
            completer = PersonCompleter(
                context.ops, lambda text: search_jobs(db, user_id, text), placeholder="Type the individual's name…"
            )
            completer.person_chosen.connect(self._job_chosen)
            if job is not None:
                completer.set_person(job.id, job.label)
            self.job_box: QWidget = completer
        else:
            self.job_box = QLabel(editing.job.label)
        left.addRow("For", self.job_box)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(200)
        self.title_edit.setPlaceholderText("What the individual asked for")
        left.addRow("Title", self.title_edit)
        self.type_box = QComboBox()
        left.addRow("Type", self.type_box)
        self.provider_edit = QLineEdit()
        self.provider_edit.setMaxLength(200)
        left.addRow("Provider", self.provider_edit)
        self.starts_edit = _date_edit(today)
        self.ends_edit = _date_edit(today)
        dates = QHBoxLayout()
        dates.addWidget(self.starts_edit)
        dates.addWidget(QLabel("to"))
        dates.addWidget(self.ends_edit)
        dates.addStretch(1)
        left.addRow("Dates", dates)
        self.session_edit = _date_edit(today)
        self.add_session_button = QPushButton("Add session")
        self.remove_session_button = QPushButton("Remove")
        self.sessions_list = QListWidget()
        self.sessions_list.setFixedHeight(54)
        sessions = QVBoxLayout()
        session_row = QHBoxLayout()
        for widget in (self.session_edit, self.add_session_button, self.remove_session_button):
            session_row.addWidget(widget)
        session_row.addStretch(1)
        sessions.addLayout(session_row)
        sessions.addWidget(self.sessions_list)
        left.addRow("Further sessions", sessions)
        self.money_boxes = {name: _money_box(0) for name in MONEY_FIELDS}
        for name, box in self.money_boxes.items():
            box.setMinimumWidth(FIELD_WIDTH)
            left.addRow(WORDS[name], box)
        self.cover_days_box = QDoubleSpinBox()
        self.cover_days_box.setDecimals(1)
        self.cover_days_box.setRange(0.0, MAX_COVER_DAYS)
        self.cover_days_box.setSingleStep(0.5)
        self.cover_days_box.setMinimumWidth(FIELD_WIDTH)
        self.cover_days_box.setAlignment(Qt.AlignmentFlag.AlignRight)
        left.addRow("Cover days", self.cover_days_box)
        self.total_label = QLabel()
        left.addRow("Total cost", self.total_label)

        self.link_box = QComboBox()
        self.link_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.link_box.setMinimumContentsLength(30)
        self.link_box.addItem("Neither", None)
        right.addRow("Training event or learning module", self.link_box)
        self.outcome_edit = _text_box("What should change for pupils or colleagues")
        self.impact_edit = _text_box("Evidence you will look at, and when")
        self.sharing_edit = _text_box("Who will hear about it, and how")
        right.addRow(WORDS["intended_outcome"], self.outcome_edit)
        right.addRow(WORDS["impact_measure"], self.impact_edit)
        right.addRow(WORDS["sharing_plan"], self.sharing_edit)
        note = QLabel("The individual is notified that the request was entered for them, and by whom.")
        note.setWordWrap(True)
        right.addRow(note)

        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        set_warning(self.error_label, True)
        layout.addWidget(self.error_label)
        self.warning_label = QLabel()
        self.warning_label.setObjectName("warnings")
        self.warning_label.setWordWrap(True)
        set_warning(self.warning_label, True)
        self.warning_label.hide()
        layout.addWidget(self.warning_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(
            "Save changes" if editing else "Enter request", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)

        self.add_session_button.clicked.connect(self._add_session)
        self.remove_session_button.clicked.connect(self._remove_session)
        self.title_edit.textChanged.connect(self._update)
        self.provider_edit.textChanged.connect(self._update)
        self.type_box.currentIndexChanged.connect(self._update)
        self.starts_edit.dateChanged.connect(self._starts_changed)
        self.ends_edit.dateChanged.connect(self._update)
        for box in (*self.money_boxes.values(), self.cover_days_box):
            box.valueChanged.connect(self._update)
        self.save_button.setEnabled(False)
        self.choices: RequestChoices | None = None
        context.ops.query(lambda: request_choices(db, user_id), self._choices_loaded, self._failed)

    # -- filling in --------------------------------------------------------------------------------
    def _choices_loaded(self, choices: RequestChoices) -> None:
        self.choices = choices
        self.type_box.addItems(list(choices.types))
        for event in choices.training_events:
            self.link_box.addItem(f"Event: {event.label}", ("event", event.id))
        for module in choices.learning_modules:
            self.link_box.addItem(f"Module: {module.label}", ("module", module.id))
        if self.editing is not None:
            self._show(self.editing.details)
        self._update()

    def _show(self, details: RequestDetails) -> None:
        self.title_edit.setText(details.title)
        self.type_box.setCurrentText(details.activity_type)
        self.provider_edit.setText(details.provider)
        for edit, value in ((self.starts_edit, details.starts_on), (self.ends_edit, details.ends_on)):
            edit.setDate(QDate(value.year, value.month, value.day))
        for on in details.sessions:
            self._list_session(on)
        for name, box in self.money_boxes.items():
            box.setValue(getattr(details, name) / 100)
        self.cover_days_box.setValue(details.cover_days)
        wanted = (
            ("event", details.training_event_id)
            if details.training_event_id is not None
            else ("module", details.learning_module_id)
            if details.learning_module_id is not None
            else None
        )
        self.link_box.setCurrentIndex(max(0, self.link_box.findData(wanted)))
        self.outcome_edit.setPlainText(details.intended_outcome)
        self.impact_edit.setPlainText(details.impact_measure)
        self.sharing_edit.setPlainText(details.sharing_plan)

    def _job_chosen(self, job_id: int | None, _label: str) -> None:
        self.job_id = job_id
        self._update()

    def _starts_changed(self, *_args: object) -> None:
        """A one-day activity is the common case: the end follows the start until set apart."""
        if self.ends_edit.date() < self.starts_edit.date():
            self.ends_edit.setDate(self.starts_edit.date())
        self._update()

    def _list_session(self, on: date) -> None:
        item = QListWidgetItem(day(on))
        item.setData(Qt.ItemDataRole.UserRole, on)
        self.sessions_list.addItem(item)

    def _add_session(self) -> None:
        on = _python(self.session_edit)
        if on not in self.sessions():
            self._list_session(on)
            self.sessions_list.sortItems()
        self._update()

    def _remove_session(self) -> None:
        for item in self.sessions_list.selectedItems() or [self.sessions_list.item(self.sessions_list.count() - 1)]:
            if item is not None:
                self.sessions_list.takeItem(self.sessions_list.row(item))
        self._update()

    def sessions(self) -> tuple[date, ...]:
        items = (self.sessions_list.item(row) for row in range(self.sessions_list.count()))
        return tuple(sorted(item.data(Qt.ItemDataRole.UserRole) for item in items if item is not None))

    def details(self) -> RequestDetails:
        """The form as a request, money in pence."""
        link = self.link_box.currentData()
        return RequestDetails(
            title=self.title_edit.text(),
            activity_type=self.type_box.currentText(),
            provider=self.provider_edit.text(),
            starts_on=_python(self.starts_edit),
            ends_on=_python(self.ends_edit),
            sessions=self.sessions(),
            cover_days=self.cover_days_box.value(),
            training_event_id=link[1] if link and link[0] == "event" else None,
            learning_module_id=link[1] if link and link[0] == "module" else None,
            intended_outcome=self.outcome_edit.toPlainText(),
            impact_measure=self.impact_edit.toPlainText(),
            sharing_plan=self.sharing_edit.toPlainText(),
            **{name: _pence(box.value()) for name, box in self.money_boxes.items()},
        ).cleaned()

    def problem(self) -> str:
        """Why the form cannot be saved as it stands, in one sentence; empty when it can."""
        if self.choices is not None and not self.choices.may_enter:
            return "You may not enter CPD requests: that needs CPD at comment level or above somewhere in the trust."
        if self.job_id is None:
            return "Choose who the request is for: type their name and pick them from the list."
        try:
            validate_request(self.details())
        except ValidationError as error:
            return error.message
        return ""

    def _update(self, *_args: object) -> None:
        details = self.details()
        self.total_label.setText(money(details.total_pence))
        problem = self.problem()
        if not self.running:
            # a title not yet typed is the form being filled in, not a mistake: no red sentence for it
            self.error_label.setText("" if problem == "Give the request a title." else problem)
        self.save_button.setEnabled(not problem and not self.running and self.choices is not None)
        if self._warned_for is not None and self._warned_for != self._cover_key(details):
            self._warned_for = None
            self.warning_label.hide()
            self.save_button.setText("Save changes" if self.editing else "Enter request")

    def _cover_key(self, details: RequestDetails) -> tuple[int | None, date, float]:
        return (self.job_id, details.starts_on, details.cover_days)

    # -- saving --------------------------------------------------------------------------------------
    def submit(self) -> None:
        if self.running or not self.save_button.isEnabled() or self.job_id is None:
            return
        details, job_id = self.details(), self.job_id
        self.running = True
        self.save_button.setEnabled(False)
        if self._warned_for == self._cover_key(details) or details.cover_days <= 0:
            self._save(details, job_id)
            return
        db = self.context.db
        self.context.ops.query(
            lambda: cover_warning(db, job_id, details.starts_on, details.cover_days),
            lambda warning: self._cover_checked(details, job_id, warning),
            self._failed,
        )

    def _cover_checked(self, details: RequestDetails, job_id: int, warning: str) -> None:
        if not warning:
            self._save(details, job_id)
            return
        self.running = False
        self._warned_for = self._cover_key(details)
        self.warning_label.setText(f"⚠ {warning} Press “Save anyway” to enter it all the same.")
        self.warning_label.show()
        self.save_button.setText("Save anyway")
        self._update()

    def _save(self, details: RequestDetails, job_id: int) -> None:
        db, user_id, editing = self.context.db, self.context.user.id, self.editing
        if editing is None:
            work = lambda _progress: enter_request(db, user_id, job_id, details)  # noqa: E731
        else:
            activity_id, version = editing.activity_id, editing.version
            work = lambda _progress: edit_request(db, user_id, activity_id, version, details)  # noqa: E731
        self.context.ops.action(work, self._done, self._failed, title="Saving the request…", parent=self)

    def _done(self, result: RequestResult) -> None:
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
