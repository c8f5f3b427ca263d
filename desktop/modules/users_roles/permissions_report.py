"""File › Permissions report…: every grant of every user, filtered and sorted, and exported to Excel.

One list for BlueSky's "Admin and Report Permissions Report" (tick *report
permissions only*) and its "CPD Team Access Report" (choose the CPD module).
Filtering happens in SQL (``permissions_report`` with a ``ReportFilter``); the
export writes exactly the rows of the same filter.  The report is a report
permission of its own: the query refuses anyone without it, and the window
disables the menu item for them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from db.changes import DataChange
from db.errors import TrustDeskError
from db.labels import MODULE_LABELS
from db.models import REPORT_MODULES, Module
from db.progress import Progress
from db.queries.user_admin import GrantRow, ReportFilter, permissions_report
from db.queries.users import USERS
from desktop.dialogs.errors import show_done, show_error
from desktop.dialogs.save_as import ask_save_path
from desktop.kit.context import AppContext
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.users_roles.grant_table_model import ReportTableModel
from desktop.modules.users_roles.tables import grow_columns, keep_users_sort, query_order_until_asked


class PermissionsReportDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("permissions_report_dialog")
        self.setWindowTitle("Permissions report")
        self.resize(1340, 640)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.user_box = QComboBox()
        self.user_box.addItem("Every user", None)
        self.module_box = QComboBox()
        self.module_box.addItem("Every module", None)
        for module, label in MODULE_LABELS.items():
            self.module_box.addItem(label, module)
        self.reports_only = QCheckBox("&Report permissions only")
        self.reports_only.setToolTip("Exports, the audit log and this report: what only a primary user gives")
        user_label = QLabel("&User:")
        user_label.setBuddy(self.user_box)
        bar.addWidget(user_label)
        bar.addWidget(self.user_box, 2)
        module_label = QLabel("&Module:")
        module_label.setBuddy(self.module_box)
        bar.addWidget(module_label)
        bar.addWidget(self.module_box, 1)
        bar.addWidget(self.reports_only)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.model = ReportTableModel(self)
        self.table = data_table(self.model)
        query_order_until_asked(self.table)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        self.count_label = QLabel("Loading…")
        self.export_button = QPushButton("Export to &Excel…")
        self.export_button.setEnabled(False)
        close = QPushButton("Close")
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        self.export_button.clicked.connect(self.export)
        close.clicked.connect(self.close)
        self.user_box.currentIndexChanged.connect(self.refresh)
        self.module_box.currentIndexChanged.connect(self.refresh)
        self.reports_only.toggled.connect(self._reports_toggled)
        self._request = 0
        self._sized = False
        self._users_loaded = False
        context.bus.changed.connect(self._changed)
        self.refresh()

    def _changed(self, change: DataChange) -> None:
        """Grants given or taken while the report is open: show them."""
        if change.kind == USERS:
            self.refresh()

    @property
    def filter(self) -> ReportFilter:
        return ReportFilter(
            user_id=self.user_box.currentData(),
            module=self.module_box.currentData(),
            reports_only=self.reports_only.isChecked(),
        )

    def show_module(self, module: Module | None) -> None:
        """One module's grants, e.g. CPD for the "CPD Team Access Report"."""
        self.module_box.setCurrentIndex(self.module_box.findData(module))

    def _reports_toggled(self, on: bool) -> None:
        if on and self.module_box.currentData() not in (None, *REPORT_MODULES):
            self.module_box.setCurrentIndex(0)  # refreshes; a module that is not a report would list nothing
        else:
            self.refresh()

    def refresh(self) -> None:
        self._request += 1
        request, db, user_id, wanted = self._request, self.context.db, self.context.user.id, self.filter
        self.context.ops.query(
            lambda: permissions_report(db, user_id, wanted), lambda rows: self._loaded(request, rows), self._failed
        )

    def _loaded(self, request: int, rows: list[GrantRow]) -> None:
        if request != self._request:
            return  # an answer to a filter changed since
        if not self._users_loaded:  # the first answer is every grant: its users fill the user filter
            self._users_loaded = True
            self.user_box.blockSignals(True)
            for user_id, name, username in sorted({(r.user_id, r.user, r.username) for r in rows}, key=lambda u: u[1]):
                self.user_box.addItem(f"{name} ({username})", user_id)
            self.user_box.blockSignals(False)
        self.model.set_rows(rows)
        keep_users_sort(self.table)
        if rows:
            fit = grow_columns if self._sized else fit_columns  # once to fit, then only to grow
            fit(self.table, 200)
            self._sized = True
        people = len({r.user_id for r in rows})
        self.count_label.setText(
            f"{len(rows):,} grants held by {people:,} users" if rows else "No grant matches this filter."
        )
        self.export_button.setEnabled(bool(rows))

    def _failed(self, error: TrustDeskError) -> None:
        self.count_label.setText(error.message)
        self.export_button.setEnabled(False)

    # -- export -----------------------------------------------------------------
    def export(self) -> None:
        suggested = self.context.paths.data / f"permissions-report-{date.today():%Y-%m-%d}.xlsx"
        chosen = ask_save_path(self, "Export the permissions report", suggested)  # asks before replacing
        if chosen is not None:
            self.export_to(chosen)

    def export_to(self, path: Path) -> None:
        from db.excel.permissions_report import export_permissions_report

        db, user_id, wanted = self.context.db, self.context.user.id, self.filter

        def work(_progress: Progress) -> int:
            return export_permissions_report(db, user_id, path, wanted)

        def done(count: int) -> None:
            self.context.navigator.tell(f"Exported {count:,} grants to {path}")
            show_done(self, "Permissions report", f"Exported {count:,} grants to {path.name}.", str(path))

        self.context.ops.action(
            work, done, lambda error: show_error(self, error), title="Exporting the permissions report…", parent=self
        )


def open_permissions_report(context: AppContext, parent: QWidget | None) -> PermissionsReportDialog:
    dialog = PermissionsReportDialog(context, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
