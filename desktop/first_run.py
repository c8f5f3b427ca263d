"""Which database to start on, what to do when there is none yet, and the last-resort error hook.

Order of precedence: ``--db`` / ``--demo`` on the command line, then ``TRUSTDESK_DATABASE_URL``,
then the default database file in the data folder if it exists, then the database chosen in
the welcome dialog last time (remembered in the settings file), and otherwise the welcome
dialog. A database chosen in the dialog that later cannot be opened brings the dialog back with
the reason, instead of an error on every start.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from desktop.paths import AppPaths

if TYPE_CHECKING:  # SQLAlchemy: not imported before the window is on screen (desktop/launch.py)
    from db.engine import DatabaseTarget

log = logging.getLogger(__name__)

#: Settings keys for the database chosen in the welcome dialog.
LAST_DATABASE_KEY = "database/last"
LAST_IS_DEMO_KEY = "database/last_is_demo"

#: Test and benchmark hook: when set to a number of milliseconds, TrustDesk closes its main
#: window that long after showing it and exits 0. Used by scripts/smoke_frozen.sh,
#: scripts/make_screenshots.py and bench/bench_startup.py; harmless for users (never set).
SMOKE_EXIT_ENV = "TRUSTDESK_SMOKE_EXIT_AFTER_MS"
#: The line written to the log when the main window has its panels (the smoke test looks for it).
MAIN_WINDOW_READY = "Main window ready"


@dataclass(frozen=True)
class StartPlan:
    """``target`` None means: ask with the welcome dialog."""

    target: DatabaseTarget | None
    demo: bool = False
    #: chosen in the welcome dialog on an earlier run: if it fails, ask again rather than exit
    remembered: bool = False


def plan_start(args: argparse.Namespace, paths: AppPaths, settings: QSettings) -> StartPlan:
    """``--demo``, ``--db`` or the environment first; then the database chosen last (welcome dialog or
    File › Connect to database…); then the default file; else the welcome dialog."""
    from db.engine import ENV_URL, DatabaseTarget

    if args.demo:
        return StartPlan(DatabaseTarget.parse(args.db or str(paths.demo_database)), demo=True)
    if args.db or os.environ.get(ENV_URL):
        # Named on the command line: opened if it is there, never created (a typo must not leave a database).
        return StartPlan(DatabaseTarget.resolve(args.db, paths.default_database).must_exist())
    last = str(settings.value(LAST_DATABASE_KEY, "") or "")
    if last:
        try:
            target = DatabaseTarget.parse(last)
        except Exception:  # a hand-edited settings file: ask again
            return StartPlan(None)
        if target.sqlite_path is None or target.sqlite_path.exists():
            is_demo = str(settings.value(LAST_IS_DEMO_KEY, "false")).lower() == "true"
            return StartPlan(target, demo=is_demo, remembered=True)
    if paths.default_database.exists():
        # remembered=True: a default file left empty (say, creating the trust failed) brings the dialog back
        return StartPlan(DatabaseTarget.resolve(None, paths.default_database), remembered=True)
    return StartPlan(None)


def remember_database(settings: QSettings, target: DatabaseTarget, *, demo: bool) -> None:
    """Keep the welcome dialog's choice for the next start (a server address without its password)."""
    value = str(target.sqlite_path) if target.is_sqlite else target.url.render_as_string(hide_password=True)
    settings.setValue(LAST_DATABASE_KEY, value)
    settings.setValue(LAST_IS_DEMO_KEY, demo)
    settings.sync()


def forget_database(settings: QSettings) -> None:
    settings.remove(LAST_DATABASE_KEY)
    settings.remove(LAST_IS_DEMO_KEY)
    settings.sync()


def main_window_ready(window: QWidget, username: str, database: str) -> None:
    """Log that the window has its panels and, under the smoke hook, close it after the given delay."""
    log.info("%s: %s signed in to %s", MAIN_WINDOW_READY, username, database)
    delay = os.environ.get(SMOKE_EXIT_ENV, "").strip()
    if not delay:
        return
    try:
        milliseconds = max(0, int(delay))
    except ValueError:
        log.warning("Ignoring %s=%r: not a number of milliseconds", SMOKE_EXIT_ENV, delay)
        return
    log.info("Closing in %d ms (%s)", milliseconds, SMOKE_EXIT_ENV)
    from desktop import smoke

    if smoke.wanted() and isinstance(window, QMainWindow):  # the built program's checks (scripts/windows_build.sh)
        QTimer.singleShot(milliseconds, lambda: smoke.run_then_close(window, database))
        return
    QTimer.singleShot(milliseconds, window.close)


# -- never a traceback ---------------------------------------------------------------------------
def install_excepthook(log_file: str) -> None:
    """A bug must not end in a Python traceback on a CPD lead's screen.

    The traceback goes to the log; the user gets one plain sentence and where the details are.
    The program keeps running (Qt carries on after a slot raises), since the failed click is
    usually all that went wrong.
    """
    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        log.error("Unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)).rstrip())
        if QApplication.instance() is None or os.environ.get(SMOKE_EXIT_ENV):
            # No window to speak in, or an unattended run (smoke test, benchmark) that a modal dialog would hang.
            previous(kind, value, tb)
            return
        try:
            QMessageBox.critical(
                QApplication.activeWindow(),
                "TrustDesk",
                "Something went wrong and that action did not finish. Nothing else was changed.\n\n"
                f"The details were written to {log_file} — please send that file to whoever supports TrustDesk.",
            )
        except Exception:  # the dialog itself failed: the log has it
            log.exception("Could not show the error dialog")

    sys.excepthook = hook
