"""File › Import requests… as a user meets it: the columns it recognised, the preview filtered by what
each row will do, Import — then a second import of the same file that adds nothing (C1, X2)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from desktop.kit.import_wizard import COLUMNS_PAGE, FILE_PAGE, PREVIEW_PAGE
from desktop.modules.partnership_cpd.request_import_dialog import RequestImportDialog
from desktop.modules.partnership_cpd.request_import_model import WARNED
from tests.gui_helpers import close_window, open_window, wait_for_window
from tests.request_helpers import user_job
from tests.request_import_helpers import counts, emails_at, row, urn_of, write_csv

pytestmark = pytest.mark.engines("sqlite")


@pytest.fixture
def requests_file(demo_db, tmp_path: Path) -> Path:
    _job, school = user_job(demo_db, "chris.lee")
    urn = urn_of(demo_db, school)
    a, b, c = emails_at(demo_db, urn)
    return write_csv(tmp_path / "requests.csv", [
        row(a, urn, "Phonics leadership", **{"LM approval": "Agreed"}),
        row(b, urn, "Maths mastery", **{"Cover Days": "40"}),
        row(b, urn, "Maths mastery"),
        row(c, urn, "Late", Date="05/12/2026", **{"End Date": "01/12/2026"}),
        row("nobody@nowhere.example", urn, "Lost"),
    ])  # fmt: skip


@pytest.fixture
def dialog(qtbot, demo_db, tmp_path):
    window = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    action = window.findChild(QAction, "import_requests")
    assert action is not None and action.text() == "Import &requests…"
    action.trigger()
    dialog = wait_for_window(qtbot, RequestImportDialog)
    dialog.resize(1366, 768)
    yield dialog
    dialog.close()
    close_window(window)


def _next(qtbot, dialog: RequestImportDialog) -> None:
    qtbot.waitUntil(dialog.next_button.isEnabled, timeout=10_000)
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.busy.isHidden(), timeout=20_000)


def test_a_file_is_recognised_previewed_filtered_and_imported_once(
    qtbot, dialog, demo_db, requests_file, check_model
) -> None:
    dialog.path_edit.setText(str(requests_file))
    _next(qtbot, dialog)
    assert dialog.pages.currentIndex() == COLUMNS_PAGE, dialog.status_label.text()
    boxes = dialog.mapping_form.boxes
    assert boxes["title"].currentText() == "Course" and boxes["starts_on"].currentText() == "Date"
    assert (
        boxes["course_fee_pence"].currentText() == "Course Fee" and boxes["cover_cost_pence"].currentText() == "Supply"
    )
    assert boxes["line_manager_state"].currentText() == "LM approval" and boxes["staff_code"].currentData() is None
    _next(qtbot, dialog)
    assert dialog.pages.currentIndex() == PREVIEW_PAGE, dialog.status_label.text()
    model = dialog.model
    check_model(model)
    before = counts(demo_db)
    assert model.rowCount() == 5
    assert "2 to add (1 with a warning), no duplicates, 3 invalid" in dialog.status_label.text()
    assert model.index(0, 6).data() == "with line manager agreed"
    dialog.filter_box.setCurrentIndex(dialog.filter_box.findData("invalid"))
    assert model.rowCount() == 3 and "the same request as row 3" in model.index(0, 6).data()
    dialog.filter_box.setCurrentIndex(dialog.filter_box.findData(WARNED))
    assert model.rowCount() == 1 and "Warning: With 40 more cover days" in model.index(0, 6).data()
    check_model(model)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20_000)
    assert "2 requests added, no duplicates, 3 invalid" in dialog.status_label.text()
    assert counts(demo_db) == (before[0] + 2, before[1] + 2, before[2] + 2)
    assert not dialog.import_button.isEnabled()

    dialog.back_button.click()
    _next(qtbot, dialog)
    assert "none to add, 3 duplicates skipped, 2 invalid" in dialog.status_label.text()
    assert not dialog.import_button.isEnabled()


def test_a_mapping_that_lacks_a_column_or_a_file_that_is_not_a_spreadsheet_is_one_sentence(
    qtbot, dialog, demo_db, requests_file, tmp_path
) -> None:
    fake = tmp_path / "requests.pdf"
    fake.write_bytes(b"%PDF-1.4")
    dialog.path_edit.setText(str(fake))
    _next(qtbot, dialog)
    assert dialog.pages.currentIndex() == FILE_PAGE
    assert "neither a .csv nor an .xlsx file" in dialog.status_label.text()
    dialog.path_edit.setText(str(requests_file))
    _next(qtbot, dialog)
    dialog.mapping_form.boxes["title"].setCurrentIndex(0)
    _next(qtbot, dialog)
    assert dialog.pages.currentIndex() == COLUMNS_PAGE
    assert "lacks a column for Title" in dialog.status_label.text()


@pytest.fixture
def restore_style(qapp, monkeypatch):
    from PySide6.QtGui import QPalette

    from resources_qt import style

    monkeypatch.setattr(style, "_dark", None)
    palette, sheet = QPalette(qapp.palette()), qapp.styleSheet()
    yield style
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark])
def test_what_each_row_will_do_reads_in_light_and_dark(
    qtbot, qapp, restore_style, dialog, requests_file, scheme
) -> None:
    from PySide6.QtGui import QPalette

    restore_style.apply_scheme(qapp, scheme)
    dialog.path_edit.setText(str(requests_file))
    _next(qtbot, dialog)
    _next(qtbot, dialog)
    base = dialog.table.palette().color(QPalette.ColorRole.Base)
    for number in range(dialog.model.rowCount()):
        colour = dialog.model.index(number, 0).data(Qt.ItemDataRole.ForegroundRole)
        assert abs(colour.lightness() - base.lightness()) > 90, (colour.name(), base.name())
