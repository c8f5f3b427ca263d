"""People by hand in the real window (P1, P2): the person and job editor, leavers, linking two records."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from sqlalchemy import select

from db.models import Organisation, OrgKind, SharingLevel
from db.queries.people import job_record, line_manager_choices, person_choices
from db.services.people import JobFields, PersonFields, add_person
from desktop.modules.users_groups.end_job_dialog import EndJobDialog
from desktop.modules.users_groups.link_people_dialog import LinkPeopleDialog, PersonChoiceTableModel
from desktop.modules.users_groups.person_job_editor import PersonJobEditor
from tests.gui_helpers import close_window, open_window, wait_for_window
from tests.helpers import org_with_sharing, user_id


@pytest.fixture
def staff(qtbot, demo_db, tmp_path):
    window = open_window(qtbot, demo_db, tmp_path, "alex.morgan")
    panel = window.panels["users_groups"]
    panel.activate()
    view = panel.staff_view
    qtbot.waitUntil(lambda: view.model.rowCount() > 0 and view.people.add_button.isEnabled(), timeout=10_000)
    yield view
    close_window(window)


def search(qtbot, view, text: str, rows: int) -> None:
    view.search.setText(text)
    view.load()
    qtbot.waitUntil(lambda: view.model.total == rows and view.model.rowCount() == rows, timeout=10_000)


def test_add_a_person_refusals_keep_what_was_typed(qtbot, staff, demo_db) -> None:
    qtbot.mouseClick(staff.people.add_button, Qt.MouseButton.LeftButton)
    editor = wait_for_window(qtbot, PersonJobEditor)
    school = org_with_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    editor.organisation_box.setCurrentIndex(editor.organisation_box.findData(school))
    qtbot.waitUntil(lambda: editor.manager_box.isEnabled() and editor.manager_box.count() > 1, timeout=10_000)
    qtbot.keyClicks(editor.first_name, "Nia")
    qtbot.keyClicks(editor.last_name, "Zephyrine")
    qtbot.keyClicks(editor.trn, "12345")
    editor.role_box.setCurrentText("Class teacher")
    editor.save_button.click()
    assert "7 digits" in editor.error_text and editor.isVisible()
    assert editor.first_name.text() == "Nia" and editor.trn.hasFocus()

    editor.trn.setText("1234567")
    editor.staff_code.setText("NZE")
    manager = line_manager_choices(demo_db, user_id(demo_db, "alex.morgan"), school)[0]
    editor.manager_box.setCurrentIndex(editor.manager_box.findData(manager.id))
    editor.started_on.setDate(QDate(2026, 9, 1))
    with qtbot.waitSignal(editor.saved, timeout=10_000) as saved:
        editor.save_button.click()
    record = job_record(demo_db, user_id(demo_db, "alex.morgan"), saved.args[0])
    assert (record.name, record.trn, record.staff_code, record.line_manager_job_id) == (
        "Nia Zephyrine",
        "1234567",
        "NZE",
        manager.id,
    )
    assert record.started_on == date(2026, 9, 1)
    search(qtbot, staff, "Zephyrine", 1)

    # the same TRN again is refused by the service, under the TRN, with everything kept
    qtbot.mouseClick(staff.people.add_button, Qt.MouseButton.LeftButton)
    again = wait_for_window(qtbot, PersonJobEditor)
    again.first_name.setText("Nia")
    again.last_name.setText("Zephyrine-Bell")
    again.trn.setText("1234567")
    again.role_box.setCurrentText("Tutor")
    again.save_button.click()
    qtbot.waitUntil(lambda: "already Nia Zephyrine's" in again.error_text, timeout=10_000)
    assert again.isVisible() and again.last_name.text() == "Zephyrine-Bell"
    again.reject()


def test_edit_end_and_reactivate_a_job(qtbot, staff, demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    school = org_with_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    job_id = add_person(demo_db, alex, PersonFields("Nia", "Zephyrine"), JobFields(school, "Class teacher"))
    search(qtbot, staff, "Zephyrine", 1)
    staff.table.selectRow(0)
    qtbot.mouseClick(staff.people.edit_button, Qt.MouseButton.LeftButton)
    editor = wait_for_window(qtbot, PersonJobEditor)
    assert editor.first_name.text() == "Nia" and editor.role_box.currentText() == "Class teacher"
    editor.role_box.setCurrentText("Head of year 7")
    editor.pay_scale.setText("UPS1")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    qtbot.waitUntil(
        lambda: staff.model.rowCount() == 1 and staff.model.row_at(0).role == "Head of year 7", timeout=10_000
    )

    staff.table.selectRow(0)
    qtbot.mouseClick(staff.people.end_button, Qt.MouseButton.LeftButton)
    ending = wait_for_window(qtbot, EndJobDialog)
    assert ending.ended_on.maximumDate() == QDate.currentDate()
    with qtbot.waitSignal(ending.saved, timeout=10_000):
        ending.save_button.click()
    qtbot.waitUntil(lambda: staff.model.total == 0, timeout=10_000)
    assert not job_record(demo_db, alex, job_id).active

    staff.people.leavers.setChecked(True)
    qtbot.waitUntil(lambda: staff.model.total == 1 and staff.model.rowCount() == 1, timeout=10_000)
    assert "— left" in staff.model.index(0, 0).data()
    staff.table.selectRow(0)
    assert staff.people.reactivate_button.isEnabled() and not staff.people.end_button.isEnabled()
    qtbot.mouseClick(staff.people.reactivate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job_record(demo_db, alex, job_id).active, timeout=10_000)
    qtbot.waitUntil(lambda: staff.model.rowCount() == 1 and staff.model.row_at(0).active, timeout=10_000)


def test_link_two_records_as_one_person(qtbot, staff, demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    school = org_with_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    with demo_db.read() as session:
        trust = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
    add_person(demo_db, alex, PersonFields("Nia", "Zephyrine", trn="1234567"), JobFields(school, "Class teacher"))
    add_person(demo_db, alex, PersonFields("Nia", "Zephyrine"), JobFields(trust, "Adviser"))
    search(qtbot, staff, "Zephyrine", 2)
    staff.table.selectRow(0)
    qtbot.mouseClick(staff.people.link_button, Qt.MouseButton.LeftButton)
    dialog = wait_for_window(qtbot, LinkPeopleDialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    assert not dialog.save_button.isEnabled()
    dialog.table.selectRow(0)
    assert "will move to Nia Zephyrine" in dialog.summary.text()
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save_button.click()
    assert saved.args == [1]
    qtbot.waitUntil(
        lambda: staff.model.rowCount() == 2 and all(staff.model.row_at(n).also_at for n in range(2)), timeout=10_000
    )
    assert staff.model.row_at(0).person_id == staff.model.row_at(1).person_id


def test_person_choice_model(qtbot, demo_db, check_model) -> None:
    model = PersonChoiceTableModel()
    check_model(model)
    model.set_rows(person_choices(demo_db, user_id(demo_db, "alex.morgan"), "a"))
    assert model.rowCount() == 50 and model.columnCount() == 3
    assert all(model.index(n, 2).data() for n in range(model.rowCount()))


def test_a_viewer_of_staff_sees_the_buttons_off(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path, "chris.lee")
    try:
        panel = window.panels["users_groups"]
        panel.activate()
        view = panel.staff_view
        qtbot.waitUntil(lambda: view.model.rowCount() > 0, timeout=10_000)
        window.context.ops.wait_for_done(10_000)
        view.table.selectRow(0)
        qtbot.waitUntil(lambda: view.selected_row() is not None, timeout=10_000)
        buttons = (view.people.add_button, view.people.edit_button, view.people.end_button, view.people.link_button)
        assert not any(button.isEnabled() for button in buttons)
    finally:
        close_window(window)
