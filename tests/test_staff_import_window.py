"""File › Import staff… as a user meets it: the file, the columns it recognised, the preview filtered
by what each row will do, links ticked, Import — and every refusal said in the window (P1, X2)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from sqlalchemy import func, select

from db.models import Job, Person
from db.queries.staff_import import mapping_names
from desktop.dialogs.staff_import.plan_table_model import OFFERED
from desktop.dialogs.staff_import.wizard import COLUMNS_PAGE, FILE_PAGE, PREVIEW_PAGE, StaffImportDialog
from tests.gui_helpers import close_window, open_window, wait_for_window
from tests.staff_import_helpers import MIS, XLSX, fresh_trust


def _counts(db) -> tuple[int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(Person)),
            session.scalar(select(func.count()).select_from(Job)),
        )


@pytest.fixture
def dialog(qtbot, db, tmp_path):
    fresh_trust(db)
    window = open_window(qtbot, db, tmp_path, "sam.lead")
    action = window.findChild(QAction, "import_staff")
    assert action is not None and action.text() == "Import &staff…"
    action.trigger()
    dialog = wait_for_window(qtbot, StaffImportDialog)
    dialog.resize(1366, 768)
    yield dialog
    dialog.close()
    close_window(window)


def _idle(qtbot, dialog: StaffImportDialog) -> None:
    qtbot.waitUntil(lambda: dialog.busy.isHidden(), timeout=20_000)


def _next(qtbot, dialog: StaffImportDialog) -> None:
    qtbot.waitUntil(dialog.next_button.isEnabled, timeout=10_000)
    dialog.next_button.click()
    _idle(qtbot, dialog)


def test_a_mis_export_is_recognised_previewed_filtered_linked_and_imported(qtbot, dialog, db, check_model) -> None:
    dialog.path_edit.setText(str(MIS))
    _next(qtbot, dialog)
    assert dialog.pages.currentIndex() == COLUMNS_PAGE
    form = dialog.mapping_form
    assert form.boxes["last_name"].currentText() == "Legal Surname"
    assert form.boxes["line_manager"].currentText() == "Line Manager"
    assert form.boxes["school_name"].currentData() is None
    assert "Not imported: Preferred Forename." in dialog.columns_intro.text()
    _next(qtbot, dialog)
    assert dialog.pages.currentIndex() == PREVIEW_PAGE, dialog.status_label.text()
    model = dialog.model
    check_model(model)
    assert model.rowCount() == 15 and _counts(db) == (0, 0)
    assert "Will be 14 new people, 1 new job of someone already known." in dialog.status_label.text()
    dialog.filter_box.setCurrentIndex(dialog.filter_box.findData("add job"))
    assert model.rowCount() == 1 and model.entry(0).name == "Gareth Llewellyn"
    dialog.filter_box.setCurrentIndex(dialog.filter_box.findData(OFFERED))
    assert model.rowCount() == 1 and "possibly the same person as Zoë Hartley" in model.index(0, 5).data()
    link = model.index(0, 0)
    assert model.flags(link) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(link, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert "1 of 1 rows offered for linking are ticked" in dialog.status_label.text()
    check_model(model)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=20_000)
    assert "13 people added, 15 jobs added" in dialog.status_label.text()
    assert _counts(db) == (13, 15)
    assert not dialog.import_button.isEnabled()


def test_a_workbook_offers_its_sheets_and_a_mapping_is_saved_by_name(qtbot, dialog, db) -> None:
    dialog.path_edit.setText(str(XLSX))
    dialog.path_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: dialog.sheet_box.count() == 2, timeout=10_000)
    assert dialog.sheet_box.currentText() == "Staff" and dialog.sheet_box.isEnabled()
    _next(qtbot, dialog)
    assert dialog.mapping_form.boxes["urn"].currentText() == "Establishment URN"
    dialog.mapping_name.setText("HR workbook")
    qtbot.mouseClick(dialog.save_mapping_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Saved the mapping “HR workbook”" in dialog.status_label.text(), timeout=10_000)
    assert mapping_names(db) == ["HR workbook"]
    assert dialog.mapping_box.findData("HR workbook") >= 0
    _next(qtbot, dialog)
    assert dialog.model.rowCount() == 6


def test_refusals_are_one_sentence_in_the_window_and_nothing_changes(qtbot, dialog, db, tmp_path) -> None:
    fake = tmp_path / "staff.xlsx"
    fake.write_bytes(MIS.read_bytes())
    dialog.path_edit.setText(str(fake))
    _next(qtbot, dialog)
    assert dialog.pages.currentIndex() == FILE_PAGE
    assert "is a text (CSV) file with an .xlsx name" in dialog.status_label.text()
    dialog.path_edit.setText(str(MIS))
    _next(qtbot, dialog)
    boxes = dialog.mapping_form.boxes
    boxes["pay_scale"].setCurrentIndex(boxes["pay_scale"].findData("Role"))
    _next(qtbot, dialog)
    assert dialog.pages.currentIndex() == COLUMNS_PAGE
    assert "both Role and Pay scale in the column “Role”" in dialog.status_label.text()
    boxes["pay_scale"].setCurrentIndex(0)
    boxes["role"].setCurrentIndex(0)
    _next(qtbot, dialog)
    assert "lacks a column for Role" in dialog.status_label.text()
    assert _counts(db) == (0, 0)


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
def test_what_each_row_will_do_reads_in_light_and_dark(qtbot, qapp, restore_style, dialog, scheme) -> None:
    from PySide6.QtGui import QPalette

    restore_style.apply_scheme(qapp, scheme)
    dialog.path_edit.setText(str(MIS))
    _next(qtbot, dialog)
    _next(qtbot, dialog)
    base = dialog.table.palette().color(QPalette.ColorRole.Base)
    colour = dialog.model.index(0, 1).data(Qt.ItemDataRole.ForegroundRole)
    assert abs(colour.lightness() - base.lightness()) > 90, (colour.name(), base.name())
