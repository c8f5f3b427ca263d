"""Starting the GUI: a database we cannot use is a dialog and an exit code, not a traceback."""

from __future__ import annotations

from pathlib import Path

from db.engine import DatabaseTarget
from db.errors import TrustDeskError
from desktop import app as app_module
from desktop.app import Startup
from desktop.launch import create_application
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
    with qtbot.waitSignal(startup.finished, timeout=10_000) as finished:
        startup.start()
    assert finished.args == [2]
    assert "not a TrustDesk database" in shown[0].message
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


def test_the_frame_on_screen_becomes_the_main_window(qtbot, tmp_path: Path) -> None:
    from desktop.main_window import MainWindow
    from desktop.settings_file import open_settings

    app = create_application()
    paths = AppPaths.under(tmp_path / "app")
    paths.ensure()
    settings = open_settings(paths)
    frame = MainWindow(settings=settings)
    qtbot.addWidget(frame)
    frame.show()
    assert not frame.attached and frame.panels == {}
    assert [action.text() for action in frame.menuBar().actions()] == ["&File", "&View", "&Help"]
    size = frame.size()
    target = DatabaseTarget.parse(str(paths.demo_database))
    startup = Startup(app, target, paths, demo=True, username="sam.patel", settings=settings, frame=frame)
    startup.start()
    assert "demo-trust.sqlite" in frame.opening_label.text()
    qtbot.waitUntil(lambda: startup.window is not None, timeout=60_000)
    assert startup.window is frame and frame.attached
    assert frame.centralWidget() is None  # the panels fill the window…
    # …which keeps its size (five panels side by side once made it grow off screen), growing only to the
    # panels' minimum where the screen is narrower than that (this screen: 800 pixels)
    assert frame.size() == size.expandedTo(frame.minimumSizeHint())
    assert "partnership_cpd" in frame.panels and "Switch &user…" in [a.text() for a in frame.file_menu.actions()]
    assert frame.windowTitle() == "demo-trust.sqlite — Sam Patel"  # Qt adds " — TrustDesk"
    startup.ops.wait_for_done(10_000)
    frame.close()
    assert startup.finish(0) == 0


def test_closing_the_frame_before_it_is_ready_says_so(qtbot, tmp_path: Path) -> None:
    from desktop.main_window import MainWindow
    from desktop.settings_file import open_settings

    create_application()
    paths = AppPaths.under(tmp_path / "app")
    paths.ensure()
    frame = MainWindow(settings=open_settings(paths))
    qtbot.addWidget(frame)
    frame.show()
    with qtbot.waitSignal(frame.closed_before_ready, timeout=2_000):
        frame.close()
    assert open_settings(paths).value("window/geometry") is not None  # its size and place are kept
