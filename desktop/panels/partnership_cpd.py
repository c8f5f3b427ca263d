"""Partnership CPD: the authorisation workbench (C1-C7, A1-A2).

Every activity across the trust, filtered, sorted and paged in SQL; ticks held
in the model as id → version so that "tick all N matching" never loads rows;
bulk and single decisions, their results and their undo go through services
run by ``context.ops``.  ``self.filter`` is always the filter on screen (other
panels and menus read it).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.changes import Kind
from db.errors import TrustDeskError
from db.models import PartnershipState
from db.queries import activities as activity_queries
from db.queries.activities import ActivityFilter, ActivityPage, ActivityRow, ActivitySummary
from db.queries.lookups import Lookups, load_lookups
from db.queries.people_search import PersonChoice, person_choice, search_people
from db.services.signoff import SignOffResult
from desktop.cpd.activity_detail import ActivityDetailDialog
from desktop.cpd.check_header import CheckHeader
from desktop.cpd.filter_bar import FilterBar, filter_from_text, filter_to_text
from desktop.cpd.recent_decisions import RecentDecisionsDialog
from desktop.cpd.sign_off_dialog import SignOffDialog
from desktop.cpd.sign_off_result_dialog import SignOffResultDialog
from desktop.drill import hidden_filter_text
from desktop.formatting import money
from desktop.icons import icon
from desktop.models.activity_table_model import (
    COL_CHECK,
    COL_END,
    COL_START,
    HEADERS,
    OPTIONAL_COLUMNS,
    SORT_KEYS,
    ActivityTableModel,
)
from desktop.models.row_table_model import RowRole
from desktop.panels.base import Panel
from desktop.widgets import fit_columns, fit_dates

log = logging.getLogger(__name__)

SETTINGS_FILTER = "partnership_cpd/filter"
SETTINGS_COLUMNS = "partnership_cpd/hidden_columns"
AUTHORISE_KEYS = "Ctrl+Shift+A"
REJECT_KEYS = "Ctrl+Shift+R"
TICK_ALL_KEYS = "Ctrl+Shift+T"


class PartnershipCpdPanel(Panel):
    object_name = "partnership_cpd"
    title = "Partnership CPD"
    icon_name = "partnership_cpd"
    watches = frozenset({Kind.ACTIVITIES, Kind.ORGANISATIONS, Kind.SHARING})

    def create_widget(self) -> QWidget:
        self.filter = ActivityFilter()
        self._generation = 0
        self._lookups: Lookups | None = None
        self._pending_filter: ActivityFilter | None = None
        self._pending_label = ""
        self._columns_sized = False
        self._summary: ActivitySummary | None = None
        self._shown_filter: ActivityFilter | None = None
        self._summary_generation = -1
        self.can_decide = False
        self.dialog: QWidget | None = None  # the last dialog opened (tests and screenshots look at it)

        root = QWidget()
        layout = QVBoxLayout(root)
        db, user_id = self.context.db, self.context.user.id
        self.bar = FilterBar(self.context.ops, lambda text: search_people(db, user_id, text))
        layout.addWidget(self.bar)

        actions = QHBoxLayout()
        self.tick_all_button = QPushButton(icon("tick_all"), "Tick all matching")
        self.tick_all_button.setToolTip(f"Tick every activity matching the filters, loaded or not ({TICK_ALL_KEYS})")
        self.untick_button = QPushButton("Untick all")
        self.ticked_label = QLabel()
        self.authorise_button = QPushButton(icon("authorise"), "Authorise…")
        self.authorise_button.setToolTip(f"Authorise the ticked activities ({AUTHORISE_KEYS})")
        self.reject_button = QPushButton(icon("reject"), "Reject…")
        self.reject_button.setToolTip(f"Reject the ticked activities with a reason ({REJECT_KEYS})")
        self.details_button = QPushButton("Details…")
        self.details_button.setToolTip("Everything about the current activity, its history and budget (Enter)")
        self.recent_button = QPushButton(icon("undo"), "Recent decisions…")
        self.export_view_button = QPushButton(icon("export"), "Export view…")
        self.export_view_button.setToolTip("Save the rows and columns shown, as filtered and sorted, to .xlsx or .csv")
        self.export_view_button.clicked.connect(self.export_view)
        for widget in (self.tick_all_button, self.untick_button, self.ticked_label):
            actions.addWidget(widget)
        actions.addStretch(1)
        for widget in (
            self.authorise_button,
            self.reject_button,
            self.details_button,
            self.recent_button,
            self.export_view_button,
        ):
            actions.addWidget(widget)
        layout.addLayout(actions)

        self.model = ActivityTableModel(self)
        self.table = QTableView()
        self.header = CheckHeader(COL_CHECK, self.table)
        self.table.setHorizontalHeader(self.header)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.header.setSortIndicator(_column_of(self.filter.sort), Qt.SortOrder.DescendingOrder)
        self.header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.header.setStretchLastSection(True)
        self.header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.installEventFilter(self)
        for column in self._hidden_columns():
            self.table.setColumnHidden(column, True)
        layout.addWidget(self.table, 1)
        self.summary_label = QLabel("Loading…")
        self.summary_label.setObjectName("summary")
        layout.addWidget(self.summary_label)

        self.bar.edited.connect(self._filters_edited)
        self.bar.clear_button.clicked.connect(self.clear_filters)
        self.model.more_wanted.connect(self._fetch_more)
        self.model.sort_requested.connect(self._sort)
        self.model.ticks_changed.connect(self._ticks_changed)
        self.model.modelReset.connect(self._ticks_changed)
        self.model.rowsInserted.connect(self._ticks_changed)
        self.header.toggled.connect(self.model.tick_page)
        self.header.customContextMenuRequested.connect(self._column_menu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.table.doubleClicked.connect(lambda index: self.open_details(index.row()))
        self.tick_all_button.clicked.connect(self.tick_all_matching)
        self.untick_button.clicked.connect(self.model.clear_ticks)
        self.authorise_button.clicked.connect(lambda: self.sign_off(PartnershipState.AUTHORISED))
        self.reject_button.clicked.connect(lambda: self.sign_off(PartnershipState.REJECTED))
        self.details_button.clicked.connect(lambda: self.open_details(self.table.currentIndex().row()))
        self.recent_button.clicked.connect(self.open_recent_decisions)
        for keys, slot in (
            (AUTHORISE_KEYS, lambda: self.sign_off(PartnershipState.AUTHORISED)),
            (REJECT_KEYS, lambda: self.sign_off(PartnershipState.REJECTED)),
            (TICK_ALL_KEYS, self.tick_all_matching),
        ):
            QShortcut(QKeySequence(keys), root, activated=slot, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.context.navigator.activities_requested.connect(self.show_filter)
        self._set_can_decide(False)
        return root

    # -- loading ---------------------------------------------------------------
    def refresh(self) -> None:
        if self._lookups is None:
            user_id = self.context.user.id
            self.context.ops.query(lambda: load_lookups(self.context.db, user_id), self._lookups_loaded)
        else:
            self._load()

    def _lookups_loaded(self, lookups: Lookups) -> None:
        self._lookups = lookups
        self.bar.set_lookups(lookups)
        label = self._pending_label
        wanted = self._pending_filter
        if wanted is None:
            remembered = filter_from_text(str(self.context.settings.value(SETTINGS_FILTER, "") or ""))
            if remembered is not None:
                wanted, label = remembered
            else:
                wanted = replace(self.filter, period_id=lookups.current_period_id)
        self._pending_filter = None
        self.show_filter(wanted, label)

    def show_filter(self, activity_filter: ActivityFilter, person_label: str = "") -> None:
        """Show exactly this filter (used by drill-through from other panels)."""
        if self._lookups is None:
            self._pending_filter, self._pending_label = activity_filter, person_label
            self.activate()
            return
        self.activate()
        self.bar.set_filter(activity_filter, person_label)
        if activity_filter.person_id is not None and not person_label:
            self._name_person(activity_filter.person_id)
        # A remembered organisation or period that is no longer there falls back to "all": read back what shows.
        self.filter = self.bar.read(activity_filter)
        self._load()

    def _name_person(self, person_id: int) -> None:
        """A drill-through names a person by id only: show their name in the box."""
        db, user_id = self.context.db, self.context.user.id

        def named(choice: PersonChoice | None) -> None:
            if choice is not None and self.filter.person_id == person_id:
                self.bar.person_edit.set_person(person_id, choice.label)

        self.context.ops.query(lambda: person_choice(db, user_id, person_id), named, lambda _error: None)

    def _filters_edited(self) -> None:
        self.filter = self.bar.read(self.filter)
        self._load()

    def clear_filters(self) -> None:
        period = self._lookups.current_period_id if self._lookups else None
        self.show_filter(ActivityFilter(period_id=period, sort=self.filter.sort, descending=self.filter.descending))

    def _sort(self, key: str, descending: bool) -> None:
        self.filter = replace(self.filter, sort=key, descending=descending)
        self.bar.set_filter(self.filter, self.bar.person_label)
        self._load()

    def _load(self) -> None:
        self._generation += 1
        generation = self._generation
        db, user_id, filt = self.context.db, self.context.user.id, self.filter
        self.context.settings.setValue(SETTINGS_FILTER, filter_to_text(filt, self.bar.person_label))
        self._sync_sort_indicator()
        self.summary_label.setText("Loading…")
        other_filter = filt != self._shown_filter
        self._shown_filter = filt
        self.context.ops.query(
            lambda: activity_queries.first_rows(db, user_id, filt),
            lambda page: self._page_loaded(generation, page, other_filter),
            lambda error: self._failed(generation, error),
        )
        self.context.ops.query(
            lambda: activity_queries.summarise(db, user_id, filt),
            lambda summary: self._summary_loaded(generation, summary),
            lambda error: self._failed(generation, error),
        )

    def _sync_sort_indicator(self) -> None:
        order = Qt.SortOrder.DescendingOrder if self.filter.descending else Qt.SortOrder.AscendingOrder
        self.header.blockSignals(True)
        self.header.setSortIndicator(_column_of(self.filter.sort), order)
        self.header.blockSignals(False)
        self.header.viewport().update()

    def _page_loaded(self, generation: int, page: ActivityPage, other_filter: bool = True) -> None:
        if generation != self._generation:
            return  # a newer filter is on its way
        self._set_can_decide(page.can_decide)
        summary = self._summary if self._summary_generation == generation else None
        self.model.reset(summary, page.rows)
        if other_filter:
            # What was ticked under another filter is not on screen any more. A refresh of the same
            # filter (someone else changed data) keeps the ticks: their versions still say what was seen.
            self.model.clear_ticks()
        if not self._columns_sized and page.rows:
            fit_columns(self.table, maximum=280)
            fit_dates(self.table, (COL_START, COL_END))
            self.table.setColumnWidth(COL_CHECK, 34)
            self._columns_sized = True
            log.info("Partnership CPD: first rows shown")  # bench/bench_startup.py times this
        if summary is None:
            self.summary_label.setText("Counting…" if page.rows else "Loading…")
        self._ticks_changed()

    def _summary_loaded(self, generation: int, summary: ActivitySummary) -> None:
        if generation != self._generation:
            return
        self._summary, self._summary_generation = summary, generation
        self.model.set_summary(summary)
        noun = "activity" if summary.count == 1 else "activities"
        text = f"{summary.count:,} {noun} · total {money(summary.total_cost_pence)}"
        if hidden := hidden_filter_text(self.filter):
            text += f" · only those {hidden} (Clear filters to see all)"
        if summary.count == 0:
            text = "No activities match these filters. Clear a filter to see more."
        self.summary_label.setText(text)
        self.tick_all_button.setText(f"Tick all {summary.count:,} matching")
        self._ticks_changed()

    def _fetch_more(self, offset: int) -> None:
        generation = self._generation
        db, user_id, filt = self.context.db, self.context.user.id, self.filter
        last = self.model.row_at(offset - 1) if 0 < offset <= self.model.loaded else None
        self.context.ops.query(
            lambda: activity_queries.fetch_page(db, user_id, filt, offset, after=last),
            lambda rows: self._more_loaded(generation, offset, rows),
            lambda error: self._failed(generation, error),
        )

    def _more_loaded(self, generation: int, offset: int, rows: list[ActivityRow]) -> None:
        if generation == self._generation:
            self.model.append(offset, rows)

    def _failed(self, generation: int, error: TrustDeskError) -> None:
        self.model.fetch_failed()
        if generation == self._generation:
            self.summary_label.setText(f"Could not load activities: {error.message}")

    # -- ticking (C4) ----------------------------------------------------------
    def _set_can_decide(self, can_decide: bool) -> None:
        """Who may only view and comment sees no checkboxes and no decision buttons at all."""
        self.can_decide = can_decide
        self.model.set_checkable(can_decide)
        self.table.setColumnHidden(COL_CHECK, not can_decide)
        self.header.check_visible = can_decide
        for widget in (self.tick_all_button, self.untick_button, self.ticked_label):
            widget.setVisible(can_decide)
        for widget in (self.authorise_button, self.reject_button):
            widget.setVisible(can_decide)

    def _ticks_changed(self, *_args: object) -> None:
        count = self.model.ticked_count
        self.header.set_state(self.model.page_check_state())
        self.ticked_label.setText(f"{count:,} ticked" if count else "Nothing ticked")
        self.untick_button.setEnabled(count > 0)
        self.authorise_button.setEnabled(count > 0)
        self.reject_button.setEnabled(count > 0)
        self.tick_all_button.setEnabled(self.model.total > 0)

    def tick_all_matching(self) -> None:
        if not self.can_decide:
            return
        generation = self._generation
        db, user_id, filt = self.context.db, self.context.user.id, self.filter
        self.ticked_label.setText(f"Ticking all {self.model.total:,}…")
        self.tick_all_button.setEnabled(False)
        self.context.ops.query(
            lambda: activity_queries.matching_versions(db, user_id, filt),
            lambda versions: self._all_ticked(generation, versions),
            lambda error: self._failed(generation, error),
        )

    def _all_ticked(self, generation: int, versions: dict[int, int]) -> None:
        if generation == self._generation:
            self.model.tick_all(versions)
        self._ticks_changed()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Space ticks the current row, Ctrl+A ticks the page, Enter opens it: no mouse needed."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            row = self.table.currentIndex().row()
            if event.key() == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                self.model.toggle(row)
                return True
            if event.matches(QKeySequence.StandardKey.SelectAll):
                self.model.tick_page(self.model.page_check_state() != Qt.CheckState.Checked)
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and row >= 0:
                self.open_details(row)
                return True
        return super().eventFilter(watched, event)

    # -- deciding --------------------------------------------------------------
    def sign_off(self, decision: PartnershipState) -> None:
        ticked = self.model.ticked
        if not self.can_decide or not ticked:
            self.context.navigator.tell("Tick the activities to decide first.")
            return
        dialog = SignOffDialog(self.context, ticked, decision, self)
        dialog.signed_off.connect(self._signed_off)
        self.dialog = dialog
        dialog.open()

    def _signed_off(self, result: SignOffResult) -> None:
        self.model.clear_ticks()
        dialog = SignOffResultDialog(self.context, result, self)
        self.dialog = dialog
        dialog.open()

    def open_details(self, row: int) -> None:
        if not 0 <= row < self.model.loaded:
            return
        activity = self.model.row_at(row)
        dialog = ActivityDetailDialog(self.context, activity.id, self)
        self.dialog = dialog
        dialog.open()

    def open_recent_decisions(self) -> None:
        dialog = RecentDecisionsDialog(self.context, self)
        self.dialog = dialog
        dialog.open()

    # -- menus -----------------------------------------------------------------
    def _row_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        activity: ActivityRow = index.data(RowRole)
        menu = QMenu(self.table)
        menu.addAction("Details…", lambda: self.open_details(index.row()))
        menu.addAction(
            f"All requests of {activity.individual}",
            lambda: self.show_filter(ActivityFilter(person_id=activity.person_id), activity.individual),
        )
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def export_view(self) -> None:
        from desktop.view_export_action import export_current_view

        export_current_view(self.context, self, self)

    def _column_menu(self, pos: QPoint) -> None:
        menu = QMenu(self.header)
        for column in range(1, len(HEADERS)):
            action = menu.addAction(HEADERS[column])
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.toggled.connect(lambda shown, c=column: self._show_column(c, shown))
        menu.exec(self.header.mapToGlobal(pos))

    def _show_column(self, column: int, shown: bool) -> None:
        self.table.setColumnHidden(column, not shown)
        hidden = [c for c in range(1, len(HEADERS)) if self.table.isColumnHidden(c)]
        self.context.settings.setValue(SETTINGS_COLUMNS, ",".join(map(str, hidden)))

    def _hidden_columns(self) -> list[int]:
        saved = self.context.settings.value(SETTINGS_COLUMNS, None)
        if saved is None:
            return list(OPTIONAL_COLUMNS)
        return [int(part) for part in str(saved).split(",") if part.strip().isdigit() and 0 < int(part) < len(HEADERS)]


def _column_of(sort_key: str) -> int:
    return next((column for column, key in SORT_KEYS.items() if key == sort_key), -1)
