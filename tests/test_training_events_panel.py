"""The Training events panel in the real window: the paged list and its filters, an event created through the
editor with its sessions, published, told narrowly, and cancelled; the event route other modules use."""

from __future__ import annotations

import os
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from db.models import Notification, TrainingEvent
from db.queries.training_event_detail import SessionRow
from db.queries.training_events import EventStatus, EventView
from desktop.modules.training import session_table_model as sessions
from desktop.modules.training.event_dialog import EventDialog
from desktop.modules.training.session_table_model import SessionTableModel
from desktop.modules.training.targets_dialog import TargetsDialog
from resources_qt import style
from tests.gui_helpers import close_window, open_window, shown_windows, wait_for_window

SHOTS = os.environ.get("TRUSTDESK_SHOTS")


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    win = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    win.resize(1366, 768)
    yield win
    close_window(win)


def _panel(qtbot, window):
    qtbot.waitUntil(lambda: not window.context.ops.running, timeout=10_000)
    panel = window.panels["training"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.count_label.text()[:1].isdigit(), timeout=10_000)
    return panel


def _shoot(qapp, window, name: str) -> None:
    if not SHOTS:
        return
    for scheme, suffix in ((Qt.ColorScheme.Light, "light"), (Qt.ColorScheme.Dark, "dark")):
        style.apply_scheme(qapp, scheme)
        QApplication.processEvents()
        window.grab().save(str(Path(SHOTS) / f"{name}-{suffix}.png"))
    style.apply_scheme(qapp, Qt.ColorScheme.Light)


def _titles(panel) -> list[str]:
    return [panel.model.row_at(n).title for n in range(panel.model.loaded)]


def _choose(box, value) -> None:
    box.setCurrentIndex(box.findData(value))


def test_the_list_pages_and_filters(qtbot, qapp, window, demo_db, check_model) -> None:
    panel = _panel(qtbot, window)
    check_model(panel.model)
    with demo_db.read() as session:
        drafts = session.scalars(select(TrainingEvent.title).where(TrainingEvent.published.is_(False))).all()
        scitt_event = session.execute(
            select(TrainingEvent.title, TrainingEvent.organisation_id).where(TrainingEvent.provider == "Trust SCITT")
        ).first()
    _choose(panel.view_box, EventView.DRAFTS)
    qtbot.waitUntil(lambda: sorted(_titles(panel)) == sorted(drafts) and panel.model.total == len(drafts))
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.title == _titles(panel)[0], timeout=10_000)
    check_model(panel.detail_view.sessions)
    assert panel.detail_view.heading.text() == panel.detail.title and panel.publish_button.isEnabled()
    _shoot(qapp, window, "training-drafts")

    _choose(panel.view_box, EventView.PAST)
    qtbot.waitUntil(lambda: panel.count_label.text().endswith(("past event", "past events")) and panel.model.loaded > 0)
    starts = [panel.model.row_at(n).starts_on for n in range(panel.model.loaded)]
    assert starts == sorted(starts, reverse=True)  # the latest first
    _choose(panel.organisation_box, scitt_event.organisation_id)
    qtbot.waitUntil(lambda: _titles(panel) == [scitt_event.title] or panel.model.total == 0)
    _choose(panel.organisation_box, None)
    _choose(panel.view_box, EventView.UPCOMING)
    panel.search_box.setText("no event is called this")
    panel.search_box.search_changed.emit(panel.search_box.text())
    qtbot.waitUntil(lambda: panel.count_label.text() == "0 upcoming events")
    assert panel.detail is None or panel.model.loaded == 0


def _fill_new_event(qtbot, panel, title: str) -> EventDialog:
    panel.new_button.click()
    dialog = wait_for_window(qtbot, EventDialog)
    dialog.title_edit.setText(title)
    dialog.provider_edit.setText("Trust learning team")
    dialog.type_box.setCurrentIndex(dialog.type_box.findData("Course"))
    dialog.places_box.setValue(20)
    dialog.cost_box.setValue(45)
    model = dialog.sessions
    first = date.today() + timedelta(days=20)
    assert model.setData(model.index(0, sessions.DATE), QDate(first.year, first.month, first.day))
    assert model.setData(model.index(0, sessions.LOCATION), "Trust centre, Room 1")
    dialog.add_button.click()  # a week later, same times and place
    assert model.rowCount() == 2 and model.row_at(1).on_date == first + timedelta(days=7)
    return dialog


def test_an_event_is_created_in_the_editor_published_and_cancelled(qtbot, qapp, window, demo_db, check_model) -> None:
    panel = _panel(qtbot, window)
    dialog = _fill_new_event(qtbot, panel, "Behaviour for learning")
    editable = SessionTableModel(editable=True)  # the dialog's own model goes with the dialog: check a copy
    editable.set_rows(dialog.sessions.rows)
    check_model(editable)
    # a session ending before it starts: one sentence, the dialog and what was typed stay
    model = dialog.sessions
    assert model.setData(model.index(1, sessions.ENDS), "08:00")
    assert not model.setData(model.index(1, sessions.STARTS), "half past nine")  # not a time: the cell keeps 09:00
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error_label.text() != "" or not dialog.isVisible(), timeout=10_000)
    assert "before it starts" in dialog.error_label.text(), dialog.error_label.text()
    assert dialog.isVisible() and dialog.title_edit.text() == "Behaviour for learning"
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "training-editor.png"))
    assert model.setData(model.index(1, sessions.ENDS), "12:30")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not shown_windows(EventDialog), timeout=10_000)
    qtbot.waitUntil(lambda: panel.detail is not None and panel.detail.title == "Behaviour for learning", timeout=10_000)
    qtbot.waitUntil(lambda: "Behaviour for learning" in _titles(panel), timeout=10_000)
    assert panel.current_filter().view is EventView.DRAFTS
    assert panel.detail.places == 20 and panel.detail.cost_pence == 4500 and len(panel.detail.sessions) == 2
    assert panel.detail.sessions[1].ends_at == time(12, 30)

    # tell only the primaries, then publish
    panel.targets_button.click()
    targets = wait_for_window(qtbot, TargetsDialog)
    targets.phase_buttons["Primary"].click()
    ticked = sum(targets.organisation_list.item(n).checkState() == Qt.CheckState.Checked
                 for n in range(targets.organisation_list.count()))  # fmt: skip
    assert ticked > 0
    targets.save_button.click()
    qtbot.waitUntil(lambda: panel.detail is not None and len(panel.detail.targets) == ticked, timeout=10_000)
    panel.confirm = lambda *_args: True
    panel.publish_button.click()
    qtbot.waitUntil(lambda: panel.detail.status is EventStatus.PUBLISHED, timeout=10_000)
    qtbot.waitUntil(lambda: panel.detail_view.status_label.text().startswith("Published"), timeout=10_000)
    with demo_db.read() as session:
        told = session.scalar(select(func.count()).where(Notification.kind == "training_event_published"))
    assert told > 0
    assert panel.unpublish_button.isEnabled() and not panel.publish_button.isEnabled()
    _shoot(qapp, window, "training-published")

    panel.ask_reason = lambda _detail: "The venue flooded."
    panel.cancel_button.click()
    qtbot.waitUntil(lambda: panel.detail.status is EventStatus.CANCELLED, timeout=10_000)
    assert "The venue flooded." in panel.detail_view.status_label.text()
    assert not panel.edit_button.isEnabled() and not panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: panel.current_filter().view is EventView.CANCELLED, timeout=10_000)
    qtbot.waitUntil(lambda: _titles(panel) == ["Behaviour for learning"], timeout=10_000)


def test_the_event_route_opens_an_event_where_it_is_listed(qtbot, window, demo_db) -> None:
    with demo_db.read() as session:
        draft_id, title = session.execute(
            select(TrainingEvent.id, TrainingEvent.title).where(TrainingEvent.published.is_(False))
        ).first()
    panel = _panel(qtbot, window)
    with qtbot.waitSignal(panel.event_shown, check_params_cb=lambda shown: shown == draft_id, timeout=10_000):
        window.context.navigator.go("training_event", draft_id)  # the tabs beside "Details" hear which event
    assert panel.detail.id == draft_id
    qtbot.waitUntil(lambda: panel.table.currentIndex().row() >= 0 and title in _titles(panel), timeout=10_000)
    assert panel.current_filter().view is EventView.DRAFTS
    assert panel.model.row_at(panel.table.currentIndex().row()).id == draft_id
    panel.activities_button.click()  # the CPD requests linked to the event, in Partnership CPD
    cpd = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.filter.training_event_id == draft_id, timeout=10_000)


def test_a_sessions_row_keeps_its_id_when_edited() -> None:
    model = SessionTableModel(editable=True)
    model.set_rows([SessionRow(7, date(2027, 3, 1), time(9), time(12), "Hall")])
    assert model.setData(model.index(0, sessions.LOCATION), "Library")
    assert model.setData(model.index(0, sessions.STARTS), "")
    assert model.row_at(0) == SessionRow(7, date(2027, 3, 1), None, time(12), "Library")


def test_the_chosen_events_bookings_and_register_are_tabs_beside_its_details(qtbot, qapp, window, demo_db) -> None:
    from db.services.training_bookings import book_staff
    from tests.helpers import user_id
    from tests.training_helpers import event_version, make_event, opted_in, schools, staff_at

    school = schools(demo_db)[0]
    event_id = make_event(demo_db, title="Adaptive teaching in practice", places=2)
    opted_in(demo_db, event_id, school)
    sam = user_id(demo_db, "sam.patel")
    book_staff(demo_db, sam, event_id, staff_at(demo_db, school, 3), shown_version=event_version(demo_db, event_id))
    panel = _panel(qtbot, window)
    assert [panel.detail_tabs.tabText(n) for n in range(panel.detail_tabs.count())] == [
        "Details",
        "Bookings",
        "Register",
    ]
    with qtbot.waitSignal(panel.bookings_view.loaded, timeout=10_000):
        window.context.navigator.go("training_event", event_id)
    assert "2 booked · 1 waiting · 0 free of 2" in panel.bookings_view.counts_label.text()
    qtbot.waitUntil(lambda: panel.register_view.session_box.count() == 1, timeout=10_000)
    qtbot.waitUntil(
        lambda: (
            panel.table.currentIndex().row() >= 0
            and panel.model.row_at(panel.table.currentIndex().row()).id == event_id
        ),
        timeout=10_000,
    )
    panel.detail_tabs.setCurrentIndex(1)
    _shoot(qapp, window, "training-bookings")
