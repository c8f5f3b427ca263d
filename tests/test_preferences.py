"""File › Preferences…: light / dark / follow the system, text size and the first panel — at once, and remembered."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from desktop.dialogs.preferences_dialog import PreferencesDialog
from desktop.preferences import DARK, Preferences, load_preferences, save_preferences
from resources_qt import style
from tests.gui_helpers import close_window, open_window


@pytest.fixture
def restore_app(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(style, "_dark", None)
    palette, sheet, font = QPalette(qapp.palette()), qapp.styleSheet(), qapp.font()
    yield
    qapp.setProperty("trustdeskPinnedScheme", "")
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)
    qapp.setFont(font)


@pytest.fixture
def window(qtbot, demo_db, tmp_path, restore_app):
    win = open_window(qtbot, demo_db, tmp_path)
    yield win
    close_window(win)


def _dialog(qtbot, window) -> PreferencesDialog:
    dialog = PreferencesDialog(window.settings, [(p.object_name, p.title) for p in window.panels.values()], window)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _window_colour(qapp) -> int:
    return qapp.palette().color(QPalette.ColorRole.Window).lightness()


def test_dark_applies_at_once_stays_when_windows_switches_and_is_remembered(qtbot, qapp, window) -> None:
    dialog = _dialog(qtbot, window)
    dialog.scheme_buttons[DARK].click()
    assert style.is_dark() and _window_colour(qapp) < 80
    style._on_scheme_changed(Qt.ColorScheme.Light)  # Windows switches to light: the choice stands
    assert style.is_dark()
    assert load_preferences(window.settings).scheme == DARK

    dialog.scheme_buttons["system"].click()  # back to following Windows (offscreen: light)
    assert not style.is_dark() and _window_colour(qapp) > 200
    style._on_scheme_changed(Qt.ColorScheme.Dark)
    assert style.is_dark()


def test_text_size_changes_every_widget_at_once(qtbot, qapp, window) -> None:
    system = qapp.font().pointSizeF()
    dialog = _dialog(qtbot, window)
    dialog.size_box.setCurrentIndex(dialog.size_box.findData(14))
    assert qapp.font().pointSizeF() == 14
    assert window.panels["partnership_cpd"].widget().font().pointSizeF() == 14
    assert load_preferences(window.settings).text_size == 14
    dialog.size_box.setCurrentIndex(dialog.size_box.findData(0))
    assert qapp.font().pointSizeF() == system


def test_the_chosen_first_panel_is_in_front_next_time(qtbot, demo_db, tmp_path, restore_app) -> None:
    first = open_window(qtbot, demo_db, tmp_path)
    dialog = _dialog(qtbot, first)
    dialog.panel_box.setCurrentIndex(dialog.panel_box.findData("organisations"))
    close_window(first)
    second = open_window(qtbot, demo_db, tmp_path)
    organisations = second.panels["organisations"]
    qtbot.waitUntil(lambda: organisations.isVisible() and not organisations.visibleRegion().isEmpty())
    assert (
        not second.panels["partnership_cpd"].isVisible() or second.panels["partnership_cpd"].visibleRegion().isEmpty()
    )
    close_window(second)


def test_a_damaged_settings_file_falls_back_to_the_defaults(window) -> None:
    window.settings.setValue("preferences/scheme", "purple")
    window.settings.setValue("preferences/text_size", "huge")
    assert load_preferences(window.settings) == Preferences()
    save_preferences(window.settings, Preferences(text_size=99))
    assert load_preferences(window.settings).text_size == 0
