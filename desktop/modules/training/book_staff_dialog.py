"""Book staff onto a training event: one person by search, a group or a role at once, or any mix.

The choice is a list of jobs in the order they were added, which is the order places are given
(and, past the places, the waiting list's order).  It outlives the list shown: the list is paged
and searched in SQL at one opted-in school at a time, and the choice may span schools.  A refused
booking leaves the dialog open with the choice as it was.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.models import Level, Module
from db.queries.flood_fill import quick_select
from db.queries.staff import StaffFilter, StaffRow, fetch_staff_page, first_staff_page
from db.queries.training_bookings import BookingChoices, EventBookings, booking_choices
from db.services.training_bookings import BookingResult, book_staff
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.paged_loader import PagedLoader, SearchBox
from desktop.kit.paged_row_model import PagedRowModel
from desktop.kit.row_table_model import Column
from desktop.kit.widgets import data_table, fit_columns


class StaffPickModel(PagedRowModel[StaffRow]):
    """Staff at one school; a tick adds the job to the dialog's choice."""

    CHECKABLE = True
    COLUMNS = (
        Column("Name", lambda r: r.name),
        Column("Role", lambda r: r.role),
        Column("Organisation", lambda r: r.organisation),
    )

    def __init__(self, chosen: dict[int, None], parent: object = None) -> None:
        super().__init__(parent)
        self.chosen = chosen

    def is_checked(self, row: StaffRow) -> bool:
        return row.job_id in self.chosen


class BookStaffDialog(QDialog):
    def __init__(self, context: AppContext, bookings: EventBookings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.bookings = bookings
        self.chosen: dict[int, None] = {}  # an ordered set: the order places are given
        self.result_: BookingResult | None = None
        event = bookings.event
        self.setWindowTitle(f"Book staff — {event.title}")
        self.resize(760, 560)
        layout = QVBoxLayout(self)
        limited = bookings.free is not None
        note = " Beyond the free places, people join the waiting list in order." if limited else ""
        layout.addWidget(QLabel(f"{bookings.counts_sentence()}.{note}"))

        top = QHBoxLayout()
        top.addWidget(QLabel("School:"))
        self.school_box = QComboBox()
        for row in bookings.opt_ins:
            if row.organisation_id in bookings.may_book_at:
                self.school_box.addItem(row.organisation, row.organisation_id)
        top.addWidget(self.school_box, 1)
        layout.addLayout(top)

        quick = QHBoxLayout()
        quick.addWidget(QLabel("Add everyone in:"))
        self.kind_box = QComboBox()
        self.kind_box.addItem("Group", "group")
        self.kind_box.addItem("Role", "role")
        self.value_box = QComboBox()
        self.value_box.setMinimumContentsLength(24)
        self.add_all_button = QPushButton("Add all")
        quick.addWidget(self.kind_box)
        quick.addWidget(self.value_box, 1)
        quick.addWidget(self.add_all_button)
        layout.addLayout(quick)

        self.search = SearchBox("Search staff at this school: name, role…")
        layout.addWidget(self.search)
        self.model = StaffPickModel(self.chosen, self)
        self.table = data_table(self.model, sortable=False)
        layout.addWidget(self.table, 1)

        footer = QHBoxLayout()
        self.chosen_label = QLabel("Nobody chosen yet.")
        self.clear_button = QPushButton("Clear")
        self.pre_authorise_box = QCheckBox("Pre-authorise the places (your partnership decision, audited)")
        footer.addWidget(self.chosen_label, 1)
        footer.addWidget(self.clear_button)
        layout.addLayout(footer)
        layout.addWidget(self.pre_authorise_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.book_button = buttons.addButton("Book", QDialogButtonBox.ButtonRole.AcceptRole)
        self.book_button.setEnabled(False)
        buttons.rejected.connect(self.reject)
        self.book_button.clicked.connect(self.book)
        layout.addWidget(buttons)

        db, user_id = context.db, context.user.id
        self.loader = PagedLoader(
            context,
            self.model,
            lambda filt: first_staff_page(db, user_id, filt),
            lambda filt, offset: fetch_staff_page(db, user_id, filt, offset),
            self,
        )
        self.loader.loaded.connect(self._listed)
        self.choices: BookingChoices | None = None
        self.search.search_changed.connect(self._search_changed)
        self.school_box.currentIndexChanged.connect(self._school_changed)
        self.kind_box.currentIndexChanged.connect(self._kind_changed)
        self.add_all_button.clicked.connect(self.add_all)
        self.clear_button.clicked.connect(self.clear)
        self.model.check_toggled.connect(self._ticked)
        self._school_changed()

    # -- what is listed ------------------------------------------------------------------------------
    def school_id(self) -> int | None:
        value = self.school_box.currentData()
        return None if value is None else int(value)

    def _filter(self) -> StaffFilter:
        return StaffFilter(
            search=self.search.text(), organisation_id=self.school_id() or -1, module=Module.STAFF.value,
            at_least=Level.VIEW,
        )  # fmt: skip

    def _search_changed(self, _text: str) -> None:
        self.loader.load(self._filter())

    def _school_changed(self, *_args: object) -> None:
        self.loader.load(self._filter())
        school = self.school_id()
        if school is None:
            return
        db = self.context.db
        self.context.ops.query(lambda: booking_choices(db, school), self._choices_loaded)

    def _choices_loaded(self, choices: BookingChoices) -> None:
        self.choices = choices
        self._kind_changed()

    def _kind_changed(self, *_args: object) -> None:
        self.value_box.clear()
        if self.choices is None:
            return
        if self.kind_box.currentData() == "group":
            for group_id, label in self.choices.groups:
                self.value_box.addItem(label, group_id)
        else:
            for role in self.choices.roles:
                self.value_box.addItem(role, role)

    def _listed(self, _page: object) -> None:
        fit_columns(self.table)

    # -- the choice --------------------------------------------------------------------------------
    def _changed(self) -> None:
        self.model.refresh_checks()
        count = len(self.chosen)
        self.chosen_label.setText(f"{count:,} chosen." if count else "Nobody chosen yet.")
        self.book_button.setEnabled(count > 0)

    def _ticked(self, row: StaffRow, wanted: bool) -> None:
        if wanted:
            self.chosen[row.job_id] = None
        else:
            self.chosen.pop(row.job_id, None)
        self._changed()

    def add_all(self) -> None:
        """Everyone in the chosen group or role at this school, after whoever is already chosen."""
        kind, value, school = self.kind_box.currentData(), self.value_box.currentData(), self.school_id()
        if value is None or school is None:
            return
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: quick_select(db, user_id, kind, value, within=[school]), self._add_jobs)

    def _add_jobs(self, job_ids: list[int]) -> None:
        before = len(self.chosen)
        self.chosen.update(dict.fromkeys(job_ids))
        self.context.navigator.tell(f"{len(self.chosen) - before:,} staff added; {len(self.chosen):,} chosen.")
        self._changed()

    def clear(self) -> None:
        self.chosen.clear()
        self._changed()

    # -- booking -----------------------------------------------------------------------------------
    def book(self) -> None:
        if not self.chosen:
            return
        db, user_id = self.context.db, self.context.user.id
        event_id, version = self.bookings.event.id, self.bookings.event.version
        jobs, pre_authorise = list(self.chosen), self.pre_authorise_box.isChecked()
        self.book_button.setEnabled(False)
        self.context.ops.action(
            lambda _progress: book_staff(
                db, user_id, event_id, jobs, shown_version=version, pre_authorise=pre_authorise
            ),
            self._booked,
            self._failed,
            title="Booking…",
            origin=self,
        )

    def _booked(self, result: BookingResult) -> None:
        self.result_ = result
        self.context.navigator.tell(result.sentence())
        self.accept()

    def _failed(self, error: TrustDeskError) -> None:
        self.book_button.setEnabled(bool(self.chosen))
        show_error(self, error)
