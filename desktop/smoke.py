"""Unattended checks of a running TrustDesk, for the smoke tests of the built program.

Only under the smoke hook (``TRUSTDESK_SMOKE_EXIT_AFTER_MS``, see desktop.first_run), never in a
user's session. Before the hook closes the main window:

- ``TRUSTDESK_SMOKE_CHECKS=1`` opens Help › User guide and Help › About through their menu actions,
  as a user would, and logs one "Smoke check: …" line for each: the bundled guide must render with
  its screenshots, and About must name this version. A failure logs "Smoke check failed: …" and makes
  the program exit 3, so a packaging mistake (docs/ or an image plug-in left out of the bundle) fails CI.
- ``TRUSTDESK_SMOKE_SCREENSHOT=FILE.png`` waits for the panels to finish loading, then saves the main
  window at the size of the user guide's screenshots (scripts/windows_build.sh makes the guide's
  picture of the Windows program this way).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

log = logging.getLogger(__name__)

SMOKE_CHECKS_ENV = "TRUSTDESK_SMOKE_CHECKS"
SMOKE_SCREENSHOT_ENV = "TRUSTDESK_SMOKE_SCREENSHOT"
#: exit status when a smoke check fails (0 is success, 2 a refusal the user was told about)
CHECK_FAILED_EXIT = 3
#: the size of the user guide's screenshots (scripts/make_screenshots.py)
SCREENSHOT_SIZE = (1400, 860)
#: the longest the panels may take to load before the screenshot is taken anyway
LOAD_TIMEOUT_S = 60.0


class SmokeCheckFailed(Exception):
    """What a user would have seen go wrong, in one sentence."""


def wanted() -> bool:
    """Whether anything here was asked for (the caller has already seen the smoke hook is on)."""
    return os.environ.get(SMOKE_CHECKS_ENV, "") not in ("", "0") or bool(os.environ.get(SMOKE_SCREENSHOT_ENV))


def run_then_close(window: QMainWindow, database: str) -> None:
    """The screenshot first (it also shows what went wrong when a check fails), then the checks, then close
    the window (exit 3 if anything failed)."""
    shot = os.environ.get(SMOKE_SCREENSHOT_ENV, "")
    if not shot:
        _check_then_close(window, database)
        return
    window.showNormal()
    window.resize(*SCREENSHOT_SIZE)

    def save_then_check() -> None:
        path = Path(shot)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not window.grab().save(str(path)):
            log.error("Smoke check failed: could not save the screenshot to %s", path)
            _close_with(window, CHECK_FAILED_EXIT)
            return
        log.info("Smoke check: screenshot saved to %s (%dx%d)", path, window.width(), window.height())
        _check_then_close(window, database)

    _when_idle(window, save_then_check)


def _check_then_close(window: QMainWindow, database: str) -> None:
    try:
        if os.environ.get(SMOKE_CHECKS_ENV, "") not in ("", "0"):
            check_user_guide(window)
            check_about(window, database)
    except SmokeCheckFailed as failure:
        log.error("Smoke check failed: %s", failure)
        _close_with(window, CHECK_FAILED_EXIT)
        return
    window.close()


def _menu_action(window: QMainWindow, text: str) -> QAction:
    for action in window.menuBar().actions():
        menu = action.menu()
        if menu is None:
            continue
        for item in menu.actions():  # type: ignore[attr-defined]
            if item.text().replace("&", "") == text:
                return item
    raise SmokeCheckFailed(f"the menus have no “{text}”")


def _shown(kind: type[QWidget]) -> QWidget | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
    return shown[0] if len(shown) == 1 else None


def check_user_guide(window: QMainWindow) -> None:
    """Help › User guide shows the bundled guide, not its "not found" page, and every screenshot in it loads."""
    from desktop.dialogs.user_guide_dialog import UserGuideDialog

    _menu_action(window, "User guide").trigger()
    QApplication.processEvents()
    guide = _shown(UserGuideDialog)
    if not isinstance(guide, UserGuideDialog):
        raise SmokeCheckFailed("Help › User guide opened no window")
    document = guide.browser.document()
    text = document.toPlainText()
    if not text.startswith("TrustDesk user guide"):
        raise SmokeCheckFailed(f"the user guide window shows “{text[:60]}” instead of the guide")
    names = _image_names(document)
    missing = [name for name in names if _image_width(document, name) == 0]
    if not names or missing:
        raise SmokeCheckFailed(f"the user guide's screenshots do not load: {missing[:3] or 'none found'}")
    log.info("Smoke check: user guide shown (%d characters, %d screenshots loaded)", len(text), len(names))
    guide.close()


def _image_names(document: QTextDocument) -> list[str]:
    names: list[str] = []
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.isValid() and fragment.charFormat().isImageFormat():
                names.append(fragment.charFormat().toImageFormat().name())
            iterator += 1
        block = block.next()
    return names


def _image_width(document: QTextDocument, name: str) -> int:
    source = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
    return int(source.width()) if hasattr(source, "width") else 0


def check_about(window: QMainWindow, database: str) -> None:
    """Help › About (a modal dialog: checked from inside its own event loop, then closed)."""
    from desktop.dialogs.about_dialog import AboutDialog
    from desktop.version import __version__

    seen: list[str] = []

    def look() -> None:
        about = _shown(AboutDialog)
        if not isinstance(about, AboutDialog):
            return
        facts = dict(about.facts)
        frozen = getattr(sys, "frozen", False)
        expected = {"Version": __version__, "Database": database}
        expected["Running"] = "installed program" if frozen else "from source"
        wrong = [f"{key} is “{facts.get(key)}”" for key, value in expected.items() if facts.get(key) != value]
        seen.append(
            "; ".join(wrong) if wrong else f"TrustDesk {facts['Version']}, {facts['Running']}, {facts['Built with']}"
        )
        about.accept()

    QTimer.singleShot(200, look)
    _menu_action(window, "About TrustDesk").trigger()  # returns when look() has closed it
    if not seen:
        raise SmokeCheckFailed("Help › About TrustDesk opened no window")
    if " is “" in seen[0]:
        raise SmokeCheckFailed(f"About shows the wrong facts: {seen[0]}")
    log.info("Smoke check: About shown (%s)", seen[0])


def _when_idle(window: QMainWindow, then: Callable[[], None]) -> None:
    """Call ``then`` once no database work has run for half a second (or after LOAD_TIMEOUT_S)."""
    context = getattr(window, "context", None)
    ops = getattr(context, "ops", None)
    deadline = time.monotonic() + LOAD_TIMEOUT_S
    quiet: list[float] = []

    def poll() -> None:
        busy = bool(ops.running) if ops is not None else False
        now = time.monotonic()
        if busy:
            quiet.clear()
        elif not quiet:
            quiet.append(now)
        if (quiet and now - quiet[0] >= 0.5) or now > deadline:
            then()
        else:
            QTimer.singleShot(100, poll)

    QTimer.singleShot(100, poll)


def _close_with(window: QMainWindow, code: int) -> None:
    """Close the window, then set the exit status (closing the last window would quit with 0)."""
    window.close()
    QApplication.exit(code)
