"""My inbox: what awaits the signed-in user's decision, grouped, each row opening where it is decided.

Four tabs with their counts (as line manager, as CPD team, as partnership, data sharing for your
school), the soonest requests first. Enter or a double-click opens the request in Partnership CPD
(the individual's requests starting that day) or the data sharing request in Data sharing, through
the navigator's routes: this module imports no other. The panel also puts the status bar's
"N to decide" in place (``status_count``), which counts even while the panel is not shown.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.models import CpdTeamState, LineManagerState, PartnershipState
from db.queries.activities import ActivityFilter
from db.queries.inbox import GROUP_TITLES, LIST_LIMIT, InboxGroup, InboxItem, InboxView, load_inbox
from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.module import ModuleSpec
from desktop.kit.panel import Panel
from desktop.kit.row_table_model import RowRole
from desktop.kit.widgets import data_table, fit_columns, fit_dates
from desktop.modules.inbox import table_model as columns
from desktop.modules.inbox.status_count import InboxCount
from desktop.modules.inbox.table_model import InboxTableModel

GROUPS = tuple(InboxGroup)
#: for "Show all in Partnership CPD": the filter that lists a group's layer still to decide
GROUP_FILTERS = {
    InboxGroup.LINE_MANAGER: ActivityFilter(line_manager_state=LineManagerState.PENDING, sort="start"),
    InboxGroup.CPD_TEAM: ActivityFilter(cpd_team_state=CpdTeamState.PENDING, sort="start"),
    InboxGroup.PARTNERSHIP: ActivityFilter(partnership_state=PartnershipState.PENDING, sort="start"),
}


class InboxPanel(Panel):
    def __init__(self, module: ModuleSpec, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(module, context, parent)
        self.view: InboxView | None = None
        self._request = 0
        self.count_button = InboxCount(context, self.activate, self)
        if isinstance(parent, QMainWindow):
            parent.statusBar().insertPermanentWidget(0, self.count_button)

    def create_widget(self) -> QWidget:
        root = QWidget()
        layout = QVBoxLayout(root)
        top = QHBoxLayout()
        self.summary_label = QLabel("Loading…")
        self.summary_label.setObjectName("inbox_summary")
        self.summary_label.setWordWrap(True)
        top.addWidget(self.summary_label, 1)
        self.refresh_button = QPushButton(icon("refresh"), "Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        top.addWidget(self.refresh_button)
        layout.addLayout(top)
        self.tabs = QTabWidget()
        self.models: dict[InboxGroup, InboxTableModel] = {}
        self.tables: dict[InboxGroup, QTableView] = {}
        self.more_labels: dict[InboxGroup, QLabel] = {}
        self.open_buttons: dict[InboxGroup, QPushButton] = {}
        for group in GROUPS:
            page = QWidget()
            page_layout = QVBoxLayout(page)
            model = InboxTableModel(self)
            table = data_table(model, sortable=False)  # the order is the point: the soonest first
            table.setObjectName(f"inbox_{group.value}")
            if group is InboxGroup.DATA_SHARING:
                table.setColumnHidden(columns.COST, True)
            table.activated.connect(lambda index, g=group: self.open_row(g, index.row()))
            page_layout.addWidget(table, 1)
            bottom = QHBoxLayout()
            more = QLabel()
            more.setWordWrap(True)
            bottom.addWidget(more, 1)
            if group in GROUP_FILTERS:
                show_all = QPushButton(icon("partnership_cpd"), "Show all in Partnership CPD")
                show_all.setToolTip("Every request you see whose layer is still pending, in Partnership CPD")
                show_all.clicked.connect(lambda _checked=False, g=group: self.show_all(g))
                bottom.addWidget(show_all)
            open_button = QPushButton(icon("next"), "Open")
            open_button.setToolTip("Open the request where it is decided (Enter or double-click)")
            open_button.clicked.connect(lambda _checked=False, g=group: self.open_selected(g))
            bottom.addWidget(open_button)
            page_layout.addLayout(bottom)
            self.models[group], self.tables[group] = model, table
            self.more_labels[group], self.open_buttons[group] = more, open_button
            self.tabs.addTab(page, GROUP_TITLES[group])
        layout.addWidget(self.tabs, 1)
        return root

    # -- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self._request += 1
        request = self._request
        self.context.ops.query(
            lambda: load_inbox(db, user_id),
            lambda view: self._loaded(request, view),
            lambda error: self.summary_label.setText(f"Could not load your inbox: {error.message}"),
        )
        self.count_button.recount()

    def _loaded(self, request: int, view: InboxView) -> None:
        if request != self._request:
            return
        first = self.view is None
        self.view = view
        counts = view.counts
        for n, group in enumerate(GROUPS):
            rows = view.items.get(group, [])
            self.models[group].set_rows(rows)
            self.tabs.setTabText(n, f"{GROUP_TITLES[group]} ({counts.of(group):,})")
            hidden = counts.of(group) - len(rows)
            self.more_labels[group].setText(
                f"The {LIST_LIMIT:,} soonest of {counts.of(group):,} are listed." if hidden > 0 else ""
            )
            self.open_buttons[group].setEnabled(bool(rows))
            if rows:
                fit_columns(self.tables[group])
                fit_dates(self.tables[group], (columns.WHEN,))
                if self.tables[group].currentIndex().row() < 0:
                    self.tables[group].selectRow(0)
        if first:  # open on the first group with something in it
            self.tabs.setCurrentIndex(next((n for n, g in enumerate(GROUPS) if counts.of(g)), 0))
        if counts.total:
            self.summary_label.setText(
                f"{counts.total:,} thing{'s' if counts.total != 1 else ''} await{'' if counts.total != 1 else 's'} "
                "your decision. Open a row to decide it where it is decided; your own requests are never listed."
            )
        else:
            self.summary_label.setText("Nothing awaits your decision.")

    # -- opening -----------------------------------------------------------------------------
    def open_selected(self, group: InboxGroup) -> None:
        index = self.tables[group].currentIndex()
        if index.isValid():
            self.open_row(group, index.row())

    def open_row(self, group: InboxGroup, row: int) -> None:
        item: InboxItem = self.models[group].index(row, 0).data(RowRole)
        if item is None:
            return
        if group is InboxGroup.DATA_SHARING:
            self.context.navigator.go("data_sharing", None)
            return
        assert item.starts_on is not None
        self.context.navigator.go(
            "activities",
            ActivityFilter(
                person_id=item.person_id,
                starts_from=item.starts_on,
                starts_before=item.starts_on + timedelta(days=1),
                sort="start",
            ),
        )

    def show_all(self, group: InboxGroup) -> None:
        self.context.navigator.go("activities", GROUP_FILTERS[group])

    def show_group(self, value: object) -> None:
        """The ``inbox`` route: bring My inbox forward on a group."""
        self.activate()
        if value in {g.value for g in GROUPS}:
            self.tabs.setCurrentIndex([g.value for g in GROUPS].index(str(value)))
