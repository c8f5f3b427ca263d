"""File › Import staff…: choose the file (and sheet), map its columns, see what each row will do, import.

Every step that reads the file or the database runs through the operations helper, so the window
never waits: reading and planning 30,000 rows is a background query with a busy bar, the import a
background action with a progress dialog. Nothing is written until the user presses Import, and
the import then checks the plan again in its own transaction (db.services.staff_import).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.queries.staff_import import (
    StaffFileShape,
    mapping_names,
    preview_staff_import,
    saved_mapping,
    staff_file_shape,
)
from db.services.staff_import import StaffImportResult, apply_staff_import, save_mapping
from db.staff_import.plan import ACTIONS, StaffPlan
from db.staff_import.reader import sheet_names
from desktop.dialogs.errors import show_error
from desktop.dialogs.staff_import.mapping_form import MappingForm
from desktop.dialogs.staff_import.plan_table_model import OFFERED, StaffPlanTableModel
from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.widgets import data_table

FILE_PAGE, COLUMNS_PAGE, PREVIEW_PAGE = range(3)
RECOGNISE = "Recognise the columns"


class StaffImportDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.shape: StaffFileShape | None = None
        self.plan: StaffPlan | None = None
        self.outcome: StaffImportResult | None = None
        self.setObjectName("staff_import_dialog")
        self.setWindowTitle("Import staff")
        self.resize(1000, 620)
        layout = QVBoxLayout(self)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._columns_page())
        self.pages.addWidget(self._preview_page())
        layout.addWidget(self.pages, 1)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(8)
        self.busy.setTextVisible(False)
        self.busy.hide()
        layout.addWidget(self.busy)
        self.status_label = QLabel("Choose the staff list your MIS or HR system exported.")
        self.status_label.setObjectName("staff_import_status")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("‹ Back")
        self.next_button = QPushButton("Next ›")
        self.next_button.setDefault(True)
        self.import_button = QPushButton(icon("import"), "Import")
        self.close_button = QPushButton("Close")
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        for button in (self.next_button, self.import_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.import_button.clicked.connect(self.apply)
        self.close_button.clicked.connect(self.reject)
        self._show_page(FILE_PAGE)
        db = context.db
        context.ops.query(lambda: mapping_names(db), self._names_loaded)

    # -- pages ------------------------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(
            "Adds and updates people and their jobs from a staff list: a CSV (UTF-8 or Windows-1252) or a sheet "
            "of an Excel workbook, as a school's MIS or the HR system exports it. Each row is matched to a job "
            "by school and staff code, else work e-mail. You will see what every row does before anything is saved."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("staff_file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow("Staff list (.csv, .xlsx)", row)
        self.sheet_box = QComboBox()
        self.sheet_box.setObjectName("staff_sheet")
        self.sheet_box.setEnabled(False)
        form.addRow("Sheet", self.sheet_box)
        self.mapping_box = QComboBox()
        self.mapping_box.setObjectName("staff_saved_mapping")
        self.mapping_box.addItem(RECOGNISE, None)
        form.addRow("Columns", self.mapping_box)
        self.whole_list_box = QCheckBox(
            "This file is the whole staff list of its schools: jobs there that it leaves out end today"
        )
        self.whole_list_box.setObjectName("staff_whole_list")
        form.addRow("", self.whole_list_box)
        layout.addLayout(form)
        layout.addStretch(1)
        self.path_edit.editingFinished.connect(self._path_chosen)
        return page

    def _columns_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.columns_intro = QLabel()
        self.columns_intro.setWordWrap(True)
        layout.addWidget(self.columns_intro)
        self.mapping_form = MappingForm()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.mapping_form)
        layout.addWidget(scroll, 1)
        save_row = QHBoxLayout()
        self.mapping_name = QLineEdit()
        self.mapping_name.setObjectName("staff_mapping_name")
        self.mapping_name.setPlaceholderText("a name for this layout, e.g. “Arbor staff export”")
        self.save_mapping_button = QPushButton("Save mapping")
        self.save_mapping_button.clicked.connect(self._save_mapping)
        save_row.addWidget(QLabel("Save these columns as"))
        save_row.addWidget(self.mapping_name, 1)
        save_row.addWidget(self.save_mapping_button)
        layout.addLayout(save_row)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        self.filter_box = QComboBox()
        self.filter_box.setObjectName("staff_preview_filter")
        top.addWidget(QLabel("Show"))
        top.addWidget(self.filter_box)
        top.addStretch(1)
        self.link_all_button = QPushButton("Link all offered")
        self.link_all_button.setToolTip("Make each row offered for linking one person with the person it looks like")
        top.addWidget(self.link_all_button)
        layout.addLayout(top)
        self.model = StaffPlanTableModel(self)
        self.table = data_table(self.model, sortable=False)
        self.table.setObjectName("staff_preview_table")
        layout.addWidget(self.table, 1)
        self.filter_box.currentIndexChanged.connect(lambda _i: self.model.set_filter(self.filter_box.currentData()))
        self.link_all_button.clicked.connect(lambda: self.model.set_all_linked(True))
        self.model.links_changed.connect(self._links_changed)
        return page

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.back_button.setEnabled(page != FILE_PAGE)
        self.next_button.setVisible(page != PREVIEW_PAGE)
        self.next_button.setEnabled(True)
        self.next_button.setText("Preview ›" if page == COLUMNS_PAGE else "Next ›")
        self.import_button.setVisible(page == PREVIEW_PAGE)
        self.import_button.setEnabled(page == PREVIEW_PAGE and self.plan is not None and bool(self.plan.to_apply))

    def _working(self, text: str) -> None:
        self.busy.show()
        self.status_label.setText(text)
        for button in (self.back_button, self.next_button, self.import_button):
            button.setEnabled(False)

    def _done(self, text: str) -> None:
        self.busy.hide()
        self.status_label.setText(text)
        self._show_page(self.pages.currentIndex())

    # -- step 1: the file -------------------------------------------------------------------------
    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the staff list", self.path_edit.text(), "Staff lists (*.csv *.xlsx);;All files (*)"
        )
        if path:
            self.path_edit.setText(path)
            self._path_chosen()

    def _names_loaded(self, names: list[str]) -> None:
        for name in names:
            self.mapping_box.addItem(name, name)

    def _path_chosen(self) -> None:
        """A workbook offers its sheets; a CSV has none."""
        path = self.path_edit.text().strip()
        self.sheet_box.clear()
        self.sheet_box.setEnabled(False)
        if not path.lower().endswith((".xlsx", ".xlsm")):
            return
        self.context.ops.query(lambda: sheet_names(Path(path)), self._sheets_loaded, self._failed)

    def _sheets_loaded(self, names: tuple[str, ...]) -> None:
        self.sheet_box.clear()
        self.sheet_box.addItems(list(names))
        self.sheet_box.setEnabled(len(names) > 1)

    def next(self) -> None:
        if self.pages.currentIndex() == FILE_PAGE:
            self._read_file()
        else:
            self.preview()

    def back(self) -> None:
        self._show_page(max(FILE_PAGE, self.pages.currentIndex() - 1))

    def _read_file(self) -> None:
        path = self.path_edit.text().strip()
        if not path:
            self.status_label.setText("Choose the staff list first.")
            return
        sheet = self.sheet_box.currentText() or None
        saved = self.mapping_box.currentData()
        db = self.context.db
        self._working(f"Reading {Path(path).name}…")
        self.context.ops.query(
            lambda: (staff_file_shape(Path(path), sheet), saved_mapping(db, saved) if saved else None),
            self._file_read,
            self._failed,
        )

    def _file_read(self, found: tuple[StaffFileShape, dict[str, str] | None]) -> None:
        shape, saved = found
        self.shape = shape
        mapping = saved if saved is not None else dict(shape.recognised)
        self.mapping_form.set_columns(shape.headers, mapping)
        source = f"the saved mapping “{self.mapping_box.currentText()}”" if saved is not None else "their names"
        left = self.mapping_form.unmapped(shape.headers)
        self.columns_intro.setText(
            f"{shape.name} ({shape.read_as}) has {shape.rows:,} rows and {len(shape.headers)} columns. "
            f"{len(mapping)} fields were matched to columns by {source}; check them, map any others, "
            "or leave a field out." + (f" Not imported: {', '.join(left)}." if left else "")
        )
        self._show_page(COLUMNS_PAGE)
        self._done("Check the columns, then press Preview.")

    # -- step 2: the columns ----------------------------------------------------------------------
    def _save_mapping(self) -> None:
        name, mapping = self.mapping_name.text(), self.mapping_form.mapping()
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _progress: save_mapping(db, user_id, name, mapping),
            lambda _id: self._mapping_saved(name.strip()),
            self._failed,
            title="Saving the mapping…",
        )

    def _mapping_saved(self, name: str) -> None:
        if self.mapping_box.findData(name) < 0:
            self.mapping_box.addItem(name, name)
        self.status_label.setText(f"Saved the mapping “{name}” for the next file of this layout.")

    def preview(self) -> None:
        if self.shape is None:
            return
        path = Path(self.path_edit.text().strip())
        sheet = self.sheet_box.currentText() or None
        mapping, whole = self.mapping_form.mapping(), self.whole_list_box.isChecked()
        db, user_id = self.context.db, self.context.user.id
        self._working(f"Reading {path.name} and matching {self.shape.rows:,} rows with TrustDesk…")
        self.context.ops.query(
            lambda: preview_staff_import(db, user_id, path, mapping=mapping, sheet=sheet, whole_list=whole),
            self._previewed,
            self._failed,
        )

    # -- step 3: the preview ----------------------------------------------------------------------
    def _previewed(self, plan: StaffPlan) -> None:
        self.plan = plan
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
        self._show_page(PREVIEW_PAGE)
        self._done(self._verdict(plan))

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

    def apply(self) -> None:
        plan = self.plan
        if plan is None:
            return
        linked = self.model.linked
        db, user_id = self.context.db, self.context.user.id
        self._working("Importing…")
        self.context.ops.action(
            lambda progress: apply_staff_import(db, user_id, plan, linked, progress),
            self._applied,
            self._apply_failed,
            title="Importing staff…",
            progress_dialog=True,
            parent=self,
        )

    def _applied(self, result: StaffImportResult) -> None:
        self.outcome = result
        self.plan = None
        self._done(f"Imported: {result.summary}.")
        self.context.navigator.tell(f"Staff import: {result.summary}.")

    def _apply_failed(self, error: TrustDeskError) -> None:
        self._done(f"Nothing was imported. {error.message}")
        show_error(self, error)

    def _failed(self, error: TrustDeskError) -> None:
        self._done(error.message)
