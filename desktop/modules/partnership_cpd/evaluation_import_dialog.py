"""Import evaluations — check, then done: the counts and every row with what it will do (X2).

Shown first for the preview (nothing changed yet; "Apply" records the adds and
corrections in one transaction) and again after the import.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from db.services.evaluation_import import EvaluationPlan
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.partnership_cpd.evaluation_plan_model import EvaluationPlanModel


class EvaluationImportDialog(QDialog):
    def __init__(self, plan: EvaluationPlan, *, preview: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle("Import evaluations — check" if preview else "Import evaluations — done")
        self.resize(920, 560)
        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{plan.file_name.replace('&', '&amp;').replace('<', '&lt;')}</b>")
        layout.addWidget(heading)
        said = plan.sentence() if preview else f"Done: {plan.sentence()}"
        if preview:
            said += " Nothing has been changed yet."
        self.summary_label = QLabel(said)
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)
        self.model = EvaluationPlanModel(self)
        self.model.set_rows(plan.rows)
        self.table = data_table(self.model)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        fit_columns(self.table, maximum=240)  # the reason, last, takes the rest of the width
        layout.addWidget(self.table, 1)
        if preview and plan.changes:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
            noun = "evaluation" if plan.changes == 1 else "evaluations"
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(f"Apply {plan.changes:,} {noun}")
        else:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
