"""Training events: the paged list with its filter bar, and the chosen event's detail beside it (T1).

The list pages from SQL (``db.queries.training_events``); choosing a row loads
that event's detail (its sessions, places and who is told) into the "Details"
tab.  Whoever runs events at the event's organisation edits, publishes,
chooses who is told, unpublishes or cancels it from the buttons under the
detail.  Other modules open an event through the ``training_event`` route, and
the dashboard's "with free places" card through ``training_events``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.changes import DataChange
from db.errors import TrustDeskError
from db.queries.training_event_detail import (
    EditorChoices,
    EventDetail,
    FilterChoices,
    editor_choices,
    event_detail,
    filter_choices,
)
from db.queries.training_events import VIEW_LABELS, EventFilter, EventStatus, EventView, event_page, more_events
from desktop.dialogs.errors import show_error
from desktop.kit.icons import icon
from desktop.kit.paged_loader import PagedLoader, SearchBox
from desktop.kit.panel import Panel
from desktop.kit.row_table_model import RowRole
from desktop.kit.widgets import data_table, fit_columns, fit_dates
from desktop.modules.training import event_table_model as columns
from desktop.modules.training.bookings_view import EventBookingsView
from desktop.modules.training.detail_view import EventDetailView
from desktop.modules.training.event_actions import EventActions
from desktop.modules.training.event_table_model import EventTableModel
from desktop.modules.training.register_view import EventRegisterView

#: how the count under the list names its rows, one and many
COUNT_WORDS = {
    EventView.UPCOMING: ("upcoming event", "upcoming events"),
    EventView.PAST: ("past event", "past events"),
    EventView.DRAFTS: ("draft", "drafts"),
    EventView.CANCELLED: ("cancelled event", "cancelled events"),
}
VIEW_OF_STATUS = {EventStatus.DRAFT: EventView.DRAFTS, EventStatus.CANCELLED: EventView.CANCELLED}


class TrainingPanel(EventActions, Panel):
    #: the event whose detail is shown (its id), or None: for the tabs beside "Details" to follow
    event_shown = Signal(object)

    def create_widget(self) -> QWidget:
        self.detail: EventDetail | None = None
        self._detail_request = 0
        self._choices: FilterChoices | None = None
        self._wanted_event: int | None = None
        root = QWidget()
        layout = QVBoxLayout(root)
        bar = QHBoxLayout()
        self.view_box = QComboBox()
        self.view_box.setObjectName("training_view")
        for view, label in VIEW_LABELS.items():
            self.view_box.addItem(label, view)
        self.search_box = SearchBox("Search titles, providers and descriptions")
        self.organisation_box = QComboBox()
        self.type_box = QComboBox()
        self.provider_box = QComboBox()
        self.free_box = QCheckBox("With free places")
        for widget, stretch in ((self.view_box, 0), (self.search_box, 2), (self.organisation_box, 1),
                                (self.type_box, 0), (self.provider_box, 1), (self.free_box, 0)):  # fmt: skip
            bar.addWidget(widget, stretch)
        self.new_button = QPushButton(icon("add"), "New event…")
        self.new_button.setObjectName("training_new")
        self.new_button.clicked.connect(self.new_event)
        self.new_button.setEnabled(False)
        bar.addWidget(self.new_button)
        layout.addLayout(bar)

        self.model = EventTableModel(self)
        self.table = data_table(self.model, sortable=False)  # the order is the view's: soonest or latest first
        self.table.setObjectName("training_events")
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.loader = PagedLoader(
            self.context,
            self.model,
            lambda filt: event_page(self.context.db, self.context.user.id, filt),
            lambda filt, offset: more_events(self.context.db, self.context.user.id, filt, offset),
            self,
        )
        self.loader.loaded.connect(self._list_loaded)
        self.loader.failed.connect(self._list_failed)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        self.count_label = QLabel("Loading…")
        self.count_label.setObjectName("training_count")
        left_layout.addWidget(self.count_label)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        #: "Details" is this module's; the bookings and the register are tabs beside it
        self.detail_tabs = QTabWidget()
        self.detail_tabs.setObjectName("training_detail_tabs")
        self.detail_view = EventDetailView()
        scroller = QScrollArea()  # scrolls on a small screen rather than making the window taller than it
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(self.detail_view)
        self.detail_tabs.addTab(scroller, "Details")
        self.bookings_view = EventBookingsView(self.context)
        self.register_view = EventRegisterView(self.context)
        self.detail_tabs.addTab(self.bookings_view, "Bookings")
        self.detail_tabs.addTab(self.register_view, "Register")
        self.event_shown.connect(self.bookings_view.show_event)
        self.event_shown.connect(self.register_view.show_event)
        right_layout.addWidget(self.detail_tabs, 1)
        actions = QHBoxLayout()
        self.edit_button = QPushButton(icon("edit"), "Edit…")
        self.publish_button = QPushButton(icon("check"), "Publish")
        self.targets_button = QPushButton(icon("mail"), "Notify targets…")
        self.unpublish_button = QPushButton(icon("undo"), "Unpublish")
        self.cancel_button = QPushButton(icon("reject"), "Cancel event…")
        self.activities_button = QPushButton(icon("partnership_cpd"), "CPD requests")
        self.activities_button.setToolTip("The CPD requests linked to this event, in Partnership CPD")
        self.publish_button.setToolTip("Show the event to every member organisation and tell its notify targets")
        self.targets_button.setToolTip("Choose which organisations and groups publishing tells; all still see it")
        buttons = ((self.edit_button, self.edit_event), (self.publish_button, self.publish),
                   (self.targets_button, self.choose_targets), (self.unpublish_button, self.unpublish),
                   (self.cancel_button, self.cancel), (self.activities_button, self.open_activities))  # fmt: skip
        for button, slot in buttons:
            button.clicked.connect(slot)
            actions.addWidget(button)
        actions.addStretch(1)
        right_layout.addLayout(actions)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([760, 560])
        layout.addWidget(splitter, 1)

        self.view_box.currentIndexChanged.connect(self._load)
        self.search_box.search_changed.connect(self._load)
        for box in (self.organisation_box, self.type_box, self.provider_box):
            box.currentIndexChanged.connect(self._load)
        self.free_box.toggled.connect(self._load)
        self._update_buttons()
        return root

    # -- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: filter_choices(db, user_id), self._choices_loaded)

    def refresh_for(self, change: DataChange) -> None:
        self.refresh()
        if self.detail is not None:  # the chosen event may have changed, or left the list (published, cancelled)
            self._load_detail(self.detail.id)

    def _choices_loaded(self, choices: FilterChoices) -> None:
        self._choices = choices
        self.new_button.setEnabled(choices.can_create)
        boxes = (
            (self.organisation_box, "Run by anyone", [(c.label, c.id) for c in choices.organisations]),
            (self.type_box, "Any type", [(t, t) for t in choices.activity_types]),
            (self.provider_box, "Any provider", [(p, p) for p in choices.providers]),
        )
        for box, everyone, entries in boxes:
            kept = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everyone, None)
            for label, value in entries:
                box.addItem(label, value)
            box.setCurrentIndex(max(0, box.findData(kept)) if kept is not None else 0)
            box.blockSignals(False)
        self._load()

    def current_filter(self) -> EventFilter:
        return EventFilter(
            view=EventView(self.view_box.currentData()),
            search=self.search_box.text(),
            organisation_id=self.organisation_box.currentData(),
            activity_type=self.type_box.currentData(),
            provider=self.provider_box.currentData(),
            free_only=self.free_box.isChecked(),
        )

    def _load(self) -> None:
        self.count_label.setText("Loading…")
        self.loader.load(self.current_filter())

    def _list_loaded(self, page: object) -> None:
        total = self.model.total
        one, many = COUNT_WORDS[self.current_filter().view]
        self.count_label.setText(f"{total:,} {one if total == 1 else many}")
        if self.model.loaded:
            fit_columns(self.table)
            fit_dates(self.table, (columns.STARTS, columns.ENDS))
        wanted = self._wanted_event
        if wanted is not None:
            rows = [n for n in range(self.model.loaded) if self.model.row_at(n).id == wanted]
            if rows:
                self.table.selectRow(rows[0])
            self._wanted_event = None  # consumed: from now on the user's clicks choose
        elif self.table.currentIndex().row() < 0 and self.model.loaded:
            self.table.selectRow(0)

    def _list_failed(self, error: TrustDeskError) -> None:
        self.count_label.setText(f"Could not load events: {error.message}")

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].data(RowRole) if rows else None
        # While the list reloads for a route, the old selection can move onto another row as rows come
        # in above it: only the routed event may open then.
        if row is not None and self._wanted_event in (None, row.id):
            self._load_detail(row.id)

    def _load_detail(self, event_id: int) -> None:
        self._detail_request += 1
        request = self._detail_request
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(
            lambda: event_detail(db, user_id, event_id),
            lambda detail: self._detail_loaded(request, detail),
            lambda error: self._detail_failed(request, error),
        )

    def _detail_loaded(self, request: int, detail: EventDetail) -> None:
        if request == self._detail_request:
            self.detail = detail
            self.detail_view.show_detail(detail)
            self._update_buttons()
            self.event_shown.emit(detail.id)

    def _detail_failed(self, request: int, error: TrustDeskError) -> None:
        if request == self._detail_request:
            self.detail = None
            self.detail_view.show_detail(None)
            self.detail_view.status_label.setText(error.message)
            self._update_buttons()
            self.event_shown.emit(None)

    def _update_buttons(self) -> None:
        detail = self.detail
        manage = detail is not None and detail.can_manage and detail.status is not EventStatus.CANCELLED
        self.edit_button.setEnabled(manage)
        self.targets_button.setEnabled(manage)
        self.publish_button.setEnabled(manage and detail is not None and detail.status is EventStatus.DRAFT)
        self.unpublish_button.setEnabled(manage and detail is not None and detail.status is EventStatus.PUBLISHED)
        self.cancel_button.setEnabled(manage)
        self.activities_button.setEnabled(detail is not None)

    # -- routes ------------------------------------------------------------------------------------
    def show_event(self, value: object) -> None:
        """The ``training_event`` route: list the event where it belongs and open its detail."""
        self.activate()
        if not isinstance(value, int):
            return
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(
            lambda: event_detail(db, user_id, value),
            self._show_found,
            lambda error: show_error(self, error),
        )

    def _show_found(self, detail: EventDetail) -> None:
        past = detail.status is EventStatus.PUBLISHED and detail.ends_on < date.today()
        view = EventView.PAST if past else VIEW_OF_STATUS.get(detail.status, EventView.UPCOMING)
        self._wanted_event = detail.id
        self._detail_request += 1  # a detail still on its way (an earlier choice) must not replace this one
        self._detail_loaded(self._detail_request, detail)
        self.show_events(EventFilter(view=view))

    def show_events(self, value: object) -> None:
        """The ``training_events`` route: the list as ``value`` (an EventFilter) asks."""
        self.activate()
        if not isinstance(value, EventFilter):
            return
        widgets = (self.view_box, self.search_box, self.organisation_box, self.type_box, self.provider_box,
                   self.free_box)  # fmt: skip
        for widget in widgets:
            widget.blockSignals(True)
        self.view_box.setCurrentIndex(max(0, self.view_box.findData(value.view)))
        self.search_box.setText(value.search)
        self.organisation_box.setCurrentIndex(max(0, self.organisation_box.findData(value.organisation_id)))
        self.type_box.setCurrentIndex(max(0, self.type_box.findData(value.activity_type)))
        self.provider_box.setCurrentIndex(max(0, self.provider_box.findData(value.provider)))
        self.free_box.setChecked(value.free_only)
        for widget in widgets:
            widget.blockSignals(False)
        self.table.clearSelection()
        self._load()

    # -- actions -------------------------------------------------------------------------------
    def _with_choices(self, then: Callable[[EditorChoices], None]) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: editor_choices(db, user_id), then, lambda error: show_error(self, error))

    def new_event(self) -> None:
        self._with_choices(lambda choices: self._open_editor(choices, None))

    def edit_event(self) -> None:
        detail = self.detail
        if detail is not None:
            self._with_choices(lambda choices: self._open_editor(choices, detail))

    def _open_editor(self, choices: EditorChoices, detail: EventDetail | None) -> None:
        from desktop.modules.training.event_dialog import EventDialog

        dialog = EventDialog(self.context, choices, detail, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._saved)
        dialog.open()

    def _saved(self, event_id: int) -> None:
        self.show_event(event_id)  # a new event is a draft: the list turns to the drafts to show it

    def choose_targets(self) -> None:
        detail = self.detail
        if detail is None:
            return

        def open_dialog(choices: EditorChoices) -> None:
            from desktop.modules.training.targets_dialog import TargetsDialog

            dialog = TargetsDialog(self.context, choices, detail, self.window())
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

        self._with_choices(open_dialog)
