"""File › Import from GIAS… with files re-saved in Excel: how each was read, and values that do not fit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.modules.organisations.gias_import_dialog import GiasImportDialog
from tests.gui_helpers import close_window, open_window

EXTRACT = Path(__file__).parent / "fixtures" / "gias" / "establishments.csv"


@pytest.fixture
def dialog(qtbot, demo_db, tmp_path):
    window = open_window(qtbot, demo_db, tmp_path, "alex.morgan")
    dialog = GiasImportDialog(window.context, window)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 600)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.trust_box.count() == 1, timeout=10_000)
    yield dialog
    dialog.close()
    close_window(window)


def _preview(qtbot, dialog, tmp_path: Path, text: str, encoding: str) -> None:
    path = tmp_path / f"extract-{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    dialog.extract_edit.setText(str(path))
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.preview_button.isEnabled(), timeout=10_000)


def test_a_utf8_file_from_excel_previews_with_how_it_was_read(qtbot, dialog, tmp_path) -> None:
    text = EXTRACT.read_text("iso-8859-1").replace("Kestrel Free School", "Élan Free School")
    _preview(qtbot, dialog, tmp_path, text, "utf-8")
    status = dialog.status_label.text()
    assert "will be 2 added" in status and "Read extract-utf-8.csv: UTF-8." in status
    names = {dialog.model.index(row, 2).data() for row in range(dialog.model.rowCount())}
    assert "Élan Free School" in names and not any("Ã" in (name or "") for name in names)


def test_an_over_long_name_is_said_with_its_line_and_nothing_is_offered(qtbot, dialog, tmp_path) -> None:
    text = EXTRACT.read_text("iso-8859-1").replace("Kestrel Free School", "K" * 300)
    _preview(qtbot, dialog, tmp_path, text, "cp1252")
    status = dialog.status_label.text()
    assert "line 8: EstablishmentName is 300 characters long; TrustDesk keeps at most 200" in status
    assert dialog.model.rowCount() == 0 and not dialog.import_button.isEnabled()
