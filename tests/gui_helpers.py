"""Building the real main window on a test database; finding the dialogs it opens."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TypeVar

import shiboken6
from PySide6.QtWidgets import QApplication, QTabBar, QWidget

from db.engine import Database
from db.queries.users import list_users
from desktop.app import build_context
from desktop.kit.context import AppContext
from desktop.kit.ops import Operations
from desktop.launch import create_application
from desktop.main_window import MainWindow
from desktop.paths import AppPaths
from desktop.settings_file import open_settings

W = TypeVar("W", bound=QWidget)


def make_context(db: Database, tmp_path: Path, username: str = "sam.patel") -> AppContext:
    create_application()
    paths = AppPaths.under(tmp_path / "app")
    paths.ensure()
    user = next(u for u in list_users(db) if u.username == username)
    return build_context(db, user, paths, open_settings(paths), Operations())


def open_window(qtbot, db: Database, tmp_path: Path, username: str = "sam.patel") -> MainWindow:
    window = MainWindow(make_context(db, tmp_path, username))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def close_window(window: MainWindow) -> None:
    """Close as a user would once the work has finished: a change still being saved makes the window
    ask first (a modal question nobody answers in a test), and an operation counts as running until
    its result has been delivered on the UI thread, after its worker is done."""
    ops = window.context.ops
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        ops.wait_for_done(1_000)
        QApplication.processEvents()
        if not any(op.is_action for op in ops.running):
            break
    window.close()


def dock_tabs(window: MainWindow) -> tuple[QTabBar, list[object]]:
    """The main window's own tab bar of docks and, per tab, the dock it stands for (Qt's tab data)."""
    for bar in window.findChildren(QTabBar):
        docks = [bar.tabData(index) for index in range(bar.count())]
        if shiboken6.getCppPointer(window.panels["partnership_cpd"])[0] in docks:
            return bar, docks
    raise AssertionError("the docks are not tabbed together")


def shown_windows(kind: type[W]) -> list[W]:
    """The windows of ``kind`` on screen now (dialogs, message boxes, menus), as a user would see them.

    Production code keeps no "last dialog opened" for tests: they look where the user looks.
    """
    return [widget for widget in QApplication.topLevelWidgets() if isinstance(widget, kind) and widget.isVisible()]


def wait_for_window(qtbot, kind: type[W], *, other_than: QWidget | None = None, timeout: int = 10_000) -> W:
    """Wait until exactly one window of ``kind`` (not ``other_than``) is on screen, and return it."""
    found: list[W] = []

    def one_shown() -> bool:
        found[:] = [widget for widget in shown_windows(kind) if widget is not other_than]
        return len(found) == 1

    qtbot.waitUntil(one_shown, timeout=timeout)
    return found[0]


def wait_all_ticked(qtbot, panel) -> None:
    """After "Tick all N matching": until its rows' versions are read (the ticks show before they are)."""
    qtbot.waitUntil(lambda: panel._all_match is not None and not panel.model.reading_ticks, timeout=10_000)
