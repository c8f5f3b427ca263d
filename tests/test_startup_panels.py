"""Start-up builds and loads only what is on screen; the rest comes when the user brings it forward."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject

from desktop import garbage
from desktop.kit.context import Navigator
from desktop.main_window import MainWindow
from tests.gui_helpers import close_window, dock_tabs, open_window

ROOT = Path(__file__).resolve().parent.parent


def test_only_the_panel_in_front_is_built_and_loaded_at_start(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    cpd: Any = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.widget() is not None and cpd.model.rowCount() > 0, timeout=10_000)
    behind = [name for name, panel in window.panels.items() if name != "partnership_cpd"]
    assert all(window.panels[name].behind_another_tab() for name in behind)
    assert [name for name in behind if window.panels[name].widget() is not None] == []
    close_window(window)


def test_a_panel_behind_is_built_when_its_tab_or_view_menu_entry_brings_it_forward(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    panels: dict[str, Any] = dict(window.panels)
    qtbot.waitUntil(lambda: panels["partnership_cpd"].widget() is not None, timeout=10_000)
    assert panels["organisations"].widget() is None

    bar, docks = dock_tabs(window)
    bar.setCurrentIndex(docks.index(shiboken6.getCppPointer(panels["organisations"])[0]))  # a click on its tab
    qtbot.waitUntil(lambda: panels["organisations"].widget() is not None, timeout=10_000)
    qtbot.waitUntil(lambda: panels["organisations"].model.rowCount() >= 10, timeout=10_000)
    assert not panels["organisations"].behind_another_tab() and panels["partnership_cpd"].behind_another_tab()

    assert panels["dashboard"].widget() is None
    window.panel_actions["dashboard"].trigger()  # View › Dashboard
    qtbot.waitUntil(lambda: panels["dashboard"].spend_model.rowCount() > 0, timeout=10_000)
    close_window(window)


def test_a_restored_layout_builds_the_panels_it_puts_on_screen(qtbot, demo_db, tmp_path) -> None:
    first = open_window(qtbot, demo_db, tmp_path)
    first.panels["users_groups"].setFloating(True)  # on screen beside the window, not a tab
    close_window(first)

    second = open_window(qtbot, demo_db, tmp_path)
    floating: Any = second.panels["users_groups"]
    assert floating.isFloating()
    qtbot.waitUntil(lambda: floating.widget() is not None, timeout=10_000)
    qtbot.waitUntil(lambda: floating.group_model.rowCount() > 0, timeout=10_000)
    assert second.panels["dashboard"].widget() is None  # still a tab behind Partnership CPD
    close_window(second)


def test_the_status_bar_count_comes_after_the_first_rows(qtbot, demo_db, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(Navigator, "FIRST_VIEW_TIMEOUT_MS", 600_000)  # only the first rows can let it start
    window = open_window(qtbot, demo_db, tmp_path)
    inbox: Any = window.panels["inbox"]
    count = inbox.count_button
    cpd: Any = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: count.text() != "…", timeout=10_000)
    assert cpd.model.rowCount() > 0  # the page the user waited for came first
    close_window(window)


def test_start_up_chores_wait_for_the_first_view_or_the_time_limit(qtbot) -> None:
    navigator = Navigator()
    owner = QObject()
    ran: list[str] = []
    navigator.after_first_view(lambda: ran.append("counts"), owner)
    qtbot.wait(10)
    assert ran == []
    navigator.first_view_done()
    navigator.first_view_done()  # said again (another page): nothing runs twice
    assert ran == ["counts"]
    navigator.after_first_view(lambda: ran.append("later"), owner)  # after the first view: at once
    assert ran == ["counts", "later"]

    quiet = Navigator()  # a front panel that never says it is shown
    quiet.after_first_view(lambda: ran.append("anyway"), owner)
    qtbot.waitUntil(lambda: "anyway" in ran, timeout=Navigator.FIRST_VIEW_TIMEOUT_MS + 3000)
    gone = QObject()
    quiet.after_first_view(lambda: ran.append("never"), gone)
    shiboken6.delete(gone)
    quiet.first_view_done()
    assert "never" not in ran


def test_the_collector_can_wait_for_start_up_and_then_freeze_what_it_imported(qapp) -> None:
    collector = garbage.install(qapp)
    try:
        collector.pause()
        assert not collector._timer.isActive()
        collector.resume(freeze=True)
        assert collector._timer.isActive() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_quicker_pyside_check_gives_pyside_s_own_answers() -> None:
    script = """
import sys
import PySide6.QtWidgets
import desktop.main_window, db.errors, json, desktop.kit.formatting
feature = sys.modules["shibokensupport.feature"]
original = feature._mod_uses_pyside
from desktop.launch import quicker_pyside_module_check
quicker_pyside_module_check()
quicker = feature._mod_uses_pyside
assert quicker is not original
names = ["desktop.main_window", "db.errors", "json", "sys", "desktop.kit.formatting", "PySide6.QtCore"]
print(" ".join(f"{name}={original(sys.modules[name])}/{quicker(sys.modules[name])}" for name in names))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    answers = dict(pair.split("=") for pair in result.stdout.split())
    assert answers["desktop.main_window"] == "True/True"
    assert answers["db.errors"] == "False/False"
    assert all(len(set(both.split("/"))) == 1 for both in answers.values()), answers


def test_the_panels_import_neither_the_mail_composer_nor_the_workbook_nor_icalendar() -> None:
    """What start-up imports before the first rows: the panels' classes, not what their buttons use."""
    script = """
import sys
import PySide6.QtWidgets
import desktop.app
from desktop.docks import import_panels
import_panels()
heavy = ("db.services.outbox", "jinja2", "icalendar", "xlsxwriter", "openpyxl", "db.excel.export")
print(",".join(name for name in heavy if name in sys.modules))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_first_page_read_with_the_lists_is_not_shown_for_a_filter_the_bar_cannot_show(
    qtbot, demo_db, tmp_path
) -> None:
    """Start-up reads the remembered filter's first page with the lists; a school gone since is "all schools"."""
    from db.queries.activities import ActivityFilter
    from desktop.modules.partnership_cpd.filter_bar import filter_to_text
    from desktop.modules.partnership_cpd.panel import SETTINGS_FILTER
    from tests.gui_helpers import make_context

    context = make_context(demo_db, tmp_path)
    context.settings.setValue(SETTINGS_FILTER, filter_to_text(ActivityFilter(organisation_id=987_654, sort="cost"), ""))
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    cpd: Any = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.widget() is not None and cpd.model.rowCount() > 0, timeout=10_000)
    assert cpd.filter.organisation_id is None and cpd.filter.sort == "cost"
    assert cpd.bar.org_box.currentData() is None
    close_window(window)


def test_partnership_cpd_s_first_rows_leave_in_front_the_panel_chosen_meanwhile(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    cpd: Any = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: not cpd._stale, timeout=5_000)  # on screen, its first view is being read
    window.panel_actions["organisations"].trigger()  # the user goes to Organisations meanwhile
    qtbot.waitUntil(lambda: cpd.model.rowCount() > 0, timeout=10_000)
    qtbot.wait(50)
    assert not window.panels["organisations"].behind_another_tab()
    assert cpd.behind_another_tab()
    close_window(window)
