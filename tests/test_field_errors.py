"""A refused form says why under the field at fault, in the warning colour, and focuses that field."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFormLayout

from desktop.dialogs.welcome_dialog import WelcomeDialog
from tests.gui_helpers import close_window, open_window
from tests.test_flood_fill_wizard import open_wizard


def row_of(form: QFormLayout, widget) -> int:
    row, _role = form.getWidgetPosition(widget)
    return row


def test_flood_fill_activity_errors_sit_under_the_field_and_focus_it(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    try:
        _panel, wizard = open_wizard(qtbot, window)
        page = wizard.activity_page
        wizard.jobs_page.selection.add(wizard.jobs_page.model.row_at(0).job_id)
        wizard.next()
        qtbot.waitUntil(lambda: page.creator_box.count() > 0, timeout=10_000)
        assert page.type_box.findText("INSET") >= 0 and page.type_box.findText("INSET day") < 0

        wizard.next()  # no title
        assert wizard.step == 1 and page.error_label.isVisible() and "title" in page.error_label.text()
        assert row_of(page.form, page.error_label) == row_of(page.form, page.title_edit) + 1
        assert page.error_label.property("warning") is True
        qtbot.waitUntil(page.title_edit.hasFocus, timeout=5_000)

        page.title_edit.setText("Phonics refresher")
        page.starts_edit.setDate(QDate(2026, 1, 5))
        page.ends_edit.setDate(QDate(2026, 1, 2))
        wizard.next()
        assert "before it starts" in page.error_label.text()
        dates_row, _role = page.form.getLayoutPosition(page.dates)
        assert row_of(page.form, page.error_label) == dates_row + 1
        qtbot.waitUntil(page.ends_edit.hasFocus, timeout=5_000)

        page.ends_edit.setDate(QDate(2026, 1, 5))
        wizard.next()
        assert wizard.step == 2 and not page.error_label.isVisible() and page.form.indexOf(page.error_label) < 0
    finally:
        close_window(window)


def test_new_trust_page_says_please_enter_under_the_first_empty_field(qtbot, tmp_path) -> None:
    dialog = WelcomeDialog(str(tmp_path / "trust.sqlite"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.trust_name, "Riverside Learning Trust")
    qtbot.mouseClick(dialog.create_ok, Qt.MouseButton.LeftButton)
    assert dialog.create_error.text() == "Please enter the trust's UID, your name, your username, your password."
    assert row_of(dialog.create_form, dialog.create_error) == row_of(dialog.create_form, dialog.trust_uid) + 1
    assert dialog.create_error.property("warning") is True and dialog.create_error.isVisible()
    qtbot.waitUntil(dialog.trust_uid.hasFocus, timeout=5_000)
