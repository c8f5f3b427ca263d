"""Application look: Fusion, a palette matching the system's light or dark mode, and a small QSS.

Fusion draws the same on every Windows version and honours a palette fully (the native Windows
style ignores most of it), so one palette per scheme gives a consistent, readable app in both
modes. The style sheets only add what a palette cannot express: table headers, dock titles,
toolbar spacing and the dashboard "cards". Sizes in the sheets are logical pixels and fonts are
in points, so they scale with Windows display scaling (Qt 6 scales high-DPI by default).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from resources_qt import load_resources

if TYPE_CHECKING:  # at run time imported where used: see apply_first_paint_style
    from PySide6.QtCore import Qt

__all__ = [
    "apply_first_paint_style",
    "apply_scheme",
    "apply_style",
    "build_palette",
    "current_scheme",
    "is_dark",
    "new_fusion_application",
    "pin_scheme",
    "platform_palette_is_dark",
    "set_warning",
    "style_sheet",
    "uses_fusion",
]

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# One table per scheme; the neutral ink and accent match the icons (#3b4a5a, #2a7ab0).
_LIGHT: dict[QPalette.ColorRole, str] = {
    Role.Window: "#f4f6f9",
    Role.WindowText: "#1f2933",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#f3f6f9",
    Role.ToolTipBase: "#ffffff",
    Role.ToolTipText: "#1f2933",
    Role.PlaceholderText: "#8a96a3",
    Role.Text: "#1f2933",
    Role.Button: "#eef1f5",
    Role.ButtonText: "#1f2933",
    Role.BrightText: "#ffffff",
    Role.Light: "#ffffff",
    Role.Midlight: "#e3e8ee",
    Role.Mid: "#c3ccd6",
    Role.Dark: "#9aa6b2",
    Role.Shadow: "#6b7785",
    Role.Highlight: "#2a7ab0",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#1f6fa3",
    Role.LinkVisited: "#6b4fa0",
    Role.Accent: "#2a7ab0",
}
_LIGHT_DISABLED: dict[QPalette.ColorRole, str] = {
    Role.WindowText: "#9aa5b1",
    Role.Text: "#9aa5b1",
    Role.ButtonText: "#9aa5b1",
    Role.Highlight: "#b8c6d3",
    Role.HighlightedText: "#f4f6f9",
}

_DARK: dict[QPalette.ColorRole, str] = {
    Role.Window: "#1f2329",
    Role.WindowText: "#e3e8ee",
    Role.Base: "#181b20",
    Role.AlternateBase: "#20252b",
    Role.ToolTipBase: "#2a3038",
    Role.ToolTipText: "#e3e8ee",
    Role.PlaceholderText: "#7d8894",
    Role.Text: "#e3e8ee",
    Role.Button: "#2a3038",
    Role.ButtonText: "#e3e8ee",
    Role.BrightText: "#ffffff",
    Role.Light: "#3a424c",
    Role.Midlight: "#313840",
    Role.Mid: "#262c33",
    Role.Dark: "#15181c",
    Role.Shadow: "#0b0d10",
    Role.Highlight: "#3b8fcb",
    Role.HighlightedText: "#ffffff",
    Role.Link: "#6cb6ea",
    Role.LinkVisited: "#b39ddb",
    Role.Accent: "#3b8fcb",
}
_DARK_DISABLED: dict[QPalette.ColorRole, str] = {
    Role.WindowText: "#6b7681",
    Role.Text: "#6b7681",
    Role.ButtonText: "#6b7681",
    Role.Highlight: "#34404c",
    Role.HighlightedText: "#9aa5b1",
}

# Set on the QApplication once apply_style() has connected to colorSchemeChanged, so that
# calling apply_style() again (e.g. from tests or a settings dialog) does not connect twice.
_FOLLOWING_PROPERTY = "trustdeskFollowsColorScheme"

# Set on the QApplication when the user chose light or dark in Preferences: the system's changes
# are then not followed ("light", "dark"; empty or unset: follow the system).
_PINNED_PROPERTY = "trustdeskPinnedScheme"

# Set on a QApplication made by ``new_fusion_application`` (Fusion chosen by Qt from its arguments).
_MADE_WITH_FUSION = "trustdeskMadeWithFusion"


def new_fusion_application(argv: list[str]) -> QApplication:
    """A QApplication drawn by Fusion from the start, through Qt's own ``-style fusion`` argument.

    The style is in place before Python asks for it, and ``uses_fusion`` knows without asking.
    """
    app = QApplication([*argv, "-style", "fusion"])
    app.setProperty(_MADE_WITH_FUSION, True)
    return app


# Whether the dark palette was applied last (None: nothing applied yet). Icons read it so they always
# match the palette on screen, even when a test or a user setting applies a scheme that differs from
# the system's. A bool, not a Qt.ColorScheme: see apply_first_paint_style.
_dark: bool | None = None


def normalise(scheme: Qt.ColorScheme) -> Qt.ColorScheme:
    """Dark stays Dark; Light and Unknown (no system preference, e.g. offscreen) become Light."""
    from PySide6.QtCore import Qt

    return Qt.ColorScheme.Dark if scheme == Qt.ColorScheme.Dark else Qt.ColorScheme.Light


def current_scheme() -> Qt.ColorScheme:
    """The scheme last applied by this module, else the system's, else Light."""
    from PySide6.QtCore import Qt

    if _dark is not None:
        return Qt.ColorScheme.Dark if _dark else Qt.ColorScheme.Light
    app = QGuiApplication.instance()
    if app is None:
        return Qt.ColorScheme.Light
    return normalise(QGuiApplication.styleHints().colorScheme())  # static; instance() is typed QCoreApplication


def is_dark() -> bool:
    """True when the dark palette is (or, before any apply, would be) in use."""
    if _dark is not None:
        return _dark
    return _is_dark_scheme(current_scheme())


def build_palette(scheme: Qt.ColorScheme) -> QPalette:
    """A complete palette for ``scheme``: every role is set so nothing leaks from the system."""
    return _palette(dark=_is_dark_scheme(scheme))


def _palette(dark: bool) -> QPalette:
    palette = QPalette()
    for role, colour in (_DARK if dark else _LIGHT).items():
        palette.setColor(role, QColor(colour))
    for role, colour in (_DARK_DISABLED if dark else _LIGHT_DISABLED).items():
        palette.setColor(Group.Disabled, role, QColor(colour))
    return palette


def style_sheet(scheme: Qt.ColorScheme) -> str:
    """The QSS for ``scheme``, read from the compiled resources (so it also works when frozen)."""
    return _sheet(dark=_is_dark_scheme(scheme))


def _sheet(dark: bool) -> str:
    load_resources()
    name = ":/dark.qss" if dark else ":/light.qss"
    file = QFile(name)
    if not file.open(QIODevice.OpenModeFlag.ReadOnly | QIODevice.OpenModeFlag.Text):
        raise FileNotFoundError(f"{name} is not in the compiled resources: {file.errorString()}")
    try:
        return bytes(file.readAll().data()).decode("utf-8")
    finally:
        file.close()


def apply_scheme(app: QApplication, scheme: Qt.ColorScheme) -> None:
    """Apply Fusion, the palette and the QSS for ``scheme`` to ``app``.

    Separate from :func:`apply_style` so tests (and a possible "always dark" setting) can pick
    the scheme explicitly. Icons from :func:`resources_qt.icon` follow on their next paint.
    """
    _apply(app, dark=_is_dark_scheme(scheme))


def _is_dark_scheme(scheme: Qt.ColorScheme) -> bool:
    from PySide6.QtCore import Qt

    return scheme == Qt.ColorScheme.Dark


def _apply(app: QApplication, dark: bool) -> None:
    global _dark
    _dark = dark
    if not uses_fusion(app):
        app.setStyle("Fusion")
    app.setPalette(_palette(dark))
    app.setStyleSheet(_sheet(dark))


def platform_palette_is_dark(app: QApplication) -> bool:
    """Whether the palette Qt took from the system (before any of ours) has a dark window colour.

    Qt's Windows (Fusion), macOS and GNOME themes give a dark palette in dark mode.
    """
    return app.palette().color(Role.Window).lightness() < 128


def apply_first_paint_style(app: QApplication) -> None:
    """Style ``app`` for the window's first paint without asking Qt for the colour scheme.

    ``styleHints().colorScheme()`` returns a ``Qt.ColorScheme``, and the first ``Qt`` enum a
    program touches makes PySide6 build its whole ``Qt`` namespace: about 15 ms, a tenth of a bare
    window's start-up. So the first paint follows the platform's palette, and ``apply_style``,
    called once the window is on screen, checks the real scheme (re-applying only if the guess
    was wrong) and follows its changes. Call this on a new QApplication, before our palette.
    """
    _apply(app, dark=platform_palette_is_dark(app))


def uses_fusion(app: QApplication) -> bool:
    """True when Fusion already draws ``app``, so a re-apply can skip ``setStyle`` (which repolishes all).

    Once a style sheet is set, ``app.style()`` is Qt's style-sheet wrapper (empty ``name()``)
    and the real style is its child, so the children are checked too.  An application made by
    ``new_fusion_application`` is known to use Fusion without asking: the first call to anything that
    returns a QStyle builds PySide6's QStyle type, about 6 ms of a double-click's start-up.
    """
    if app.property(_MADE_WITH_FUSION):
        return True
    from PySide6.QtWidgets import QStyle  # not at import time, for the same reason

    current = app.style()
    return any(candidate.name().lower() == "fusion" for candidate in [current, *current.findChildren(QStyle)])


def _on_scheme_changed(scheme: Qt.ColorScheme) -> None:
    """Slot for ``QStyleHints.colorSchemeChanged``: Windows switched between light and dark."""
    app = QApplication.instance()
    if isinstance(app, QApplication) and not app.property(_PINNED_PROPERTY):
        apply_scheme(app, scheme)


def pin_scheme(app: QApplication, dark: bool | None) -> None:
    """Always light (False), always dark (True), or follow the system (None) — the Preferences choice.

    Applied at once; a pinned scheme is kept when the system switches, and ``apply_style`` keeps it too.
    """
    app.setProperty(_PINNED_PROPERTY, "" if dark is None else ("dark" if dark else "light"))
    if dark is None:
        apply_style(app)
    elif dark != _dark:
        _apply(app, dark)


def apply_style(app: QApplication) -> None:
    """Style ``app`` for the system's current colour scheme and keep following it.

    Call once after creating the QApplication, or after ``apply_first_paint_style`` once the
    window is on screen. Calling again applies the palette only if the scheme differs from the
    one applied, and does not connect the change signal a second time.
    """
    pinned = app.property(_PINNED_PROPERTY)
    dark = pinned == "dark" if pinned else _is_dark_scheme(app.styleHints().colorScheme())
    if dark != _dark:  # after apply_first_paint_style the guess is usually right: no second repolish
        _apply(app, dark)
    if not app.property(_FOLLOWING_PROPERTY):
        app.styleHints().colorSchemeChanged.connect(_on_scheme_changed)
        app.setProperty(_FOLLOWING_PROPERTY, True)


def set_warning(widget: QWidget, warning: bool) -> None:
    """Set the ``warning`` property the QSS colours by, and re-polish so the change shows.

    Qt evaluates property selectors such as ``QLabel[warning="true"]`` only when a widget is
    polished, so changing the property alone would leave the old colour on screen.
    """
    widget.setProperty("warning", warning)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
