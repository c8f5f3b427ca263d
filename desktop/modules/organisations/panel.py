"""Organisations: the index of the trust's organisations (O1), and the way into each one's page."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from db.changes import DataChange
from db.models import OrgStatus
from db.queries.organisations import (
    ORGANISATIONS,
    OrganisationFacets,
    OrganisationFilter,
    OrganisationRow,
    list_organisations,
    organisation_facets,
)
from desktop.kit.context import AppContext
from desktop.kit.module import ModuleSpec
from desktop.kit.panel import Panel
from desktop.kit.row_table_model import RowRole
from desktop.kit.sharing_banner import SharingBanner
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.organisations.organisation_actions import OrganisationActions
from desktop.modules.organisations.organisation_table_model import GRADE_LABELS, OrganisationTableModel

ALL_STATUSES = "all"


class OrganisationsPanel(Panel):
    def __init__(self, module: ModuleSpec, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(module, context, parent)
        self._pages: dict[int, QWidget] = {}

    def create_widget(self) -> QWidget:
        root = QWidget()
        layout = QVBoxLayout(root)
        self.sharing_banner = SharingBanner(self.context)  # D6: which schools keep their staff from the trust
        layout.addWidget(self.sharing_banner)
        bar = QHBoxLayout()
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search by name, URN or leader…")
        self.search_box.setClearButtonEnabled(True)
        self.phase_box = QComboBox()
        self.cluster_box = QComboBox()
        self.status_box = QComboBox()
        self.grade_box = QComboBox()
        self.status_box.addItem("Open (closed and proposed hidden)", None)
        self.status_box.addItem("Every status", ALL_STATUSES)
        for status in (OrgStatus.PROPOSED, OrgStatus.CLOSED):
            self.status_box.addItem(f"Only {status.value}", status)
        self.grade_box.addItem("Any inspection grade", None)
        for grade, label in GRADE_LABELS.items():
            self.grade_box.addItem(label, grade)
        self.grade_box.addItem("Not inspected", 0)
        bar.addWidget(self.search_box, 2)
        for box in (self.phase_box, self.cluster_box, self.status_box, self.grade_box):
            bar.addWidget(box, 1)
        layout.addLayout(bar)
        self.model = OrganisationTableModel(self)
        self.table = data_table(self.model)
        self.table.setToolTip("Double-click an organisation (or press Enter) to open its page")
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        self.org_actions = OrganisationActions(self.context, self.table, self)
        foot = QHBoxLayout()
        foot.addWidget(self.count_label, 1)
        foot.addLayout(self.org_actions.bar)
        layout.addLayout(foot)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        self.search_box.textChanged.connect(self._timer.start)
        for box in (self.phase_box, self.cluster_box, self.status_box, self.grade_box):
            box.currentIndexChanged.connect(self.refresh)
        self.table.activated.connect(self._row_activated)
        self._sized = False
        self._facets_loaded = False
        self._sorted_by_user = False
        self._request = 0
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # SQL order until asked
        self.table.horizontalHeader().sortIndicatorChanged.connect(lambda *_: setattr(self, "_sorted_by_user", True))
        return root

    def show_every_status(self, every: bool = True) -> None:
        self.status_box.setCurrentIndex(self.status_box.findData(ALL_STATUSES) if every else 0)

    @property
    def filter(self) -> OrganisationFilter:
        status = self.status_box.currentData()
        return OrganisationFilter(
            search=self.search_box.text(),
            include_closed=status == ALL_STATUSES,
            phase=self.phase_box.currentData(),
            cluster=self.cluster_box.currentData(),
            status=status if isinstance(status, OrgStatus) else None,
            grade=self.grade_box.currentData(),
        )

    def refresh(self) -> None:
        db, user_id, filt = self.context.db, self.context.user.id, self.filter
        self.sharing_banner.reload()
        if not self._facets_loaded:
            self.context.ops.query(lambda: organisation_facets(db, user_id), self._facets_ready)
        self.org_actions.load()
        self._request += 1
        request = self._request
        self.context.ops.query(lambda: list_organisations(db, user_id, filt), lambda rows: self._loaded(request, rows))

    def _facets_ready(self, facets: OrganisationFacets) -> None:
        self._facets_loaded = True
        for box, everything, values in (
            (self.phase_box, "Any phase", facets.phases),
            (self.cluster_box, "Any cluster", facets.clusters),
        ):
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(everything, None)
            for value in values:
                box.addItem(value, value)
            box.setCurrentIndex(max(0, box.findData(chosen)))
            box.blockSignals(False)

    def refresh_for(self, change: DataChange) -> None:
        if change.kind == ORGANISATIONS:
            self._facets_loaded = False  # a cluster or phase may have been added or renamed
        self.refresh()

    def _loaded(self, request: int, rows: list[OrganisationRow]) -> None:
        if request != self._request:
            return  # an answer to a filter the user has since changed
        self.model.set_rows(rows)
        if self._sorted_by_user:  # keep the user's column order across reloads
            header = self.table.horizontalHeader()
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        if not self._sized and rows:
            fit_columns(self.table)
            self._sized = True
        self.count_label.setText(
            f"{len(rows):,} organisations · double-click one to open its page" if rows else "No organisations match."
        )

    def _row_activated(self, index: QModelIndex) -> None:
        row = index.data(RowRole)
        if isinstance(row, OrganisationRow):
            self.open_page(row.id)

    def import_from_gias(self) -> None:
        """File › Import from GIAS… (the module's menu entry): preview, then apply."""
        from desktop.modules.organisations.gias_import_dialog import GiasImportDialog

        dialog = GiasImportDialog(self.context, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def open_page(self, organisation_id: int) -> None:
        """Show the organisation's page, raising it if it is already open."""
        from desktop.modules.organisations.organisation_dialog import OrganisationDialog

        page = self._pages.get(organisation_id)
        if page is None:
            page = OrganisationDialog(self.context, organisation_id, self.window())
            page.destroyed.connect(lambda _obj=None, key=organisation_id: self._pages.pop(key, None))
            self._pages[organisation_id] = page
        page.show()
        page.raise_()
        page.activateWindow()

    @property
    def open_pages(self) -> dict[int, QWidget]:
        return dict(self._pages)
