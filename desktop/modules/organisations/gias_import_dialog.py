"""File › Import from GIAS…: choose the files, preview every change, then apply (O2).

Nothing is written until the user has seen the preview and pressed Import;
the import then runs as one background action and the Organisations index
(and anything else watching organisations) refreshes itself.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.gias.plan import ImportPlan
from db.queries.gias_import import preview_gias_import, trust_uids
from db.services.gias_import import GiasImportResult, apply_gias_import
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.organisations.gias_plan_table_model import GiasPlanTableModel


class GiasImportDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.plan: ImportPlan | None = None
        self.result: GiasImportResult | None = None  # type: ignore[assignment]  # hides QDialog.result(), unused here
        self.setObjectName("gias_import_dialog")
        self.setWindowTitle("Import from GIAS")
        self.resize(900, 560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Creates or updates your trust's establishments from a GIAS establishment extract (CSV as downloaded "
            "from Get Information About Schools), matched by URN. Inspection grades can come from a second CSV "
            "with URN, grade and inspection date. You will see every change before anything is saved."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.extract_edit, extract_row = self._file_row("Choose the GIAS extract")
        self.grades_edit, grades_row = self._file_row("Choose the inspection grades file (optional)")
        self.grades_edit.setPlaceholderText("optional")
        self.trust_box = QComboBox()
        self.trust_box.setEditable(True)
        form.addRow("GIAS extract (.csv)", extract_row)
        form.addRow("Inspection grades (.csv)", grades_row)
        form.addRow("Trust UID", self.trust_box)
        layout.addLayout(form)

        self.preview_button = QPushButton(icon("search"), "Preview changes")
        self.preview_button.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(self.preview_button)
        row.addStretch(1)
        layout.addLayout(row)

        self.model = GiasPlanTableModel(self)
        self.table = data_table(self.model)
        layout.addWidget(self.table, 1)
        self.status_label = QLabel("Choose a file and press Preview changes.")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = QPushButton(icon("import"), "Import")
        self.import_button.setEnabled(False)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.preview_button.clicked.connect(self.preview)
        self.import_button.clicked.connect(self.apply)
        for edit in (self.extract_edit, self.grades_edit):
            edit.textChanged.connect(self._inputs_changed)
        self.trust_box.currentTextChanged.connect(self._inputs_changed)
        db = context.db
        context.ops.query(lambda: trust_uids(db), self._trusts_loaded)

    def _file_row(self, caption: str) -> tuple[QLineEdit, QWidget]:
        edit = QLineEdit()
        browse = QPushButton("Browse…")
        row = QWidget()
        box = QHBoxLayout(row)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(edit, 1)
        box.addWidget(browse)

        def choose() -> None:
            path, _ = QFileDialog.getOpenFileName(self, caption, edit.text(), "CSV files (*.csv);;All files (*)")
            if path:
                edit.setText(path)

        browse.clicked.connect(choose)
        return edit, row

    def _trusts_loaded(self, trusts: list[tuple[str, str]]) -> None:
        for uid, name in trusts:
            self.trust_box.addItem(uid, uid)
            self.trust_box.setItemData(self.trust_box.count() - 1, name)
        if trusts:
            self.trust_box.setToolTip(trusts[0][1])

    def _inputs_changed(self) -> None:
        """A preview belongs to the files it was made from: changing them withdraws it."""
        if self.plan is not None:
            self.plan = None
            self.model.set_rows([])
            self.status_label.setText("The files changed: preview again.")
        self.import_button.setEnabled(False)

    # -- preview and apply -------------------------------------------------------
    def preview(self) -> None:
        extract = self.extract_edit.text().strip()
        grades = self.grades_edit.text().strip() or None
        trust = self.trust_box.currentText().strip()
        if not extract:
            self.status_label.setText("Choose the GIAS extract first.")
            return
        if not trust:
            self.status_label.setText("Say which trust: its UID as in the Trusts (code) column, e.g. TR01234.")
            return
        db, user_id = self.context.db, self.context.user.id
        self.preview_button.setEnabled(False)
        self.status_label.setText("Reading the files…")
        self.context.ops.query(
            lambda: preview_gias_import(db, user_id, Path(extract), trust, Path(grades) if grades else None),
            self._previewed,
            self._preview_failed,
        )

    def _previewed(self, plan: ImportPlan) -> None:
        self.preview_button.setEnabled(True)
        self.plan = plan
        self.model.set_rows(plan.entries)
        fit_columns(self.table, maximum=420)
        rows = plan.other_trust_rows
        others = f" Ignored {rows:,} row{'s' if rows != 1 else ''} of other trusts." if rows else ""
        todo = len(plan.to_apply)
        plural = "s" if todo != 1 else ""
        verdict = f"Press Import to save the {todo} change{plural}." if todo else "Nothing to change."
        read_as = f" Read {'; '.join(plan.read_as)}." if plan.read_as else ""
        self.status_label.setText(f"{plan.trust_name}: will be {plan.summary}.{others}{read_as} {verdict}")
        self.import_button.setEnabled(todo > 0)

    def _preview_failed(self, error: TrustDeskError) -> None:
        self.preview_button.setEnabled(True)
        self.plan = None
        self.model.set_rows([])
        self.status_label.setText(error.message)

    def apply(self) -> None:
        plan = self.plan
        if plan is None:
            return
        db, user_id = self.context.db, self.context.user.id
        self.import_button.setEnabled(False)
        self.preview_button.setEnabled(False)
        self.context.ops.action(
            lambda progress: apply_gias_import(db, user_id, plan, progress),
            self._applied,
            self._apply_failed,
            title="Importing from GIAS…",
            progress_dialog=True,
            parent=self,
        )

    def _applied(self, result: GiasImportResult) -> None:
        self.result = result
        self.plan = None
        self.preview_button.setEnabled(True)
        skipped = "".join(f"\n• URN {e.urn} {e.name}: {e.reason}" for e in result.skipped[:10])
        self.status_label.setText(f"Imported: {result.summary}.{skipped}")
        self.context.navigator.tell(f"GIAS import: {result.summary}.")

    def _apply_failed(self, error: TrustDeskError) -> None:
        self.preview_button.setEnabled(True)
        self.status_label.setText(f"Nothing was imported. {error.message}")
        show_error(self, error)
