"""Start-up stays quick: an up-to-date database opens without Alembic, the GUI without openpyxl or the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.migrate import declared_head, head_revision

ROOT = Path(__file__).resolve().parent.parent


def test_declared_head_matches_alembic() -> None:
    assert declared_head() == head_revision()


@pytest.mark.engines("sqlite")  # start-up cost of the default, personal database; a server is checked by Alembic
def test_opening_the_demo_imports_only_what_start_up_needs(demo_db, tmp_path) -> None:
    path = demo_db.target.sqlite_path
    demo_db.dispose()
    script = f"""
import sys
from desktop.cli import build_parser
from desktop.app import Startup
from db.engine import DatabaseTarget
from db.migrate import open_database
open_database(DatabaseTarget.parse({str(path)!r})).dispose()
lazy = ("alembic", "mako", "pygments", "openpyxl", "db.demo", "PySide6.QtCharts")
heavy = [name for name in lazy if name in sys.modules]
print(",".join(heavy))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    assert result.stdout.strip() == ""


def test_the_main_window_is_on_screen_before_the_database_layer_is_imported(tmp_path) -> None:
    """A double-click answers as fast as a bare Qt program: the frame needs neither SQLAlchemy, the models,
    nor the rotating log handler (logging.handlers brings socket, pickle and queue)."""
    script = f"""
import sys
from pathlib import Path
from desktop.cli import parse_args
from desktop.launch import create_application, open_settings
from desktop.logging_setup import configure_logging
from desktop.main_window import MainWindow
from desktop.paths import AppPaths
parse_args(["--demo"])  # as `trustdesk --demo` does before it starts the window
app = create_application()
paths = AppPaths.under(Path({str(tmp_path)!r}))
paths.ensure()
configure_logging(paths.logs, rotate_now=False)
frame = MainWindow(settings=open_settings(paths))
frame.show()
app.processEvents()
later = ("sqlalchemy", "db.engine", "db.models", "desktop.panels.registry", "logging.handlers")
loaded = [name for name in later if name in sys.modules]
from PySide6.QtWidgets import QStyle  # after the checks: asking for the style builds PySide6's QStyle type
styles = [app.style(), *app.style().findChildren(QStyle)]
print("fusion" if any(style.name().lower() == "fusion" for style in styles) else "not-fusion")
print("visible" if frame.isVisible() else "hidden", ",".join(loaded))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    assert result.stdout.split() == ["fusion", "visible"]
