"""The steps every spreadsheet import takes in the window (X2): choose the file (and sheet), map its
columns (recognised, or a saved mapping), see what each row will do, then import.

Every step that reads the file or the database runs through the operations helper, so the window never
waits: reading and planning tens of thousands of rows is a background query with a busy bar, the import a
background action with a progress dialog. Nothing is written until the user presses Import, and the
import then checks the plan again in its own transaction. Each import (staff, CPD requests) subclasses
this with its own calls, its own table model and anything it adds to a page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import (
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

from db.engine import Database
from db.errors import TrustDeskError
from db.progress import Progress
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.mapping_form import MappingForm
from desktop.kit.widgets import data_table

FILE_PAGE, COLUMNS_PAGE, PREVIEW_PAGE = range(3)
RECOGNISE = "Recognise the columns"


class ImportWizard(QDialog):
    """Subclasses give the words and the calls; each call runs in the background."""

    #: object names start with this ("staff" → "staff_file", "staff_preview_table")
    prefix = "import"
    #: "the staff list", as the steps name the file
    noun = "the file"
    intro = ""
    file_label = "File (.csv, .xlsx)"

    def __init__(
        self,
        context: AppContext,
        title: str,
        mapping_form: MappingForm,
        model: QAbstractItemModel,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.shape: Any = None
        self.plan: Any = None
        self.outcome: Any = None
        self.mapping_form = mapping_form
        self.model = model
        self.model.setParent(self)
        self.setObjectName(f"{self.prefix}_import_dialog")
        self.setWindowTitle(title)
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
        self.status_label = QLabel(f"Choose {self.noun}.")
        self.status_label.setObjectName(f"{self.prefix}_import_status")
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
        context.ops.query(lambda: self.mapping_names(db), self._names_loaded)

    # -- what each import gives (called in the background, except where said) --------------------
    def mapping_names(self, db: Database) -> list[str]:
        raise NotImplementedError

    def saved_mapping(self, db: Database, name: str) -> dict[str, str]:
        raise NotImplementedError

    def save_mapping(self, db: Database, user_id: int, name: str, mapping: Mapping[str, str]) -> int:
        raise NotImplementedError

    def sheet_names(self, path: Path) -> tuple[str, ...]:
        raise NotImplementedError

    def file_shape(self, path: Path, sheet: str | None) -> Any:
        """What the columns step shows: name, headers, recognised, rows, read_as."""
        raise NotImplementedError

    def preview_call(self, path: Path, sheet: str | None, mapping: dict[str, str]) -> Callable[[], Any]:
        """On the UI thread: the background call that plans the import (options read from the widgets now)."""
        raise NotImplementedError

    def apply_call(self, plan: Any) -> Callable[[Progress], Any]:
        """On the UI thread: the background action that applies ``plan``."""
        raise NotImplementedError

    def show_plan(self, plan: Any) -> str:
        """On the UI thread: fill the preview from ``plan`` and return the sentence under it."""
        raise NotImplementedError

    def can_apply(self, plan: Any) -> bool:
        raise NotImplementedError

    def applied_text(self, result: Any) -> str:
        raise NotImplementedError

    def add_file_rows(self, form: QFormLayout) -> None:
        """Options of the file step beyond the file, sheet and mapping."""

    def add_preview_controls(self, top: QHBoxLayout) -> None:
        """Buttons of the preview step beside the filter."""

    # -- pages ------------------------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(self.intro)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName(f"{self.prefix}_file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow(self.file_label, row)
        self.sheet_box = QComboBox()
        self.sheet_box.setObjectName(f"{self.prefix}_sheet")
        self.sheet_box.setEnabled(False)
        form.addRow("Sheet", self.sheet_box)
        self.mapping_box = QComboBox()
        self.mapping_box.setObjectName(f"{self.prefix}_saved_mapping")
        self.mapping_box.addItem(RECOGNISE, None)
        form.addRow("Columns", self.mapping_box)
        self.add_file_rows(form)
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
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.mapping_form)
        layout.addWidget(scroll, 1)
        save_row = QHBoxLayout()
        self.mapping_name = QLineEdit()
        self.mapping_name.setObjectName(f"{self.prefix}_mapping_name")
        self.mapping_name.setPlaceholderText("a name for this layout, e.g. “Arbor export”")
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
        self.filter_box.setObjectName(f"{self.prefix}_preview_filter")
        top.addWidget(QLabel("Show"))
        top.addWidget(self.filter_box)
        top.addStretch(1)
        self.add_preview_controls(top)
        layout.addLayout(top)
        self.table = data_table(self.model, sortable=False)
        self.table.setObjectName(f"{self.prefix}_preview_table")
        layout.addWidget(self.table, 1)
        self.filter_box.currentIndexChanged.connect(self._filter_chosen)
        return page

    def _filter_chosen(self, _index: int) -> None:
        self.model.set_filter(self.filter_box.currentData())  # type: ignore[attr-defined]

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.back_button.setEnabled(page != FILE_PAGE)
        self.next_button.setVisible(page != PREVIEW_PAGE)
        self.next_button.setEnabled(True)
        self.next_button.setText("Preview ›" if page == COLUMNS_PAGE else "Next ›")
        self.import_button.setVisible(page == PREVIEW_PAGE)
        self.import_button.setEnabled(page == PREVIEW_PAGE and self.plan is not None and self.can_apply(self.plan))

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
            self, f"Choose {self.noun}", self.path_edit.text(), "Spreadsheets (*.csv *.xlsx);;All files (*)"
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
        self.context.ops.query(lambda: self.sheet_names(Path(path)), self._sheets_loaded, self._failed)

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
            self.status_label.setText(f"Choose {self.noun} first.")
            return
        sheet = self.sheet_box.currentText() or None
        saved = self.mapping_box.currentData()
        db = self.context.db
        self._working(f"Reading {Path(path).name}…")
        self.context.ops.query(
            lambda: (self.file_shape(Path(path), sheet), self.saved_mapping(db, saved) if saved else None),
            self._file_read,
            self._failed,
        )

    def _file_read(self, found: tuple[Any, dict[str, str] | None]) -> None:
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
            lambda _progress: self.save_mapping(db, user_id, name, mapping),
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
        call = self.preview_call(path, sheet, self.mapping_form.mapping())
        self._working(f"Reading {path.name} and matching {self.shape.rows:,} rows with TrustDesk…")
        self.context.ops.query(call, self._previewed, self._failed)

    # -- step 3: the preview ----------------------------------------------------------------------
    def _previewed(self, plan: Any) -> None:
        self.plan = plan
        verdict = self.show_plan(plan)
        self._show_page(PREVIEW_PAGE)
        self._done(verdict)

    def apply(self) -> None:
        plan = self.plan
        if plan is None:
            return
        call = self.apply_call(plan)
        self._working("Importing…")
        self.context.ops.action(
            call,
            self._applied,
            self._apply_failed,
            title=f"{self.windowTitle()}…",
            progress_dialog=True,
            parent=self,
        )

    def _applied(self, result: Any) -> None:
        self.outcome = result
        self.plan = None
        text = self.applied_text(result)
        self._done(f"Imported: {text}.")
        self.context.navigator.tell(f"{self.windowTitle()}: {text}.")

    def _apply_failed(self, error: TrustDeskError) -> None:
        self._done(f"Nothing was imported. {error.message}")
        show_error(self, error)

    def _failed(self, error: TrustDeskError) -> None:
        self._done(error.message)
