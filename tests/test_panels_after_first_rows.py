"""Start-up makes the panels on screen first and the others once the first rows are shown.

These windows are attached as start-up attaches its frame (``rest_after_first_rows``); the
other GUI tests open a window with every panel at once.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDockWidget

from db.engine import Database
from desktop.front_panels import ON_SCREEN_KEY, panels_on_screen, remember_on_screen
from desktop.main_window import MainWindow
from desktop.modules import MODULES
from desktop.preferences import FIRST_PANEL_KEY
from tests.gui_helpers import close_window, dock_tabs, make_context, open_window

EVERY_PANEL = [module.name for module in MODULES]


def _start(qtbot, db: Database, tmp_path: Path) -> MainWindow:
    """As ``trustdesk`` opens the window: the frame first, then the panels for the signed-in user."""
    context = make_context(db, tmp_path)
    window = MainWindow(settings=context.settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.attach(context, rest_after_first_rows=True)
    return window


def _in_front(window: MainWindow) -> list[str]:
    return [panel.object_name for panel in window.docks.on_screen()]


def test_the_panel_in_front_comes_first_and_the_others_after_its_first_rows(qtbot, demo_db, tmp_path) -> None:
    window = _start(qtbot, demo_db, tmp_path)
    assert list(window.panels) == ["partnership_cpd"]
    cpd: Any = window.panels["partnership_cpd"]
    assert len(window.panel_actions) == len(MODULES)  # the View menu lists every panel already

    with qtbot.waitSignal(window.docks.completed, timeout=20_000):
        pass
    assert cpd.model.rowCount() > 0  # the rest came after the first rows
    assert list(window.panels) == EVERY_PANEL
    qtbot.waitUntil(lambda: _in_front(window) == ["partnership_cpd"], timeout=5_000)
    in_module_order = [shiboken6.getCppPointer(window.panels[name])[0] for name in EVERY_PANEL]
    assert dock_tabs(window)[1] == in_module_order  # the tabs' order is the View menu's and Ctrl+1…'s
    behind = [name for name in EVERY_PANEL if name != "partnership_cpd"]
    assert all(window.panels[name].behind_another_tab() for name in behind)
    assert [name for name in behind if window.panels[name].widget() is not None] == []  # none built meanwhile
    close_window(window)


def test_a_panel_asked_for_before_the_rest_are_in_is_made_at_once(qtbot, demo_db, tmp_path) -> None:
    window = _start(qtbot, demo_db, tmp_path)
    window.panel_actions["organisations"].trigger()  # View › Organisations, before the first rows
    organisations: Any = window.panels["organisations"]
    qtbot.waitUntil(lambda: organisations.model.rowCount() >= 10, timeout=10_000)
    window.context.navigator.go("calendar", date(2026, 10, 5))  # a drill-through to a panel not made yet
    calendar: Any = window.panels["calendar"]
    assert calendar.anchor == date(2026, 10, 5)

    qtbot.waitUntil(lambda: window.docks.complete, timeout=20_000)  # perhaps already, after the first rows
    assert list(window.panels) == EVERY_PANEL
    # where the user went, not where the late panels landed (once the window has laid itself out: its
    # tab bars say which tab is in front)
    qtbot.waitUntil(lambda: _in_front(window) == ["calendar"], timeout=5_000)
    assert window.panels["partnership_cpd"].behind_another_tab()
    close_window(window)


def test_a_saved_layout_puts_the_later_panels_back_in_their_places(qtbot, demo_db, tmp_path) -> None:
    first = open_window(qtbot, demo_db, tmp_path)
    first.panels["users_groups"].setFloating(True)  # beside the window, on screen
    first.panels["dashboard"].close()  # closed: View › Dashboard brings it back
    close_window(first)
    assert sorted(first.context.settings.value(ON_SCREEN_KEY)) == ["partnership_cpd", "users_groups"]

    second = _start(qtbot, demo_db, tmp_path)
    assert list(second.panels) == ["users_groups", "partnership_cpd"]  # both on screen: made at once
    floating: Any = second.panels["users_groups"]
    assert floating.isFloating()
    qtbot.waitUntil(lambda: floating.widget() is not None and floating.group_model.rowCount() > 0, timeout=10_000)

    qtbot.waitUntil(lambda: second.docks.complete, timeout=20_000)  # perhaps already, after the first rows
    assert second.panels["dashboard"].isHidden()  # still closed
    qtbot.waitUntil(lambda: sorted(_in_front(second)) == ["partnership_cpd", "users_groups"], timeout=5_000)
    tabbed = [name for name in EVERY_PANEL if name not in ("users_groups", "dashboard")]
    assert dock_tabs(second)[1] == [shiboken6.getCppPointer(second.panels[name])[0] for name in tabbed]
    assert second.panels["organisations"].behind_another_tab()
    close_window(second)


def test_closing_before_the_rest_are_in_keeps_the_saved_layout(qtbot, demo_db, tmp_path) -> None:
    first = open_window(qtbot, demo_db, tmp_path)
    first.panels["users_groups"].setFloating(True)
    close_window(first)
    settings = first.context.settings
    saved = settings.value("window/state")

    second = _start(qtbot, demo_db, tmp_path)
    assert not second.docks.complete
    second.save_layout()  # as closing does
    assert settings.value("window/state") == saved  # the later panels' places are not forgotten
    with qtbot.waitSignal(second.docks.completed, timeout=20_000):
        pass
    close_window(second)


def test_reset_layout_before_the_rest_are_in_lays_out_every_panel(qtbot, demo_db, tmp_path) -> None:
    window = _start(qtbot, demo_db, tmp_path)
    with qtbot.waitSignal(window.docks.completed, timeout=5_000):
        window.reset_layout()
    assert list(window.panels) == EVERY_PANEL
    qtbot.waitUntil(lambda: _in_front(window) == ["partnership_cpd"], timeout=5_000)  # once laid out
    cpd: Any = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.model.rowCount() > 0, timeout=10_000)  # the first rows: the rest's turn
    window.context.ops.wait_for_done(10_000)
    QApplication.processEvents()
    assert len(window.findChildren(QDockWidget)) == len(MODULES)  # nothing made twice
    close_window(window)


def test_the_panels_made_first_come_from_settings_as_saved_or_else_partnership_cpd(tmp_path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)

    def names() -> list[str]:
        return [module.name for module in panels_on_screen(settings)]

    assert names() == ["partnership_cpd"]  # a first start
    remember_on_screen(settings, ["calendar", "users_groups"])
    assert names() == ["users_groups", "partnership_cpd", "calendar"]  # in the modules' order
    remember_on_screen(settings, ["dashboard"])  # a one-item list comes back from the file as a string
    settings.sync()
    assert names() == ["dashboard", "partnership_cpd"]
    settings.setValue(FIRST_PANEL_KEY, "calendar")
    settings.setValue(ON_SCREEN_KEY, 42)  # an edited file: not a list of names
    assert names() == ["calendar"]
    settings.setValue(FIRST_PANEL_KEY, "no_such_module")
    remember_on_screen(settings, ["no_such_module", "inbox"])
    assert names() == ["partnership_cpd", "inbox"]


def test_a_late_panel_saved_in_front_does_not_take_the_front_from_the_first_panel(qtbot, demo_db, tmp_path) -> None:
    """A layout saved before the window remembered which panels were on screen (an older version's
    settings): Calendar was the front tab. Start-up opens on the chosen first panel, as it always did,
    and Calendar, arriving later, goes back behind it."""
    first = open_window(qtbot, demo_db, tmp_path)
    first.panels["calendar"].activate()
    close_window(first)
    first.context.settings.remove(ON_SCREEN_KEY)

    second = _start(qtbot, demo_db, tmp_path)
    assert list(second.panels) == ["partnership_cpd"]
    qtbot.waitUntil(lambda: second.docks.complete, timeout=20_000)
    qtbot.waitUntil(lambda: _in_front(second) == ["partnership_cpd"], timeout=5_000)
    assert second.panels["calendar"].behind_another_tab()
    close_window(second)
