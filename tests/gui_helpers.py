"""Building the real main window on a test database."""

from __future__ import annotations

from pathlib import Path

from db.engine import Database
from db.queries.users import list_users
from desktop.app import build_context
from desktop.kit.context import AppContext
from desktop.kit.ops import Operations
from desktop.launch import create_application
from desktop.main_window import MainWindow
from desktop.paths import AppPaths
from desktop.settings_file import open_settings


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
    window.context.ops.wait_for_done(10_000)
    window.close()
