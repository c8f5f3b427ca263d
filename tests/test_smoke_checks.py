"""The built program's smoke checks (desktop/smoke.py), which CI runs in the Windows build under Wine.

Each check must pass on a sound window and fail, in one sentence, when what the user would see is wrong.
"""

from __future__ import annotations

import logging
import re

import pytest

from desktop import smoke
from desktop.dialogs.about_dialog import AboutDialog
from desktop.dialogs.user_guide_dialog import UserGuideDialog
from tests.gui_helpers import close_window, open_window, shown_windows


def test_the_checks_open_the_guide_and_about_through_the_help_menu(qtbot, demo_db, tmp_path, caplog) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    with caplog.at_level(logging.INFO, logger="desktop.smoke"):
        smoke.check_user_guide(window)
        smoke.check_about(window, demo_db.display)
    assert re.search(r"Smoke check: user guide shown \(\d+ characters, \d+ screenshots loaded\)", caplog.text)
    assert "Smoke check: About shown (TrustDesk " in caplog.text and "from source" in caplog.text
    assert not shown_windows(UserGuideDialog) and not shown_windows(AboutDialog)
    close_window(window)


def test_about_naming_another_database_fails_the_check(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    with pytest.raises(smoke.SmokeCheckFailed, match="About shows the wrong facts: Database is"):
        smoke.check_about(window, "another-trust.sqlite")
    assert not shown_windows(AboutDialog)
    close_window(window)


def test_the_screenshot_is_taken_once_the_panels_have_loaded(qtbot, demo_db, tmp_path, monkeypatch) -> None:
    shot = tmp_path / "shots" / "main_window.png"
    monkeypatch.setenv(smoke.SMOKE_SCREENSHOT_ENV, str(shot))
    window = open_window(qtbot, demo_db, tmp_path)
    assert smoke.wanted()
    smoke.run_then_close(window, demo_db.display)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=60_000)
    assert shot.stat().st_size > 10_000
    assert not window.context.ops.running
