"""File › Preferences…: colour scheme, text size and the panel in front at start-up.

Kept in the same QSettings file as the window layout, read once at start-up and applied at once
when changed. Nothing here imports SQLAlchemy or the panels: start-up applies the saved choice
before the database layer is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from desktop.modules import DEFAULT_MODULE

SCHEME_KEY = "preferences/scheme"
TEXT_SIZE_KEY = "preferences/text_size"
FIRST_PANEL_KEY = "preferences/first_panel"

SYSTEM, LIGHT, DARK = "system", "light", "dark"
SCHEMES: dict[str, str] = {SYSTEM: "Follow Windows", LIGHT: "Light", DARK: "Dark"}
#: point sizes offered; 0 is the system's own size
TEXT_SIZES: tuple[int, ...] = (0, 9, 10, 11, 12, 14, 16)
MIN_TEXT_SIZE, MAX_TEXT_SIZE = 7, 24
DEFAULT_FIRST_PANEL = DEFAULT_MODULE

# The application's font size before any preference changed it, so "system size" can go back to it.
_SYSTEM_SIZE_PROPERTY = "trustdeskSystemPointSize"


@dataclass(frozen=True, slots=True)
class Preferences:
    scheme: str = SYSTEM
    text_size: int = 0  # points; 0: as the system sets it
    first_panel: str = DEFAULT_FIRST_PANEL


def load_preferences(settings: QSettings) -> Preferences:
    """What was saved; anything unreadable (an edited settings file) falls back to the default."""
    scheme = str(settings.value(SCHEME_KEY, SYSTEM))
    try:
        size = int(settings.value(TEXT_SIZE_KEY, 0))  # type: ignore[call-overload]  # typed object; bad values caught below
    except (TypeError, ValueError):
        size = 0
    if size != 0 and not MIN_TEXT_SIZE <= size <= MAX_TEXT_SIZE:
        size = 0
    first = str(settings.value(FIRST_PANEL_KEY, DEFAULT_FIRST_PANEL)) or DEFAULT_FIRST_PANEL
    return Preferences(scheme if scheme in SCHEMES else SYSTEM, size, first)


def save_preferences(settings: QSettings, preferences: Preferences) -> None:
    settings.setValue(SCHEME_KEY, preferences.scheme)
    settings.setValue(TEXT_SIZE_KEY, preferences.text_size)
    settings.setValue(FIRST_PANEL_KEY, preferences.first_panel)
    settings.sync()


def apply_preferences(app: QApplication, preferences: Preferences) -> None:
    """Colours and text size for the whole application, at once (the first panel matters at start-up only)."""
    from resources_qt.style import pin_scheme

    pin_scheme(app, None if preferences.scheme == SYSTEM else preferences.scheme == DARK)
    apply_text_size(app, preferences.text_size)


def system_text_size(app: QApplication) -> float:
    remembered = app.property(_SYSTEM_SIZE_PROPERTY)
    if isinstance(remembered, float) and remembered > 0:
        return remembered
    size = app.font().pointSizeF()
    app.setProperty(_SYSTEM_SIZE_PROPERTY, float(size))
    return size


def apply_text_size(app: QApplication, points: int) -> None:
    """Every widget without a font of its own follows the application font."""
    wanted = float(points) if points else system_text_size(app)
    system_text_size(app)  # remember the system's size before the first change
    font = app.font()
    if font.pointSizeF() != wanted:
        font.setPointSizeF(wanted)
        app.setFont(font)
        # Widgets the style sheet has already polished keep their old font until polished again.
        sheet = app.styleSheet()
        if sheet:
            app.setStyleSheet(sheet)
