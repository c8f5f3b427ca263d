"""An event's Register tab: choose a session, tick who was present, save; and the event's impact below.

Self-contained like the Bookings tab: ``EventRegisterView(context, parent)`` and
``show_event(event_id)``.  Saving records every listed person (ticked: present, unticked:
absent) for the chosen session and feeds their CPD activities' attendance; the sentence
that comes back says what was recorded and what was left alone, and why.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.changes import DataChange
from db.errors import TrustDeskError
from db.queries.activities import ACTIVITIES
from db.queries.training_bookings import BOOKINGS, Register, register_of
from db.queries.training_impact import ImpactSummary, impact_summary
from db.services.training_register import RegisterResult, take_register
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.training.booking_table_models import RegisterTableModel
from desktop.modules.training.impact_view import ImpactView

WATCHED = frozenset({BOOKINGS, ACTIVITIES, "training_events"})


class EventRegisterView(QWidget):
    #: the register as last loaded
    loaded = Signal(object)
    #: the impact summary as last loaded
    impact_loaded = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.event_id: int | None = None
        self.register: Register | None = None
        self._sized = False
        self.last_saved = ""  # what the last save did, kept above the register until the event changes
        self._request = 0
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        top.addWidget(QLabel("Session:"))
        self.session_box = QComboBox()
        self.session_box.setMinimumContentsLength(30)
        top.addWidget(self.session_box, 1)
        self.all_present_button = QPushButton(icon("tick_all"), "All present")
        self.all_absent_button = QPushButton(icon("clear_filters"), "All absent")
        self.save_button = QPushButton(icon("check"), "Save register")
        top.addWidget(self.all_present_button)
        top.addWidget(self.all_absent_button)
        top.addWidget(self.save_button)
        layout.addLayout(top)

        splitter = QSplitter(Qt.Orientation.Vertical)
        register_box = QWidget()
        register_layout = QVBoxLayout(register_box)
        register_layout.setContentsMargins(0, 0, 0, 0)
        self.model = RegisterTableModel(self)
        self.table = data_table(self.model, sortable=False)  # by school, then name, as the register is read
        register_layout.addWidget(self.table, 1)
        self.status_label = QLabel("Choose an event to take its register.")
        self.status_label.setWordWrap(True)
        register_layout.addWidget(self.status_label)
        splitter.addWidget(register_box)
        self.impact = ImpactView()
        splitter.addWidget(self.impact)
        splitter.setSizes([360, 300])
        layout.addWidget(splitter, 1)

        self.session_box.activated.connect(self._session_chosen)
        self.all_present_button.clicked.connect(lambda: self.model.mark_all(True))
        self.all_absent_button.clicked.connect(lambda: self.model.mark_all(False))
        self.save_button.clicked.connect(self.save)
        context.bus.changed.connect(self._data_changed)
        self._update_buttons()

    # -- the public face ----------------------------------------------------------------------------
    def show_event(self, event_id: int | None) -> None:
        """Show this event's register and impact (None: clear the tab)."""
        self.event_id = event_id
        self.register = None
        self.last_saved = ""
        if event_id is None:
            self._request += 1
            self.session_box.clear()
            self.model.set_rows([])
            self.impact.show_summary(None)
            self.status_label.setText("Choose an event to take its register.")
            self._update_buttons()
            return
        self.refresh()

    def current_session_id(self) -> int | None:
        value = self.session_box.currentData()
        return None if value is None else int(value)

    def refresh(self, session_id: int | None = None) -> None:
        if self.event_id is None:
            return
        db, user_id, event_id = self.context.db, self.context.user.id, self.event_id
        wanted = session_id if session_id is not None else self.current_session_id()
        self._request += 1
        request = self._request
        self.context.ops.query(
            lambda: register_of(db, user_id, event_id, wanted),
            lambda register: self._loaded(request, register),
            lambda error: self._load_failed(request, error),
        )
        self.context.ops.query(
            lambda: impact_summary(db, user_id, event_id),
            lambda summary: self._impact_loaded(request, summary),
            lambda error: self._load_failed(request, error),
        )

    def _data_changed(self, change: DataChange) -> None:
        if change.kind in WATCHED and self.event_id is not None:
            self.refresh()

    def _session_chosen(self, _index: int) -> None:
        self.refresh(self.current_session_id())

    def _load_failed(self, request: int, error: TrustDeskError) -> None:
        if request == self._request:
            self.status_label.setText(f"Could not load the register: {error.message}")

    def _loaded(self, request: int, register: Register) -> None:
        if request != self._request:
            return
        first = self.register is None
        self.register = register
        self.session_box.clear()
        for choice in register.sessions:
            self.session_box.addItem(choice.label, choice.id)
        if register.session_id is not None:
            self.session_box.setCurrentIndex(self.session_box.findData(register.session_id))
        self.model.set_rows(register.rows)
        if first or not self._sized:
            self._sized = bool(register.rows)
            fit_columns(self.table)
        self.status_label.setText(" ".join(filter(None, (self.last_saved, self._status(register)))))
        self._update_buttons()
        self.loaded.emit(register)

    def _impact_loaded(self, request: int, summary: ImpactSummary) -> None:
        if request == self._request:
            self.impact.show_summary(summary)
            self.impact_loaded.emit(summary)

    @staticmethod
    def _status(register: Register) -> str:
        if not register.sessions:
            return "This event has no sessions yet."
        if not register.rows:
            text = "Nobody is booked on this event yet."
        else:
            recorded = sum(1 for row in register.rows if row.attended is not None)
            text = (
                f"{len(register.rows):,} booked; {recorded:,} recorded for this session. Tick who was present and "
                "save: unticked people are recorded absent, and their CPD activities' attendance follows."
            )
        if register.not_shown:
            text += f" {register.not_shown:,} more booked at schools whose staff you cannot see."
        if not register.may_take:
            text += " Taking the register needs Training events at decide level at the organisation running it."
        return text

    def _update_buttons(self) -> None:
        register = self.register
        may = bool(register and register.may_take and register.rows and not register.event.cancelled)
        for button in (self.all_present_button, self.all_absent_button, self.save_button):
            button.setEnabled(may)

    # -- saving -------------------------------------------------------------------------------------
    def save(self) -> None:
        register, session_id = self.register, self.current_session_id()
        if register is None or session_id is None or not self.model.rowCount():
            return
        db, user_id, event_id, marks = self.context.db, self.context.user.id, register.event.id, self.model.marks
        self.save_button.setEnabled(False)
        self.context.ops.action(
            lambda _progress: take_register(db, user_id, event_id, session_id, marks),
            self._saved,
            self._failed,
            title="Saving the register…",
            origin=self,
        )

    def _saved(self, result: RegisterResult) -> None:
        self.last_saved = result.sentence()
        self.status_label.setText(self.last_saved)
        self.context.navigator.tell(result.sentence())
        self._update_buttons()

    def _failed(self, error: TrustDeskError) -> None:
        show_error(self, error)
        self._update_buttons()
