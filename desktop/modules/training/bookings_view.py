"""An event's Bookings tab: which schools opted in, who is booked, who waits, and the free places (T1).

Self-contained: the panel builds it as ``EventBookingsView(context, parent)`` and calls
``show_event(event_id)`` when the chosen event changes (None: nothing chosen).  It reloads
itself when bookings, activities or jobs change anywhere (the data bus), and runs every
read and change through ``context.ops``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.changes import DataChange
from db.errors import TrustDeskError
from db.progress import Progress
from db.queries.activities import ACTIVITIES
from db.queries.staff import JOBS
from db.queries.training_bookings import BOOKINGS, BookingRow, EventBookings, OptInRow, event_bookings
from db.services.training_bookings import CancelResult, PlacesResult, cancel_bookings, change_places
from db.services.training_opt_ins import opt_in, opt_out
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.row_table_model import RowRole
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.training.booking_table_models import BookingTableModel, OptInTableModel, WaitingTableModel

#: the change kinds that can alter what this tab shows ("training_events": the event itself)
WATCHED = frozenset({BOOKINGS, ACTIVITIES, JOBS, "training_events"})
SCHOOLS, BOOKED, WAITING = range(3)
#: the booked table's "Booked" column (when the place was asked for)
BOOKED_AT = 3


class EventBookingsView(QWidget):
    #: the event's bookings as last loaded (tests and the panel may listen)
    loaded = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.event_id: int | None = None
        self.bookings: EventBookings | None = None
        self._request = 0
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.counts_label = QLabel("Choose an event to see its bookings.")
        self.counts_label.setWordWrap(True)
        self.places_button = QPushButton(icon("edit"), "Change places…")
        self.places_button.setToolTip(
            "Fewer places than bookings moves the latest booked back to the front of the waiting list; "
            "more places books the waiting list in turn."
        )
        top.addWidget(self.counts_label, 1)
        top.addWidget(self.places_button)
        layout.addLayout(top)

        self.tabs = QTabWidget()
        self.opt_in_model = OptInTableModel(self)
        self.booked_model = BookingTableModel(self)
        self.waiting_model = WaitingTableModel(self)
        self.opt_in_table = data_table(self.opt_in_model)
        self.booked_table = data_table(self.booked_model)
        self.waiting_table = data_table(self.waiting_model)
        for table in (self.booked_table, self.waiting_table):
            table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.booked_table.sortByColumn(BOOKED_AT, Qt.SortOrder.AscendingOrder)  # in the order places were given
        self._sized: set[int] = set()  # tables whose columns were fitted to rows (an empty table measures nothing)

        self.opt_in_button = QPushButton(icon("add"), "Opt in")
        self.opt_out_button = QPushButton(icon("reject"), "Opt out")
        self.tabs.addTab(self._page(self.opt_in_table, self.opt_in_button, self.opt_out_button), "Schools")
        self.book_button = QPushButton(icon("user"), "Book staff…")
        self.cancel_button = QPushButton(icon("delete"), "Cancel booking")
        self.cancel_waiting_button = QPushButton(icon("delete"), "Take off the waiting list")
        self.tabs.addTab(self._page(self.booked_table, self.book_button, self.cancel_button), "Booked")
        self.tabs.addTab(self._page(self.waiting_table, self.cancel_waiting_button), "Waiting")
        layout.addWidget(self.tabs, 1)
        self.hint_label = QLabel("")
        self.hint_label.setWordWrap(True)
        layout.addWidget(self.hint_label)

        self.opt_in_button.clicked.connect(lambda: self._opt(True))
        self.opt_out_button.clicked.connect(lambda: self._opt(False))
        self.book_button.clicked.connect(self.open_book_dialog)
        self.cancel_button.clicked.connect(lambda: self.cancel_selected(self.booked_table))
        self.cancel_waiting_button.clicked.connect(lambda: self.cancel_selected(self.waiting_table))
        self.places_button.clicked.connect(self.change_places)
        for table in (self.opt_in_table, self.booked_table, self.waiting_table):
            table.selectionModel().selectionChanged.connect(self._update_buttons)
        context.bus.changed.connect(self._data_changed)
        self._update_buttons()

    @staticmethod
    def _page(table: QTableView, *buttons: QPushButton) -> QWidget:
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.addWidget(table, 1)
        bar = QHBoxLayout()
        bar.addStretch(1)
        for button in buttons:
            bar.addWidget(button)
        page_layout.addLayout(bar)
        return page

    # -- the public face ------------------------------------------------------------------------------
    def show_event(self, event_id: int | None) -> None:
        """Show this event's bookings (None: clear the tab)."""
        self.event_id = event_id
        if event_id is None:
            self.bookings = None
            self._request += 1
            for model in (self.opt_in_model, self.booked_model, self.waiting_model):
                model.set_rows([])
            self.counts_label.setText("Choose an event to see its bookings.")
            self.hint_label.setText("")
            self._update_buttons()
            return
        self.refresh()

    def refresh(self) -> None:
        if self.event_id is None:
            return
        db, user_id, event_id = self.context.db, self.context.user.id, self.event_id
        self._request += 1
        request = self._request
        self.context.ops.query(
            lambda: event_bookings(db, user_id, event_id),
            lambda bookings: self._loaded(request, bookings),
            lambda error: self._load_failed(request, error),
        )

    def _data_changed(self, change: DataChange) -> None:
        if change.kind in WATCHED and self.event_id is not None:
            self.refresh()

    def _load_failed(self, request: int, error: TrustDeskError) -> None:
        if request == self._request:
            self.counts_label.setText(f"Could not load the bookings: {error.message}")

    def _loaded(self, request: int, bookings: EventBookings) -> None:
        if request != self._request:
            return
        first = self.bookings is None or self.bookings.event.id != bookings.event.id
        self.bookings = bookings
        self.opt_in_model.set_rows(bookings.opt_ins)
        self.booked_model.set_rows(bookings.booked)
        self.waiting_model.set_rows(bookings.waiting)
        opted = sum(1 for row in bookings.opt_ins if row.opted_in)
        self.tabs.setTabText(SCHOOLS, f"Schools ({opted} opted in)")
        self.tabs.setTabText(BOOKED, f"Booked ({bookings.booked_count:,})")
        self.tabs.setTabText(WAITING, f"Waiting ({bookings.waiting_count:,})")
        event = bookings.event
        state = " — cancelled" if event.cancelled else ("" if event.published else " — not published")
        self.counts_label.setText(f"<b>{event.title}</b>{state}<br>{bookings.counts_sentence()}")
        self.hint_label.setText(self._hint(bookings))
        for table in (self.opt_in_table, self.booked_table, self.waiting_table):
            if first:
                self._sized.discard(id(table))
            if id(table) not in self._sized and table.model().rowCount():
                fit_columns(table)
                self._sized.add(id(table))
        self._update_buttons()
        self.loaded.emit(bookings)

    @staticmethod
    def _hint(bookings: EventBookings) -> str:
        parts = []
        if bookings.not_shown:
            parts.append(f"{bookings.not_shown:,} more booked or waiting at schools whose staff you cannot see.")
        if not bookings.event.bookable:
            parts.append("Only a published event that is not cancelled takes bookings.")
        elif not bookings.may_book_at:
            parts.append("Booking needs a school that has opted in, where you hold Training events at decide level.")
        return " ".join(parts)

    # -- buttons ------------------------------------------------------------------------------------
    def _selected(self, table: QTableView) -> list[object]:
        return [index.data(RowRole) for index in table.selectionModel().selectedRows()]

    def selected_school(self) -> OptInRow | None:
        rows = self._selected(self.opt_in_table)
        return rows[0] if rows and isinstance(rows[0], OptInRow) else None

    def _update_buttons(self, *_args: object) -> None:
        bookings = self.bookings
        bookable = bookings is not None and bookings.event.bookable
        school = self.selected_school()
        self.opt_in_button.setEnabled(bool(bookable and school and school.may_change and not school.opted_in))
        self.opt_out_button.setEnabled(bool(bookings and school and school.may_change and school.opted_in))
        self.book_button.setEnabled(bool(bookable and bookings and bookings.may_book_at))
        self.cancel_button.setEnabled(bool(self._selected(self.booked_table)))
        self.cancel_waiting_button.setEnabled(bool(self._selected(self.waiting_table)))
        self.places_button.setEnabled(bool(bookings and bookings.may_change_places))

    def _run(self, work: Callable[[Progress], Any], done: Callable[[Any], None], title: str) -> None:
        self.context.ops.action(work, done, self._failed, title=title, origin=self)

    def _failed(self, error: TrustDeskError) -> None:
        show_error(self, error)
        self.refresh()

    def _opt(self, joining: bool) -> None:
        school, bookings = self.selected_school(), self.bookings
        if school is None or bookings is None:
            return
        db, user_id, event_id, org_id = self.context.db, self.context.user.id, bookings.event.id, school.organisation_id
        service = opt_in if joining else opt_out
        verb = "opted into" if joining else "opted out of"
        self._run(
            lambda _progress: service(db, user_id, event_id, org_id),
            lambda _none: self.context.navigator.tell(f"{school.organisation} {verb} “{bookings.event.title}”."),
            "Opting in…" if joining else "Opting out…",
        )

    def open_book_dialog(self) -> None:
        from desktop.modules.training.book_staff_dialog import BookStaffDialog

        if self.bookings is None:
            return
        dialog = BookStaffDialog(self.context, self.bookings, self.window())
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def confirm_cancel(self, rows: list[BookingRow]) -> bool:
        """Whether the user confirms cancelling these bookings (tests replace this)."""
        names = ", ".join(row.person for row in rows[:5]) + (f" and {len(rows) - 5} more" if len(rows) > 5 else "")
        answer = QMessageBox.question(
            self,
            "Cancel bookings",
            f"Cancel the booking of {names}? Their CPD activities are withdrawn, and each place freed goes to "
            "the first on the waiting list, who is told.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def cancel_selected(self, table: QTableView) -> None:
        rows = [row for row in self._selected(table) if isinstance(row, BookingRow)]
        if not rows or self.bookings is None or not self.confirm_cancel(rows):
            return
        db, user_id, event_id = self.context.db, self.context.user.id, self.bookings.event.id
        shown = {row.id: row.version for row in rows}

        def done(result: CancelResult) -> None:
            self.context.navigator.tell(result.sentence())

        self._run(lambda _progress: cancel_bookings(db, user_id, event_id, shown), done, "Cancelling…")

    def ask_places(self, current: int | None, booked: int) -> int | None:
        """The new number of places, 0 for no limit, or None if the user cancelled (tests replace this)."""
        value, accepted = QInputDialog.getInt(
            self,
            "Change places",
            f"Places (0: no limit). {booked:,} are booked now; fewer places moves the latest booked back to "
            "the front of the waiting list, and you are told how many.",
            current or 0,
            0,
            100_000,
        )
        return value if accepted else None

    def change_places(self) -> None:
        bookings = self.bookings
        if bookings is None:
            return
        answer = self.ask_places(bookings.event.places, bookings.booked_count)
        if answer is None:
            return
        db, user_id, event = self.context.db, self.context.user.id, bookings.event
        places = answer or None

        def done(result: PlacesResult) -> None:
            self.context.navigator.tell(result.sentence())

        self._run(lambda _progress: change_places(db, user_id, event.id, event.version, places), done, "Saving…")
