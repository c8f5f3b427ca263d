"""The Calendar panel in the real window (CA1): month, week and agenda, moving through time, a
filter, who is out, export to a file, and a double-click that opens the event or the activity."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from sqlalchemy import select

from db.models import AppUser, Job, TrainingEvent, TrainingEventSession
from db.queries.activities import ActivityFilter
from db.queries.calendar import ActivityItem, SessionItem
from desktop.modules.calendar.grid import CalendarGrid
from tests.gui_helpers import close_window, open_window

DAY = date(2026, 11, 18)  # a Wednesday


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    with demo_db.transaction() as session:
        trust = session.scalar(select(TrainingEvent.organisation_id).where(TrainingEvent.id == 1))
        event = TrainingEvent(organisation_id=trust, title="Behaviour conference", starts_on=DAY, ends_on=DAY,
                              published=True)  # fmt: skip
        session.add(event)
        session.flush()
        session.add(TrainingEventSession(event_id=event.id, on_date=DAY, starts_at=time(9), ends_at=time(12)))
    win = open_window(qtbot, demo_db, tmp_path)
    yield win
    assert win.context is not None
    win.context.ops.wait_for_done(30_000)
    QApplication.processEvents()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox | QFileDialog) and widget.isVisible():
            widget.done(0)
    close_window(win)


def _school(db) -> int:
    with db.read() as session:
        return session.scalar(
            select(Job.organisation_id).join(AppUser, AppUser.job_id == Job.id).where(AppUser.username == "chris.lee")
        )


def _shown(qtbot, panel, day: date):
    panel.show_day(day)
    qtbot.waitUntil(lambda: panel.view is not None and panel.view.filter.starts_on <= day, timeout=15_000)
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=15_000)
    return panel.view


def _double_click(qtbot, grid: CalendarGrid, wanted) -> None:
    hit = next(h for h in grid._hits if wanted(h.item))
    qtbot.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=hit.rect.center())


def test_month_week_and_agenda_show_the_event_and_open_it(qtbot, window, check_model) -> None:
    panel = window.panels["calendar"]
    panel.activate()
    view = _shown(qtbot, panel, DAY)
    assert panel.mode == "month" and panel.title_label.text() == "November 2026"
    assert view.filter.starts_on == date(2026, 10, 26) and view.filter.ends_on == date(2026, 12, 6)
    assert "Behaviour conference" in [s.title for s in view.sessions]
    grid = panel.month_grid
    grid.resize(1200, 700)
    grid.repaint()
    assert any(isinstance(h.item, SessionItem) for h in grid._hits)
    with qtbot.waitSignal(window.context.navigator.route_requested, timeout=5_000) as route:
        _double_click(qtbot, grid, lambda item: isinstance(item, SessionItem) and item.title == "Behaviour conference")
    event_id = next(s.event_id for s in view.sessions if s.title == "Behaviour conference")
    assert route.args == ["training_event", event_id]

    panel.mode_buttons["week"].click()
    qtbot.waitUntil(
        lambda: panel.view is not None and panel.view.filter.starts_on == date(2026, 11, 16), timeout=15_000
    )
    assert panel.title_label.text() == "16 Nov 2026 – 22 Nov 2026"
    panel.mode_buttons["agenda"].click()
    qtbot.waitUntil(lambda: panel.agenda_model.rowCount() > 0 and panel.view.filter.ends_on == date(2026, 11, 30),
                    timeout=15_000)  # fmt: skip
    check_model(panel.agenda_model)
    titles = [panel.agenda_model.row_at(n).item.title for n in range(panel.agenda_model.rowCount())]
    assert "Behaviour conference" in titles


def test_previous_next_today_and_the_date_box_move_the_range(qtbot, window) -> None:
    panel = window.panels["calendar"]
    panel.activate()
    _shown(qtbot, panel, DAY)
    panel.next_button.click()
    qtbot.waitUntil(lambda: panel.view.filter.starts_on == date(2026, 11, 30), timeout=15_000)  # December's grid
    assert panel.title_label.text() == "December 2026"
    panel.previous_button.click()
    panel.previous_button.click()
    qtbot.waitUntil(lambda: panel.title_label.text() == "October 2026", timeout=15_000)
    panel.date_edit.setDate(date(2027, 4, 3))
    qtbot.waitUntil(lambda: panel.view.filter.starts_on == date(2027, 3, 29), timeout=15_000)  # April's grid
    panel.today_button.click()
    qtbot.waitUntil(lambda: panel.anchor == date.today() and panel.date_edit.date().toPython() == date.today(),
                    timeout=15_000)  # fmt: skip
    assert panel.date_edit.displayFormat() == "dd/MM/yyyy"

    _shown(qtbot, panel, DAY)
    grid = panel.month_grid
    cell = grid.cell_rect(date(2026, 11, 3))
    qtbot.mouseDClick(grid, Qt.MouseButton.LeftButton, pos=QPoint(cell.left() + 6, cell.top() + 6))  # on its date
    qtbot.waitUntil(lambda: panel.mode == "week" and panel.view.filter.starts_on == date(2026, 11, 2), timeout=15_000)
    cell = panel.week_grid.cell_rect(date(2026, 11, 4))
    qtbot.mouseDClick(panel.week_grid, Qt.MouseButton.LeftButton, pos=QPoint(cell.left() + 6, cell.top() + 6))
    qtbot.waitUntil(lambda: panel.out is not None and panel.out.starts_on == panel.out.ends_on == date(2026, 11, 4),
                    timeout=15_000)  # fmt: skip
    assert panel.title_label.text() == "Wednesday 04 Nov 2026"


def test_a_filter_and_who_is_out_open_the_activity_in_partnership_cpd(qtbot, window, demo_db, check_model) -> None:
    panel = window.panels["calendar"]
    panel.activate()
    _shown(qtbot, panel, DAY)
    qtbot.waitUntil(lambda: panel.filters.organisation.count() > 2, timeout=15_000)
    school = _school(demo_db)
    panel.filters.organisation.setCurrentIndex(panel.filters.organisation.findData(school))
    panel.filters.organisation.activated.emit(panel.filters.organisation.currentIndex())
    qtbot.waitUntil(lambda: panel.view.filter.organisation_id == school, timeout=15_000)
    assert panel.view.activities and {a.organisation_id for a in panel.view.activities} == {school}

    panel.mode_buttons["out"].click()
    panel.out_span.setCurrentIndex(1)
    panel.out_span.activated.emit(1)
    qtbot.waitUntil(lambda: panel.out is not None and panel.out.starts_on == date(2026, 11, 16), timeout=15_000)
    check_model(panel.out_model)
    assert [org.organisation_id for org in panel.out.organisations] == [school]
    assert "out at 1 organisation (" in panel.summary.text() and "cover days asked" in panel.summary.text()
    first = panel.out_model.row_at(1).person
    with qtbot.waitSignal(window.context.navigator.route_requested, timeout=5_000) as route:
        panel.out_table.activated.emit(panel.out_model.index(1, 0))
    assert route.args[0] == "activities"
    assert route.args[1] == ActivityFilter(person_id=first.person_id, starts_from=first.starts_on,
                                           starts_before=first.starts_on + timedelta(days=1), sort="start")  # fmt: skip


def test_a_double_clicked_activity_opens_partnership_cpd_on_it(qtbot, window, demo_db) -> None:
    panel = window.panels["calendar"]
    panel.activate()
    _shown(qtbot, panel, DAY)
    qtbot.waitUntil(lambda: panel.filters.organisation.count() > 2, timeout=15_000)
    panel.filters.organisation.setCurrentIndex(panel.filters.organisation.findData(_school(demo_db)))
    panel.mode_buttons["week"].click()
    qtbot.waitUntil(lambda: panel.view.filter.starts_on == date(2026, 11, 16), timeout=15_000)
    assert panel.view.activities and panel.view.filter.organisation_id == _school(demo_db)
    grid = panel.week_grid
    grid.resize(1200, 600)
    grid.repaint()
    with qtbot.waitSignal(window.context.navigator.route_requested, timeout=5_000) as route:
        _double_click(qtbot, grid, lambda item: isinstance(item, ActivityItem))
    opened = route.args[1]
    assert route.args[0] == "activities" and opened.person_id in {a.person_id for a in panel.view.activities}
    cpd = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.filter.person_id == opened.person_id, timeout=15_000)


def test_export_writes_the_view_as_ics(qtbot, window, tmp_path: Path, monkeypatch) -> None:
    panel = window.panels["calendar"]
    panel.activate()
    _shown(qtbot, panel, DAY)
    panel.mode_buttons["week"].click()
    qtbot.waitUntil(lambda: panel.view.filter.starts_on == date(2026, 11, 16), timeout=15_000)
    _save_as(monkeypatch, tmp_path / "week.ics")
    panel.export_button.click()
    written = tmp_path / "week.ics"
    qtbot.waitUntil(written.exists, timeout=20_000)
    events = Calendar.from_ical(written.read_bytes()).walk("VEVENT")
    assert len(events) == len(panel.view.sessions) + panel.view.activity_count
    assert "Behaviour conference" in {str(e["SUMMARY"]) for e in events}
    start = next(e for e in events if str(e["SUMMARY"]) == "Behaviour conference").decoded("DTSTART")
    assert start == datetime(2026, 11, 18, 9, 0)
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()))

    grid = panel.week_grid
    grid.resize(1200, 600)
    grid.repaint()
    hit = next(h for h in grid._hits if isinstance(h.item, SessionItem))
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=hit.rect.center())
    assert panel.selected_item() == hit.item
    _save_as(monkeypatch, tmp_path / "one.ics")
    panel.event_button.click()
    qtbot.waitUntil((tmp_path / "one.ics").exists, timeout=20_000)
    assert len(Calendar.from_ical((tmp_path / "one.ics").read_bytes()).walk("VEVENT")) == 1


def _save_as(monkeypatch, path: Path) -> None:
    """The next export's save dialog answers ``path``.  Driving Qt's own dialog raced with its reading of
    its first folder in the background (it could put the suggested name back); the dialog itself, with
    the suffix it adds and the question before replacing a file, is tested in test_view_export.py."""
    monkeypatch.setattr("desktop.modules.calendar.export.ask_save_path", lambda *_args: path)
