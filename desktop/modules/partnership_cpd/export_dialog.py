"""Where to save a budget workbook, and what will go in it.

The filter is the Partnership CPD panel's as it is now; the dialog shows how
many activities match (one count query, off the UI thread) so that a CPD lead
is not surprised by a 200,000-row file.  An existing file under the chosen
name is replaced only after the user says so: Browse's save dialog asks, and a
name typed (or the suggested one, from an export earlier today) is asked about
when Export is pressed.
"""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.queries.activities import ActivityFilter, ActivitySummary, summarise
from desktop.dialogs.save_as import XLSX, ask_save_path
from desktop.kit.context import AppContext
from desktop.kit.formatting import money, state

LAST_FOLDER_KEY = "workbook/last_folder"


def describe(filt: ActivityFilter) -> str:
    """The filter in a line (ids are resolved to names in the workbook's Notes sheet)."""
    parts = []
    if filt.partnership_state is not None:
        parts.append(f"authorisation {state(filt.partnership_state).lower()}")
    if filt.period_id is None:
        parts.append("every academic period")
    if filt.organisation_id is None:
        parts.append("every organisation you can see")
    if filt.search.strip():
        parts.append(f"matching “{filt.search.strip()}”")
    return "Partnership CPD as filtered in the panel" + (f": {', '.join(parts)}" if parts else "")


class ExportDialog(QDialog):
    def __init__(self, context: AppContext, filt: ActivityFilter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.filter = filt
        self._replace_agreed: Path | None = None  # the existing file the user agreed to replace
        self.confirm_box: QMessageBox | None = None
        self.setWindowTitle("Export budget workbook")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "A workbook with the activities below, a Budget sheet per organisation and period, and Notes. "
            "Reviewers choose Authorise or Reject in its Decision column; File › Import decisions… brings them back."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.what_label = QLabel(describe(filt))
        self.what_label.setWordWrap(True)
        form.addRow("What:", self.what_label)
        self.count_label = QLabel("Counting…")
        form.addRow("Activities:", self.count_label)
        # The folder used last, else TrustDesk's own exports folder (Documents\TrustDesk, or under --data-dir).
        folder = str(context.settings.value(LAST_FOLDER_KEY, "") or context.paths.exports)
        self.path_edit = QLineEdit(str(Path(folder) / f"TrustDesk budget {date.today():%Y-%m-%d}.xlsx"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow("Save as:", row)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        db, user_id = context.db, context.user.id
        context.ops.query(lambda: summarise(db, user_id, filt), self._counted, self._count_failed)

    @property
    def path(self) -> Path:
        text = self.path_edit.text().strip()
        path = Path(text).expanduser()
        return path if path.suffix.lower() == ".xlsx" else path.with_name(path.name + ".xlsx")

    def _counted(self, summary: ActivitySummary) -> None:
        self.count_label.setText(f"{summary.count:,} activities, {money(summary.total_cost_pence)} in total")

    def _count_failed(self, error: TrustDeskError) -> None:
        self.count_label.setText(error.message)

    def _browse(self) -> None:
        chosen = ask_save_path(self, "Save budget workbook", self.path, [XLSX])
        if chosen is not None:
            self.path_edit.setText(str(chosen))
            self._replace_agreed = self.path  # the save dialog asked already if it existed

    def _accept(self) -> None:
        if not self.path_edit.text().strip():
            self.path_edit.setFocus()
            return
        path = self.path
        if path.exists() and path != self._replace_agreed:
            self._ask_to_replace(path)
            return
        self._done()

    def _ask_to_replace(self, path: Path) -> None:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Replace the workbook?")
        box.setText(f"“{path.name}” already exists in {path.parent}. Replace it?")
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        replace = box.button(QMessageBox.StandardButton.Yes)
        replace.setText("Replace")

        def answered(_result: int) -> None:
            if box.clickedButton() is replace:
                self._replace_agreed = path
                self._done()
            else:
                self.path_edit.setFocus()
                self.path_edit.selectAll()

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()

    def _done(self) -> None:
        if self.path.parent == self.context.paths.exports:
            # TrustDesk's own folder is made on first use; if it cannot be, the export says so.
            with contextlib.suppress(OSError):
                self.path.parent.mkdir(parents=True, exist_ok=True)
        self.context.settings.setValue(LAST_FOLDER_KEY, str(self.path.parent))
        self.accept()
