"""The first half-second of the GUI: the main window's frame on screen, then everything else.

Importing SQLAlchemy, the models and the panels takes most of start-up (about
0.6 s). This module needs only Qt, so ``trustdesk`` shows the real main window
(its frame: saved size and place, menus, "Opening …") as quickly as a bare
PySide6 program does; the database layer is then imported on a worker thread
while the window keeps painting, and ``desktop.app.Startup`` carries on from
there (open the database, sign in, attach the panels).

Nothing here may import ``db`` modules that need SQLAlchemy: tests/test_launch.py
checks that the frame is up before SQLAlchemy is imported.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from desktop.front_panels import panels_on_screen
from desktop.kit.module import ModuleSpec
from desktop.paths import AppPaths
from desktop.settings_file import open_settings

if TYPE_CHECKING:  # not at run time: desktop.app brings in SQLAlchemy
    from db.errors import TrustDeskError
    from desktop.app import Startup

log = logging.getLogger(__name__)

#: Logged when the main window is first on screen (its frame); bench/bench_startup.py times it.
WINDOW_SHOWN = "Main window shown"


def create_application(argv: list[str] | None = None, *, first_paint_style: bool = False) -> QApplication:
    """The QApplication, styled; ``first_paint_style``: styled without asking Qt for the colour scheme.

    ``run_gui`` asks for the quick style and calls ``apply_style`` once the window is on screen
    (resources_qt/style.py, ``apply_first_paint_style``, says why).
    """
    from desktop import garbage
    from resources_qt import load_resources
    from resources_qt.style import apply_first_paint_style, apply_style, new_fusion_application

    app = QApplication.instance() or new_fusion_application(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("TrustDesk")
    app.setOrganizationName("TrustDesk")
    app.setApplicationDisplayName("TrustDesk")
    garbage.install(app)
    load_resources()
    if first_paint_style:
        apply_first_paint_style(app)
    else:
        apply_style(app)
    from desktop.kit.icons import icon

    app.setWindowIcon(icon("app"))
    return app


def quicker_pyside_module_check() -> None:
    """Make PySide6's per-import check read each module's file instead of asking ``inspect`` for it.

    After PySide6 is imported, every module imported (SQLAlchemy's two hundred, the models, the
    panels) is checked for the text "PySide6" in its source, for PySide6's optional ``__feature__``
    switches. PySide6 asks ``inspect.getsource``, which looks the module up among all the loaded
    ones and splits its file into lines: about a tenth of start-up's imports. Reading the file's
    bytes gives the same answer (the name is plain ASCII) in a fraction of the time. Anything
    else (no ``.py`` file: a frozen build, an extension module) still goes to PySide6's own check;
    so does everything if a later PySide6 changes these internals.
    """
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or original is None or getattr(original, "reads_the_file", False):
        return

    def uses_pyside(module: object) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(original(module))
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(original(module))

    uses_pyside.reads_the_file = True  # type: ignore[attr-defined]
    setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010 (a private name mypy does not know)


def _import_the_rest(first_panels: list[ModuleSpec]) -> None:
    """On a worker thread: module bodies only define classes, so this is safe off the UI thread.

    Only the panels the window will show first: the others are imported after the first rows.
    """
    importlib.import_module("logging.handlers")  # for logging_setup.start_rotating, off the UI thread
    importlib.import_module("desktop.app")
    importlib.import_module("desktop.docks").import_panels(first_panels)


def run_gui(args: argparse.Namespace) -> int:
    from desktop import garbage
    from desktop.first_run import install_excepthook
    from desktop.main_window import MainWindow
    from resources_qt.style import apply_style

    quicker_pyside_module_check()
    paths = AppPaths.under_or_default(args.data_dir)
    paths.ensure()
    install_excepthook(str(paths.logs / "trustdesk.log"))
    app = create_application(first_paint_style=True)
    settings = open_settings(paths)
    frame = MainWindow(settings=settings)
    frame.show()
    app.processEvents()  # painted now, not after the imports below
    log.info("%s (opening the database)", WINDOW_SHOWN)
    from desktop.preferences import apply_preferences, load_preferences

    apply_preferences(app, load_preferences(settings))  # light, dark or the system's; the text size
    apply_style(app)  # the system's real colour scheme (unless Preferences chose one), and follow it from now on

    from desktop.kit.ops import Operations

    app.setQuitOnLastWindowClosed(False)  # dialogs come and go before the window is ready
    loader = Operations(app)
    collector = garbage.install(app)
    collector.pause()  # until the imports below are done (UiThreadGarbageCollector.resume says why)
    startup: Startup | None = None
    exit_code = 0

    def loaded(_none: object) -> None:
        nonlocal startup
        from desktop.app import continue_start
        from desktop.logging_setup import start_rotating

        collector.resume(freeze=True)
        start_rotating()
        startup = continue_start(args, app, paths, settings, frame)

    def failed(error: TrustDeskError) -> None:
        nonlocal exit_code
        collector.resume()
        from desktop.dialogs.errors import show_error

        log.error("Could not load TrustDesk's modules: %s", error.message)
        show_error(frame, error)
        exit_code = 2
        app.exit(2)

    first_panels = panels_on_screen(settings)
    loader.query(lambda: _import_the_rest(first_panels), loaded, failed)
    frame.closed_before_ready.connect(lambda: app.exit(0))
    code = app.exec()
    loader.shutdown(30_000)
    if startup is not None:
        return startup.finish(code)
    return code or exit_code
