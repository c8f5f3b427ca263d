"""Partnership CPD: every activity across the trust, filtered and paged in SQL."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.changes import Kind
from db.errors import TrustDeskError
from db.models import PartnershipState
from db.queries import activities as activity_queries
from db.queries.activities import ActivityFilter, ActivityPage, ActivityRow
from db.queries.lookups import Lookups, load_lookups
from desktop.drill import hidden_filter_text
from desktop.formatting import money, state
from desktop.icons import icon
from desktop.models.activity_table_model import ActivityTableModel
from desktop.panels.base import Panel
from desktop.widgets import fit_columns

SEARCH_DELAY_MS = 250


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
        self._columns_sized = False

        root = QWidget()
        layout = QVBoxLayout(root)
        bar = QHBoxLayout()
        self.period_box = QComboBox()
        self.org_box = QComboBox()
        self.org_box.setMinimumContentsLength(18)
        self.state_box = QComboBox()
        self.state_box.addItem("Any authorisation", None)
        for value in PartnershipState:
            self.state_box.addItem(state(value), value)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search titles and providers…")
        self.search_box.setClearButtonEnabled(True)
        self.clear_button = QPushButton(icon("clear_filters"), "Clear filters")
        for label, widget in (("Period", self.period_box), ("Organisation", self.org_box), ("", self.state_box)):
            if label:
                bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.search_box, 1)
        bar.addWidget(self.clear_button)
        layout.addLayout(bar)

        self.model = ActivityTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(4, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        layout.addWidget(self.table, 1)
        self.summary_label = QLabel("Loading…")
        self.summary_label.setObjectName("summary")
        layout.addWidget(self.summary_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._filters_edited)
        self.search_box.textChanged.connect(self._search_timer.start)
        for box in (self.period_box, self.org_box, self.state_box):
            box.currentIndexChanged.connect(self._filters_edited)
        self.clear_button.clicked.connect(self.clear_filters)
        self.model.more_wanted.connect(self._fetch_more)
        self.model.sort_requested.connect(self._sort)
        self.context.navigator.activities_requested.connect(self.show_filter)
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
        for box in (self.period_box, self.org_box):
            box.blockSignals(True)
            box.clear()
        self.period_box.addItem("All periods", None)
        for choice in lookups.periods:
            self.period_box.addItem(choice.label, choice.id)
        self.org_box.addItem("All organisations", None)
        for choice in lookups.organisations:
            self.org_box.addItem(choice.label, choice.id)
        for box in (self.period_box, self.org_box):
            box.blockSignals(False)
        wanted = self._pending_filter or replace(self.filter, period_id=lookups.current_period_id)
        self._pending_filter = None
        self.show_filter(wanted)

    def show_filter(self, activity_filter: ActivityFilter) -> None:
        """Show exactly this filter (used by drill-through from other panels)."""
        if self._lookups is None:
            self._pending_filter = activity_filter
            self.activate()
            return
        self.activate()
        self._set_controls(activity_filter)
        self.filter = activity_filter
        self._load()

    def _set_controls(self, f: ActivityFilter) -> None:
        for box, value in (
            (self.period_box, f.period_id),
            (self.org_box, f.organisation_id),
            (self.state_box, f.partnership_state),
        ):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)
        self.search_box.blockSignals(True)
        self.search_box.setText(f.search)
        self.search_box.blockSignals(False)

    def _filters_edited(self) -> None:
        self.filter = replace(
            self.filter,
            period_id=self.period_box.currentData(),
            organisation_id=self.org_box.currentData(),
            partnership_state=self.state_box.currentData(),
            search=self.search_box.text(),
        )
        self._load()

    def clear_filters(self) -> None:
        self.show_filter(ActivityFilter(sort=self.filter.sort, descending=self.filter.descending))

    def _sort(self, key: str, descending: bool) -> None:
        self.filter = replace(self.filter, sort=key, descending=descending)
        self._load()

    def _load(self) -> None:
        self._generation += 1
        generation = self._generation
        db, user_id, filt = self.context.db, self.context.user.id, self.filter
        self.summary_label.setText("Loading…")
        self.context.ops.query(
            lambda: activity_queries.first_page(db, user_id, filt),
            lambda page: self._page_loaded(generation, page),
            lambda error: self._failed(generation, error),
        )

    def _page_loaded(self, generation: int, page: ActivityPage) -> None:
        if generation != self._generation:
            return  # a newer filter is on its way
        self.model.reset(page.summary, page.rows)
        if not self._columns_sized and page.rows:
            fit_columns(self.table, maximum=280)
            self._columns_sized = True
        noun = "activity" if page.summary.count == 1 else "activities"
        text = f"{page.summary.count:,} {noun} · total {money(page.summary.total_cost_pence)}"
        if hidden := hidden_filter_text(self.filter):
            text += f" · only those {hidden} (Clear filters to see all)"
        if page.summary.count == 0:
            text = "No activities match these filters. Clear a filter to see more."
        self.summary_label.setText(text)

    def _fetch_more(self, offset: int) -> None:
        generation = self._generation
        db, user_id, filt = self.context.db, self.context.user.id, self.filter
        self.context.ops.query(
            lambda: activity_queries.fetch_page(db, user_id, filt, offset),
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
