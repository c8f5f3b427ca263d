"""Starting the GUI: a database we cannot use is a dialog and an exit code, not a traceback."""

from __future__ import annotations

from pathlib import Path

from db.engine import DatabaseTarget
from db.errors import TrustDeskError
from desktop import app as app_module
from desktop.app import Startup, create_application
from desktop.paths import AppPaths


def test_a_bad_database_is_reported_and_the_app_exits(qtbot, tmp_path: Path, monkeypatch) -> None:
    shown: list[TrustDeskError] = []
    monkeypatch.setattr(app_module, "show_error", lambda _parent, error: shown.append(error))
    bad = tmp_path / "budget.sqlite"
    bad.write_text("not a database")
    app = create_application()
    paths = AppPaths.under(tmp_path / "app")
    paths.ensure()
    startup = Startup(app, DatabaseTarget.parse(str(bad)), paths, demo=False, username=None)
    exits: list[int] = []
    monkeypatch.setattr(app, "exit", exits.append)
    startup.start()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "not a TrustDesk database" in shown[0].message
    assert exits == [2]
    assert bad.read_text() == "not a database"
    startup.ops.wait_for_done(5000)


def test_demo_start_builds_the_trust_and_opens_the_window(qtbot, tmp_path: Path) -> None:
    app = create_application()
    paths = AppPaths.under(tmp_path / "app")
    paths.ensure()
    startup = Startup(app, DatabaseTarget.parse(str(paths.demo_database)), paths, demo=True, username="sam.patel")
    startup.start()
    qtbot.waitUntil(lambda: startup.window is not None, timeout=60_000)
    assert startup.window.context.user.username == "sam.patel"
    assert "demo-trust.sqlite" in startup.window.database_label.text()
    startup.ops.wait_for_done(10_000)
    startup.window.close()
    startup.db.dispose()
