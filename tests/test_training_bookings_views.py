"""The Bookings and Register tabs of a training event, built on their own as the panel will hold them."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from db.queries.training_bookings import event_bookings
from db.services.training_bookings import book_staff, cancel_bookings
from desktop.modules.training.book_staff_dialog import BookStaffDialog
from desktop.modules.training.bookings_view import BOOKED, SCHOOLS, EventBookingsView
from desktop.modules.training.register_view import EventRegisterView
from resources_qt import style
from tests.gui_helpers import make_context, shown_windows, wait_for_window
from tests.helpers import user_id
from tests.training_helpers import event_version, make_event, opted_in, schools, staff_at

SHOTS = os.environ.get("TRUSTDESK_SHOTS")
ALEX = "alex.morgan"


def _shoot(qapp, widget: QWidget, name: str) -> None:
    if not SHOTS:
        return
    for scheme, suffix in ((Qt.ColorScheme.Light, "light"), (Qt.ColorScheme.Dark, "dark")):
        style.apply_scheme(qapp, scheme)
        QApplication.processEvents()
        widget.grab().save(str(Path(SHOTS) / f"{name}-{suffix}.png"))
    style.apply_scheme(qapp, Qt.ColorScheme.Light)


def _answer_next_box(button: QMessageBox.StandardButton = QMessageBox.StandardButton.Ok) -> list[str]:
    """When the next message box is modal on screen, note its text and press ``button``."""
    seen: list[str] = []

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, QMessageBox) and widget.isVisible():
            seen.append(widget.text())
            widget.button(button).click()
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
    return seen


def _view(qtbot, kind, context):
    view = kind(context)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    qtbot.waitExposed(view)
    return view


def _select(table, rows: list[int]) -> None:
    selection = table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        selection.select(table.model().index(row, 0), flags)


def test_opt_in_book_past_the_places_and_cancel_two(qtbot, qapp, demo_db, tmp_path, check_model) -> None:
    db = demo_db
    first, second = schools(db)
    event_id = make_event(db, places=20)
    opted_in(db, event_id, first)
    context = make_context(db, tmp_path, ALEX)
    view = _view(qtbot, EventBookingsView, context)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.show_event(event_id)
    for model in (view.opt_in_model, view.booked_model, view.waiting_model):
        check_model(model)
    assert "0 booked · 0 waiting · 20 free of 20" in view.counts_label.text()

    row = next(n for n, r in enumerate(view.opt_in_model.rows) if r.organisation_id == second)
    view.tabs.setCurrentIndex(SCHOOLS)
    _select(view.opt_in_table, [row])
    assert view.opt_in_button.isEnabled() and not view.opt_out_button.isEnabled()
    view.opt_in_button.click()
    qtbot.waitUntil(lambda: view.tabs.tabText(SCHOOLS) == "Schools (2 opted in)", timeout=10_000)
    _shoot(qapp, view, "training-bookings-schools")

    view.tabs.setCurrentIndex(BOOKED)
    view.book_button.click()
    dialog = wait_for_window(qtbot, BookStaffDialog)
    dialog.school_box.setCurrentIndex(dialog.school_box.findData(first))
    qtbot.waitUntil(lambda: dialog.value_box.count() > 0 and dialog.model.rowCount() > 0, timeout=10_000)
    check_model(dialog.model)
    dialog.kind_box.setCurrentIndex(dialog.kind_box.findData("role"))
    role = dialog.value_box.itemText(0)
    dialog.add_all()  # everyone in one role at the school
    qtbot.waitUntil(lambda: len(dialog.chosen) > 0, timeout=10_000)
    assert all(dialog.model.is_checked(r) == (r.role == role) for r in dialog.model._rows)
    dialog.clear_button.click()
    assert not dialog.book_button.isEnabled()
    for n in range(25):  # then 25 one by one, in the order ticked
        dialog.model.setData(dialog.model.index(n, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    chosen = [dialog.model.row_at(n).job_id for n in range(25)]
    assert list(dialog.chosen) == chosen
    assert dialog.chosen_label.text() == "25 chosen." and dialog.book_button.isEnabled()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "training-book-staff-dialog.png"))
    dialog.book_button.click()
    qtbot.waitUntil(lambda: not shown_windows(BookStaffDialog), timeout=10_000)  # closed (and let go)
    qtbot.waitUntil(lambda: view.tabs.tabText(BOOKED) == "Booked (20)", timeout=10_000)
    assert view.tabs.tabText(2) == "Waiting (5)" and "0 free of 20" in view.counts_label.text()
    assert [r.job_id for r in view.waiting_model.rows] == chosen[20:]
    check_model(view.booked_model)
    check_model(view.waiting_model)
    _shoot(qapp, view, "training-bookings")
    view.tabs.setCurrentIndex(2)
    _shoot(qapp, view, "training-bookings-waiting")

    view.confirm_cancel = lambda rows: len(rows) == 2  # the user says yes to cancelling these two
    _select(view.booked_table, [0, 1])
    view.cancel_button.click()
    qtbot.waitUntil(lambda: view.tabs.tabText(2) == "Waiting (3)", timeout=10_000)
    assert view.tabs.tabText(BOOKED) == "Booked (20)"
    assert [r.job_id for r in view.waiting_model.rows] == chosen[22:]


def test_a_refusal_is_one_sentence_and_lowering_places_says_how_many_moved(qtbot, demo_db, tmp_path) -> None:
    db = demo_db
    school = schools(db)[0]
    event_id = make_event(db, places=10)
    opted_in(db, event_id, school)
    alex = user_id(db, ALEX)
    book_staff(db, alex, event_id, staff_at(db, school, 12), shown_version=event_version(db, event_id))
    context = make_context(db, tmp_path, ALEX)
    view = _view(qtbot, EventBookingsView, context)
    with qtbot.waitSignal(view.loaded, timeout=10_000):
        view.show_event(event_id)
    # someone else cancels a booking the view still shows: cancelling it here is refused in one sentence
    shown = view.booked_model.rows[0]
    cancel_bookings(db, alex, event_id, {shown.id: shown.version})
    view.confirm_cancel = lambda rows: True
    view.tabs.setCurrentIndex(BOOKED)
    _select(view.booked_table, [0])
    seen = _answer_next_box()
    view.cancel_button.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert "changed by someone else" in seen[0] and "\n" not in seen[0]

    qtbot.waitUntil(lambda: view.tabs.tabText(BOOKED) == "Booked (10)", timeout=10_000)
    view.ask_places = lambda current, booked: 6
    messages: list[str] = []
    context.navigator.status_message.connect(messages.append)
    view.places_button.click()
    qtbot.waitUntil(lambda: view.tabs.tabText(BOOKED) == "Booked (6)", timeout=10_000)
    assert any("4 of the latest booked moved back" in m for m in messages)
    assert view.tabs.tabText(2) == "Waiting (5)"


def test_take_the_register_and_read_the_impact(qtbot, qapp, demo_db, tmp_path, check_model) -> None:
    db = demo_db
    school = schools(db)[0]
    today = date.today()
    event_id = make_event(db, places=20, days=(today - timedelta(days=1), today), budget_pence=30_000)
    opted_in(db, event_id, school)
    alex = user_id(db, ALEX)
    book_staff(db, alex, event_id, staff_at(db, school, 5), shown_version=event_version(db, event_id))
    context = make_context(db, tmp_path, ALEX)
    view = _view(qtbot, EventRegisterView, context)
    with qtbot.waitSignal(view.impact_loaded, timeout=10_000):
        view.show_event(event_id)
    qtbot.waitUntil(lambda: view.model.rowCount() == 5, timeout=10_000)
    check_model(view.model)
    assert view.session_box.count() == 2 and view.current_session_id() == view.register.sessions[-1].id
    view.session_box.setCurrentIndex(0)
    view.session_box.activated.emit(0)
    qtbot.waitUntil(lambda: view.register.session_id == view.register.sessions[0].id, timeout=10_000)
    assert all(view.model.index(r, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked for r in range(5))
    for row in (3, 4):  # two were absent
        view.model.setData(view.model.index(row, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    view.save_button.click()
    qtbot.waitUntil(lambda: view.status_label.text().startswith("Register saved: 3 present, 2 absent"), timeout=10_000)
    recorded = ["Present"] * 3 + ["Absent"] * 2
    qtbot.waitUntil(lambda: [view.model.index(r, 4).data() for r in range(5)] == recorded, timeout=10_000)
    qtbot.waitUntil(lambda: view.impact.figures["attendees"].text() == "3", timeout=10_000)
    assert view.impact.figures["spend"].text() == "£250.00"
    assert view.impact.figures["per_attendee"].text() == "£83.33"
    assert view.impact.figures["remaining"].text() == "£50.00"
    check_model(view.impact.comment_model)
    _shoot(qapp, view, "training-register")
    assert event_bookings(db, alex, event_id).booked_count == 5
