"""The save dialog every export uses: it asks before replacing an existing file.

Why not ``QFileDialog.getSaveFileName``: it confirms overwriting only the name
as typed; a name typed without its extension ("budget") was then given
``.xlsx`` by the export and an existing ``budget.xlsx`` replaced without a
word.  Here the dialog itself adds the extension of the chosen file type
(``setDefaultSuffix``) *before* it checks, so the question is asked about the
file that will really be written — by the native dialog where there is one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

#: file types the exports write: (name filter, suffix without the dot)
XLSX = ("Excel workbook (*.xlsx)", "xlsx")
CSV = ("CSV, UTF-8 (*.csv)", "csv")


def save_dialog(parent: QWidget | None, title: str, suggested: Path, kinds: list[tuple[str, str]]) -> QFileDialog:
    """A save dialog for ``kinds`` that confirms overwriting; the suggested name's type is preselected."""
    dialog = QFileDialog(parent, title, str(suggested))
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, False)
    dialog.setNameFilters([name for name, _ in kinds])
    suffixes = dict(kinds)
    wanted = suggested.suffix.lower().lstrip(".")
    chosen = next((name for name, suffix in kinds if suffix == wanted), kinds[0][0])
    dialog.selectNameFilter(chosen)
    dialog.setDefaultSuffix(suffixes[chosen])
    dialog.filterSelected.connect(lambda name: dialog.setDefaultSuffix(suffixes.get(name, suffixes[chosen])))
    dialog.selectFile(suggested.name)
    return dialog


def ask_save_path(
    parent: QWidget | None, title: str, suggested: Path, kinds: list[tuple[str, str]] | None = None
) -> Path | None:
    """The file the user chose (having agreed to replace it if it exists), or None."""
    dialog = save_dialog(parent, title, suggested, kinds or [XLSX])
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.selectedFiles():
        return None
    return Path(dialog.selectedFiles()[0])
