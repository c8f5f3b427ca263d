"""What an imported workbook would do, or did: the counts and every row not applied, with why.

Shown twice for one import: first for the dry run (nothing changed yet; the
CPD lead reads the counts and presses "Apply …"), then for the real import.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from db.excel.import_decisions import ImportResult, Outcome
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.partnership_cpd.import_result_table_model import ImportResultTableModel


class ImportDecisionsDialog(QDialog):
    def __init__(self, result: ImportResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result = result  # type: ignore[method-assign, assignment]  # hides QDialog.result(), unused here
        preview = result.dry_run
        self.setWindowTitle("Import decisions — check" if preview else "Import decisions — done")
        self.resize(920, 560)
        layout = QVBoxLayout(self)
        exported = result.identity
        heading = QLabel(
            f"<b>{result.workbook}</b>, exported by {exported.get('exported_by', '?')} "
            f"at {exported.get('exported_at', '?').replace('T', ' ')}"
        )
        layout.addWidget(heading)
        for warning in result.warnings:
            note = QLabel(f"⚠ {warning}")
            note.setWordWrap(True)
            layout.addWidget(note)
        lines = result.summary_lines()
        if preview:
            lines = [line for line in lines if not line.startswith("Dry run")]
            lines.append("Nothing has been changed yet.")
        self.summary_label = QLabel("<br>".join(lines))
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        others = [row for row in result.rows if row.outcome is not Outcome.APPLIED]
        self.model = ImportResultTableModel(self)
        self.model.set_rows(others)
        self.table = data_table(self.model)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # spreadsheet order, as the reviewer sees it
        fit_columns(self.table)
        if others:
            layout.addWidget(QLabel("Rows not applied, and why:"))
            layout.addWidget(self.table, 1)
        else:
            self.table.hide()
            layout.addStretch(1)
        to_apply = result.count(Outcome.APPLIED)
        if preview and to_apply:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(f"Apply {to_apply:,} decisions")
        else:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
