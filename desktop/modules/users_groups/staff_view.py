"""Staff across the trust, one row per job (P1), with bring-up (P2) and visibility (P3).

Searching and paging happen in SQL: the view asks for the next page as it
scrolls.  Rows of people with more than one job are highlighted and say
where else the person works.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QComboBox, QDialog, QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout, QWidget

from db.errors import TrustDeskError
from db.models import Module
from db.queries.activities import ActivityFilter
from db.queries.lookups import Lookups, load_lookups
from db.queries.staff import StaffFilter, StaffPage, StaffRow, fetch_staff_page, first_staff_page
from db.services.jobs import bring_up_job
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.paged_loader import PagedLoader, SearchBox
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.users_groups.bring_up import BringUpDialog
from desktop.modules.users_groups.staff_actions import StaffActions
from desktop.modules.users_groups.staff_table_model import StaffTableModel
from desktop.modules.users_groups.staff_visibility import StaffVisibilityDialog


class StaffView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._can_bring_up = False
        self._fitted = False
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = SearchBox("Search name, email, role or organisation…")
        self.org_box = QComboBox()
        self.org_box.addItem("All organisations", None)
        self.count_label = QLabel("Loading…")
        self.bring_up_button = QPushButton("Bring up into partnership…")
        self.bring_up_button.setEnabled(False)
        self.bring_up_button.setToolTip("Create a partnership job for the selected school job (P2).")
        self.visibility_button = QPushButton("Staff visibility…")
        self.visibility_button.setToolTip("Hide an organisation's staff from users outside it (P3).")
        bar.addWidget(self.search, 2)
        bar.addWidget(self.org_box, 1)
        bar.addWidget(self.count_label)
        bar.addStretch()
        bar.addWidget(self.bring_up_button)
        bar.addWidget(self.visibility_button)
        layout.addLayout(bar)
        self.model = StaffTableModel(self)
        self.table = data_table(self.model, sortable=False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        layout.addWidget(self.table, 1)
        self.people = StaffActions(context, self.selected_row, self)
        layout.addLayout(self.people.bar)

        db, user_id = context.db, context.user.id
        self.loader = PagedLoader(
            context,
            self.model,
            lambda filt: first_staff_page(db, user_id, filt),
            lambda filt, offset: fetch_staff_page(db, user_id, filt, offset),
            self,
        )
        self.loader.loaded.connect(self._loaded)
        self.loader.failed.connect(lambda error: self.count_label.setText(error.message))
        self.search.search_changed.connect(lambda _text: self.load())
        self.org_box.currentIndexChanged.connect(lambda _i: self.load())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.bring_up_button.clicked.connect(self.bring_up_selected)
        self.visibility_button.clicked.connect(self.open_visibility)
        self.people.leavers.toggled.connect(lambda _on: self.load())

    # -- loading --------------------------------------------------------------
    def refresh(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: load_lookups(db, user_id, Module.STAFF), self._lookups_loaded)
        self.people.load()

    def _lookups_loaded(self, lookups: Lookups) -> None:
        current = self.org_box.currentData()
        self.org_box.blockSignals(True)
        self.org_box.clear()
        self.org_box.addItem("All organisations", None)
        for choice in lookups.organisations:
            self.org_box.addItem(choice.label, choice.id)
        self.org_box.setCurrentIndex(max(0, self.org_box.findData(current)))
        self.org_box.blockSignals(False)
        self.load()

    def load(self) -> None:
        self.count_label.setText("Loading…")
        self.loader.load(
            StaffFilter(
                search=self.search.text(),
                organisation_id=self.org_box.currentData(),
                include_ended=self.people.leavers.isChecked(),
            )
        )

    def _loaded(self, page: StaffPage) -> None:
        self._can_bring_up = page.can_bring_up
        self.count_label.setText(f"{page.total:,} jobs")
        if not self._fitted and page.rows:
            fit_columns(self.table)
            self._fitted = True
        self._selection_changed()

    # -- actions ---------------------------------------------------------------
    def selected_row(self) -> StaffRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def _selection_changed(self) -> None:
        row = self.selected_row()
        self.bring_up_button.setEnabled(
            self._can_bring_up and row is not None and not row.is_partnership_job and not row.brought_up and row.active
        )
        self.people.update_buttons()

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        menu = QMenu(self)
        bring_up = menu.addAction("Bring up into partnership…", self.bring_up_selected)
        bring_up.setEnabled(self.bring_up_button.isEnabled())
        menu.addAction(
            f"Show {row.name}'s activities",
            lambda: self.context.navigator.go("activities", ActivityFilter(person_id=row.person_id)),
        )
        menu.addAction(f"New CPD request for {row.name}…", lambda: self.context.navigator.go("new_request", row.job_id))
        menu.addAction("Staff visibility…", self.open_visibility)
        self.people.add_to_menu(menu, row)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def bring_up_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        dialog = BringUpDialog(row.name, row.organisation, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        db, user_id = self.context.db, self.context.user.id
        unique, scale = dialog.unique_id.text(), dialog.pay_scale.text()
        self.context.ops.action(
            lambda _progress: bring_up_job(db, user_id, row.job_id, unique_id=unique, pay_scale=scale),
            lambda _new_id: self._brought_up(row),
            lambda error: show_error(self, error),
            title=f"Bringing {row.name} up into the partnership",
        )

    def _brought_up(self, row: StaffRow) -> None:
        self.context.navigator.tell(f"{row.name} now has a partnership job (from {row.organisation}).")

    def open_visibility(self) -> None:
        dialog = StaffVisibilityDialog(self.context, self)
        dialog.exec()

    def show_error(self, error: TrustDeskError) -> None:
        show_error(self, error)
