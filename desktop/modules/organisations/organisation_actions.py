"""The organisations panel's own actions (O1): add, edit and close an organisation, rename a cluster.

Buttons under the table and the same entries in the row's menu, offered only
to someone who decides about the trust's organisations (the services check
again).  Closing asks first: a closed organisation keeps its history and
reports but is no longer offered when adding staff or flood filling.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtWidgets import QHBoxLayout, QMenu, QMessageBox, QPushButton, QTableView, QWidget

from db.errors import TrustDeskError
from db.models import OrgKind, OrgStatus
from db.queries.organisation_records import (
    OrganisationChoices,
    OrganisationRecord,
    organisation_choices,
    organisation_record,
)
from db.queries.organisations import OrganisationRow
from db.services.organisation_records import close_organisation
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.record_form import RecordForm
from desktop.kit.row_table_model import RowRole
from desktop.modules.organisations.cluster_dialog import ClusterDialog
from desktop.modules.organisations.organisation_editor import OrganisationEditor


class OrganisationActions(QObject):
    def __init__(self, context: AppContext, table: QTableView, parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.table = table
        self.window = parent
        self.choices = OrganisationChoices(False, (), ())
        self.add_button = QPushButton("Add organisation…")
        self.add_button.setToolTip("A central team, a SCITT or a school GIAS does not list yet (O1).")
        self.edit_button = QPushButton("Edit…")
        self.close_button = QPushButton("Close…")
        self.close_button.setToolTip("Mark it closed: it stays in history and reports, no longer in pickers.")
        self.clusters_button = QPushButton("Rename cluster…")
        self.bar = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.close_button, self.clusters_button):
            button.setEnabled(False)
            self.bar.addWidget(button)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(lambda: self.edit(self.selected()))
        self.close_button.clicked.connect(lambda: self.close(self.selected()))
        self.clusters_button.clicked.connect(lambda: self.rename_cluster(self.selected()))
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self.menu)
        table.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())

    def load(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: organisation_choices(db, user_id), self._loaded)

    def _loaded(self, choices: OrganisationChoices) -> None:
        self.choices = choices
        self.update_buttons()

    def selected(self) -> OrganisationRow | None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].data(RowRole) if rows else None
        return row if isinstance(row, OrganisationRow) else None

    @staticmethod
    def _member(row: OrganisationRow | None) -> bool:
        return row is not None and row.kind != OrgKind.TRUST

    def update_buttons(self) -> None:
        may, row = self.choices.may_manage, self.selected()
        self.add_button.setEnabled(may)
        self.edit_button.setEnabled(may and self._member(row))
        self.close_button.setEnabled(may and self._member(row) and row is not None and row.status != OrgStatus.CLOSED)
        self.clusters_button.setEnabled(may and bool(self.choices.clusters))
        if not may:
            tip = "Only someone who decides about the trust's organisations may change them."
            for button in (self.add_button, self.edit_button, self.close_button, self.clusters_button):
                button.setToolTip(tip)

    def menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        row = index.data(RowRole)
        if not isinstance(row, OrganisationRow):
            return
        menu = QMenu(self.table)
        for text, slot, enabled in (
            ("Edit…", lambda: self.edit(row), self.edit_button.isEnabled()),
            ("Close…", lambda: self.close(row), self.close_button.isEnabled()),
            (
                "Rename its cluster…",
                lambda: self.rename_cluster(row),
                self.clusters_button.isEnabled() and bool(row.cluster),
            ),
        ):
            action = menu.addAction(text, slot)
            action.setEnabled(enabled)
        menu.addSeparator()
        menu.addAction("Add organisation…", self.add).setEnabled(self.add_button.isEnabled())
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # -- the actions ----------------------------------------------------------------------------------------
    def add(self) -> OrganisationEditor:
        editor = OrganisationEditor(self.context, self.choices, None, self.window)
        name = editor.name_edit
        editor.saved.connect(lambda _id: self.context.navigator.tell(f"{' '.join(name.text().split())} was added."))
        self._show(editor)
        return editor

    def edit(self, row: OrganisationRow | None) -> None:
        if row is None:
            return
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(
            lambda: organisation_record(db, user_id, row.id),
            self._edit_loaded,
            lambda error: show_error(self.window, error),
        )

    def _edit_loaded(self, record: OrganisationRecord) -> None:
        editor = OrganisationEditor(self.context, self.choices, record, self.window)
        editor.saved.connect(lambda _version: self.context.navigator.tell(f"{record.name}: saved."))
        self._show(editor)

    def close(self, row: OrganisationRow | None) -> None:
        if row is None:
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Close an organisation",
            f"Close {row.name}?",
            QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setInformativeText(
            "Its staff, activities and budgets stay in history and reports; it is no longer offered when "
            "adding staff or flood filling. Choosing Open in its editor reopens it."
        )
        confirm = box.addButton("Close organisation", QMessageBox.ButtonRole.AcceptRole)
        box.setObjectName("close_organisation")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda button: self._close_confirmed(row) if button is confirm else None)
        box.open()

    def _close_confirmed(self, row: OrganisationRow) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _progress: close_organisation(db, user_id, row.id, row.version),
            lambda _version: self.context.navigator.tell(f"{row.name} is closed."),
            lambda error: self._failed(error),
            title=f"Closing {row.name}",
            origin=self.window,
        )

    def rename_cluster(self, row: OrganisationRow | None) -> ClusterDialog:
        dialog = ClusterDialog(self.context, self.choices.clusters, row.cluster if row else None, self.window)
        dialog.saved.connect(lambda count: self.context.navigator.tell(f"Cluster renamed on {count} organisations."))
        self._show(dialog)
        return dialog

    @staticmethod
    def _show(dialog: RecordForm) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _failed(self, error: TrustDeskError) -> None:
        show_error(self.window, error)
