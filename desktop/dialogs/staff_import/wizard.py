"""File › Import staff…: choose the file (and sheet), map its columns, see what each row will do, import.

The steps are the shared import wizard's (``desktop.kit.import_wizard``); this adds what only a staff
list has: "this file is the whole staff list" and linking a row to the person it looks like at
another school (P1). The import checks the plan again in its own transaction (db.services.staff_import).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QPushButton, QWidget

from db.engine import Database
from db.import_files.table import FileShape
from db.progress import Progress
from db.queries import staff_import as queries
from db.services import staff_import as service
from db.staff_import.plan import ACTIONS, StaffPlan
from db.staff_import.reader import sheet_names
from desktop.dialogs.staff_import.mapping_form import MappingForm
from desktop.dialogs.staff_import.plan_table_model import OFFERED, StaffPlanTableModel
from desktop.kit.context import AppContext
from desktop.kit.import_wizard import COLUMNS_PAGE, FILE_PAGE, PREVIEW_PAGE, RECOGNISE, ImportWizard

__all__ = ["COLUMNS_PAGE", "FILE_PAGE", "PREVIEW_PAGE", "RECOGNISE", "StaffImportDialog"]


class StaffImportDialog(ImportWizard):
    prefix = "staff"
    noun = "the staff list"
    file_label = "Staff list (.csv, .xlsx)"
    intro = (
        "Adds and updates people and their jobs from a staff list: a CSV (UTF-8 or Windows-1252) or a sheet "
        "of an Excel workbook, as a school's MIS or the HR system exports it. Each row is matched to a job "
        "by school and staff code, else work e-mail. You will see what every row does before anything is saved."
    )
    model: StaffPlanTableModel
    plan: StaffPlan | None

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Import staff", MappingForm(), StaffPlanTableModel(), parent)
        self.status_label.setText("Choose the staff list your MIS or HR system exported.")
        self.model.links_changed.connect(self._links_changed)

    # -- the calls --------------------------------------------------------------------------------
    def mapping_names(self, db: Database) -> list[str]:
        return queries.mapping_names(db)

    def saved_mapping(self, db: Database, name: str) -> dict[str, str]:
        return queries.saved_mapping(db, name)

    def save_mapping(self, db: Database, user_id: int, name: str, mapping: Mapping[str, str]) -> int:
        return service.save_mapping(db, user_id, name, mapping)

    def sheet_names(self, path: Path) -> tuple[str, ...]:
        return sheet_names(path)

    def file_shape(self, path: Path, sheet: str | None) -> FileShape:
        return queries.staff_file_shape(path, sheet)

    def preview_call(self, path: Path, sheet: str | None, mapping: dict[str, str]) -> Callable[[], StaffPlan]:
        whole, db, user_id = self.whole_list_box.isChecked(), self.context.db, self.context.user.id
        return lambda: queries.preview_staff_import(db, user_id, path, mapping=mapping, sheet=sheet, whole_list=whole)

    def apply_call(self, plan: StaffPlan) -> Callable[[Progress], service.StaffImportResult]:
        linked, db, user_id = self.model.linked, self.context.db, self.context.user.id
        return lambda progress: service.apply_staff_import(db, user_id, plan, linked, progress)

    def can_apply(self, plan: StaffPlan) -> bool:
        return bool(plan.to_apply)

    def applied_text(self, result: service.StaffImportResult) -> str:
        return result.summary

    # -- the staff list's own controls ------------------------------------------------------------
    def add_file_rows(self, form: QFormLayout) -> None:
        self.whole_list_box = QCheckBox(
            "This file is the whole staff list of its schools: jobs there that it leaves out end today"
        )
        self.whole_list_box.setObjectName("staff_whole_list")
        form.addRow("", self.whole_list_box)

    def add_preview_controls(self, top: QHBoxLayout) -> None:
        self.link_all_button = QPushButton("Link all offered")
        self.link_all_button.setToolTip("Make each row offered for linking one person with the person it looks like")
        top.addWidget(self.link_all_button)
        self.link_all_button.clicked.connect(self._link_all)

    def _link_all(self) -> None:
        self.model.set_all_linked(True)

    def show_plan(self, plan: Any) -> str:
        self.model.set_entries(plan.entries)
        self.filter_box.blockSignals(True)
        self.filter_box.clear()
        self.filter_box.addItem(f"All rows ({len(plan.entries):,})", None)
        for action in ACTIONS:
            if plan.count(action):
                self.filter_box.addItem(f"{action.value} ({plan.count(action):,})", action.value)
        if plan.offers:
            self.filter_box.addItem(f"{OFFERED} ({len(plan.offers):,})", OFFERED)
        self.filter_box.setCurrentIndex(0)
        self.filter_box.blockSignals(False)
        self.model.set_filter(None)
        self.link_all_button.setVisible(bool(plan.offers))
        for column, width in enumerate((48, 96, 56, 190, 240)):
            self.table.setColumnWidth(column, width)
        return self._verdict(plan)

    def _verdict(self, plan: StaffPlan) -> str:
        todo = len(plan.to_apply)
        offers = len(plan.offers)
        linked = len(self.model.linked)
        link = f" {linked:,} of {offers:,} rows offered for linking are ticked." if offers else ""
        verdict = f"Press Import to save {todo:,} changes." if todo else "Nothing to change."
        return f"Will be {plan.summary}.{link} {verdict}"

    def _links_changed(self) -> None:
        if self.plan is not None and self.pages.currentIndex() == PREVIEW_PAGE and self.busy.isHidden():
            self.status_label.setText(self._verdict(self.plan))
