"""File › Export budget workbook… and File › Import decisions…: the flows behind the module's menu entries.

Both run through ``context.ops.action`` (off the UI thread, with a progress
dialog after 0.6 s, cancellable).  An import is checked first as a dry run
and applied only when the CPD lead confirms; afterwards the changed
activities are published on the bus so that every panel refreshes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QWidget

from db.errors import TrustDeskError
from db.excel.export import ExportResult, export_workbook
from db.excel.import_decisions import ImportResult, Outcome, import_decisions
from db.queries.activities import ActivityFilter
from desktop.dialogs.errors import show_done, show_error
from desktop.kit.context import AppContext
from desktop.modules.partnership_cpd.export_dialog import LAST_FOLDER_KEY, ExportDialog
from desktop.modules.partnership_cpd.import_decisions_dialog import ImportDecisionsDialog


class WorkbookActions(QObject):
    def __init__(self, window: QWidget, context: AppContext, current_filter: Callable[[], ActivityFilter]) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.current_filter = current_filter

    # -- export ---------------------------------------------------------------------
    def export(self) -> None:
        dialog = ExportDialog(self.context, self.current_filter(), self.window)
        dialog.accepted.connect(lambda: self.start_export(dialog.filter, dialog.path))
        dialog.open()

    def start_export(self, filt: ActivityFilter, path: Path) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda progress: export_workbook(db, user_id, filt, path, progress=progress),
            self._exported,
            self._failed,
            title="Exporting the budget workbook…",
            cancellable=True,
            progress_dialog=True,
            parent=self.window,
        )

    def _exported(self, result: ExportResult) -> None:
        self.context.navigator.tell(f"Exported {result.activities:,} activities to {result.path}")
        text = f"Exported {result.activities:,} activities and {result.budget_lines:,} budget lines."
        show_done(self.window, "Budget workbook", text, str(result.path))

    # -- import ---------------------------------------------------------------------
    def choose_import(self) -> None:
        folder = str(self.context.settings.value(LAST_FOLDER_KEY, "") or Path.home())
        chosen, _ = QFileDialog.getOpenFileName(self.window, "Import decisions", folder, "Excel workbook (*.xlsx)")
        if chosen:
            self.check_import(Path(chosen))

    def check_import(self, path: Path) -> None:
        """Dry run first: show what would happen, apply only on confirmation."""
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda progress: import_decisions(db, user_id, path, dry_run=True, progress=progress),
            lambda result: self._checked(path, result),
            self._failed,
            title="Checking the workbook's decisions…",
            cancellable=True,
            progress_dialog=True,
            parent=self.window,
        )

    def _checked(self, path: Path, result: ImportResult) -> None:
        dialog = ImportDecisionsDialog(result, self.window)
        if result.count(Outcome.APPLIED):
            dialog.accepted.connect(lambda: self.apply_import(path))
        dialog.open()

    def apply_import(self, path: Path) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda progress: import_decisions(db, user_id, path, progress=progress),
            self._imported,
            self._failed,
            title="Applying the workbook's decisions…",
            cancellable=True,
            progress_dialog=True,
            parent=self.window,
        )

    def _imported(self, result: ImportResult) -> None:
        applied = result.count(Outcome.APPLIED)
        self.context.navigator.tell(f"Imported {applied:,} decisions from {result.workbook}")
        dialog = ImportDecisionsDialog(result, self.window)
        dialog.open()

    def _failed(self, error: TrustDeskError) -> None:
        show_error(self.window, error)
