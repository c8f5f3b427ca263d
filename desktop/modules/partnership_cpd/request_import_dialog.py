"""File › Import requests…: a spreadsheet of CPD requests (from another CPD system, or kept by a
school) — choose it, map its columns, see what each row will do (add, duplicate, invalid), import.

The steps are the shared import wizard's (``desktop.kit.import_wizard``); the import checks every
row again in its own transaction (``db.services.request_import``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtWidgets import QWidget

from db.engine import Database
from db.import_files.table import FileShape
from db.progress import Progress
from db.queries import request_import as queries
from db.request_import.fields import FIELDS, REQUIRED
from db.request_import.plan import ACTIONS, RequestPlan
from db.request_import.reading import sheet_names
from db.services import request_import as service
from desktop.kit.context import AppContext
from desktop.kit.import_wizard import ImportWizard
from desktop.kit.mapping_form import MappingForm
from desktop.modules.partnership_cpd.request_import_model import WARNED, RequestPlanTableModel

HINT = (
    "* required, with the school (URN or school name) and the individual's staff code or work e-mail to find "
    "their job. Without a type column a request's type is Other; without an end date it ends on its start date."
)


class RequestImportDialog(ImportWizard):
    prefix = "request"
    noun = "the file of CPD requests"
    file_label = "Requests (.csv, .xlsx)"
    intro = (
        "Adds CPD requests from a spreadsheet: a CSV (UTF-8 or Windows-1252) or a sheet of an Excel workbook, "
        "as another CPD system exports them or a school keeps them. Each row is matched to a job by school and "
        "staff code, else work e-mail, and checked as a request entered by hand; a line manager's or CPD team's "
        "answer in the file is recorded with it. A request TrustDesk already has (same person, title and start "
        "date) is skipped. You will see what every row does before anything is saved."
    )
    model: RequestPlanTableModel
    plan: RequestPlan | None

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        form = MappingForm(FIELDS, REQUIRED, HINT, "request_mapping_form")
        super().__init__(context, "Import requests", form, RequestPlanTableModel(), parent)

    def mapping_names(self, db: Database) -> list[str]:
        return queries.mapping_names(db)

    def saved_mapping(self, db: Database, name: str) -> dict[str, str]:
        return queries.saved_mapping(db, name)

    def save_mapping(self, db: Database, user_id: int, name: str, mapping: Mapping[str, str]) -> int:
        return service.save_request_mapping(db, user_id, name, mapping)

    def sheet_names(self, path: Path) -> tuple[str, ...]:
        return sheet_names(path)

    def file_shape(self, path: Path, sheet: str | None) -> FileShape:
        return queries.request_file_shape(path, sheet)

    def preview_call(self, path: Path, sheet: str | None, mapping: dict[str, str]) -> Callable[[], RequestPlan]:
        db, user_id = self.context.db, self.context.user.id
        return lambda: queries.preview_request_import(db, user_id, path, mapping=mapping, sheet=sheet)

    def apply_call(self, plan: RequestPlan) -> Callable[[Progress], service.RequestImportResult]:
        db, user_id = self.context.db, self.context.user.id
        return lambda progress: service.apply_request_import(db, user_id, plan, progress)

    def can_apply(self, plan: RequestPlan) -> bool:
        return bool(plan.to_add)

    def applied_text(self, result: service.RequestImportResult) -> str:
        return result.summary

    def show_plan(self, plan: RequestPlan) -> str:
        self.model.set_rows(plan.rows)
        self.filter_box.blockSignals(True)
        self.filter_box.clear()
        self.filter_box.addItem(f"All rows ({len(plan.rows):,})", None)
        for action in ACTIONS:
            if plan.count(action):
                self.filter_box.addItem(f"{action.value} ({plan.count(action):,})", action.value)
        if plan.warnings:
            self.filter_box.addItem(f"with a warning ({plan.warnings:,})", WARNED)
        self.filter_box.setCurrentIndex(0)
        self.filter_box.blockSignals(False)
        self.model.set_filter(None)
        for column, width in enumerate((70, 48, 150, 230, 230, 84)):
            self.table.setColumnWidth(column, width)
        todo = len(plan.to_add)
        verdict = f"Press Import to add {todo:,} requests." if todo else "Nothing to add."
        ignored = f" Columns not imported: {', '.join(plan.ignored)}." if plan.ignored else ""
        return f"{plan.file_name}: {plan.summary}.{ignored} {verdict}"
