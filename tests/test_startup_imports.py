"""Start-up stays quick: an up-to-date database opens without Alembic, the GUI without openpyxl or the demo,
and a SQLite database without SQLAlchemy's PostgreSQL dialect (50 ms to import)."""

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
    # On PostgreSQL this was None, and the script opened str(None): an empty database named "None" in the
    # repository. Never run with a path that is not there, and run in tmp_path so a mistake lands there.
    assert path is not None and path.is_file()
    demo_db.dispose()
    script = f"""
import sys
from desktop.cli import build_parser
from desktop.app import Startup
from db.engine import DatabaseTarget
from db.migrate import open_database
open_database(DatabaseTarget.parse({str(path)!r}).must_exist()).dispose()
lazy = ("alembic", "mako", "pygments", "openpyxl", "db.demo", "PySide6.QtCharts", "sqlalchemy.dialects.postgresql")
heavy = [name for name in lazy if name in sys.modules]
print(",".join(heavy))
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env, check=True)
    assert result.stdout.strip() == ""


def test_the_main_window_is_on_screen_before_the_database_layer_is_imported(tmp_path) -> None:
    """A double-click answers as fast as a bare Qt program (desktop/launch.py's run_gui, step by step).

    The frame needs neither SQLAlchemy, the models, nor the rotating log handler (logging.handlers
    brings socket, pickle and queue); nor PySide6's ``Qt`` namespace or ``QStyle`` type, which
    PySide6 builds the first time Python touches them (15 ms and 6 ms).
    """
    script = f"""
import sys
from pathlib import Path
import PySide6.QtCore, PySide6.QtWidgets
from desktop.cli import parse_args
from desktop.launch import create_application
from desktop.settings_file import open_settings
from desktop.logging_setup import configure_logging
from desktop.main_window import MainWindow
from desktop.paths import AppPaths
from resources_qt import style
parse_args(["--demo"])
app = create_application(first_paint_style=True)
paths = AppPaths.under(Path({str(tmp_path)!r}))
paths.ensure()
configure_logging(paths.logs, rotate_now=False)
frame = MainWindow(settings=open_settings(paths))
frame.show()
app.processEvents()
later = ("sqlalchemy", "db.engine", "db.models", "desktop.docks", "logging.handlers")
loaded = [name for name in later if name in sys.modules]
built = [name for name, module in (("Qt", PySide6.QtCore), ("QStyle", PySide6.QtWidgets)) if name in module.__dict__]
print("visible" if frame.isVisible() else "hidden", ",".join(loaded + built))
style.apply_style(app)  # what run_gui does next: the real scheme (offscreen: light)
styles = [app.style(), *app.style().findChildren(PySide6.QtWidgets.QStyle)]
print("fusion" if any(s.name().lower() == "fusion" for s in styles) else "not-fusion")
print("dark" if style.is_dark() else "light", app.palette().color(app.palette().ColorRole.Window).name())
"""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, check=True)
    assert result.stdout.split() == ["visible", "fusion", "light", "#f4f6f9"]
