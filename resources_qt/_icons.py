"""A QIconEngine that draws TrustDesk's SVG icons in the colours of the current scheme.

Why an engine rather than ``QIcon(":/icons/x.svg")`` or a set of pre-rendered pixmaps: Qt's
SVG renderer ignores ``currentColor``, so the icons carry a fixed neutral ink (#3b4a5a) that
would vanish on a dark palette. The engine swaps the few fixed colours for lighter ones when
the dark scheme is applied, renders at exactly the requested size and device pixel ratio
(sharp at 125 %, 150 %, 200 % display scaling), and decides the scheme at paint time, so icons
already on toolbars follow a light/dark switch without every widget re-setting them.
"""

from __future__ import annotations

import re

import shiboken6
from PySide6.QtCore import QByteArray, QFile, QIODevice, QRect, QRectF, QSize
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPixmap, QPixmapCache
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from resources_qt.style import is_dark

# The fixed colours the icon set uses, and what they become on the dark palette. app.svg uses
# none of them on purpose: the application mark keeps its own colours in every variant.
DARK_RECOLOUR: dict[str, str] = {
    "#3b4a5a": "#d3dbe4",  # neutral ink
    "#2a7ab0": "#5fb0e6",  # accent blue
    "#2e8b57": "#4cc38a",  # authorise / completed green
    "#c0392b": "#ef6b5e",  # reject / delete red
    "#c98a16": "#e8b04a",  # warning amber
}
# Selected rows are drawn on the strong highlight blue in both schemes, where neither the dark
# ink nor the semantic colours stand out; white, like the highlighted text, does.
SELECTED_RECOLOUR: dict[str, str] = dict.fromkeys(DARK_RECOLOUR, "#ffffff")
_RECOLOUR_PATTERN = re.compile("|".join(re.escape(colour) for colour in DARK_RECOLOUR).encode(), re.IGNORECASE)

_svg_cache: dict[tuple[str, str], bytes] = {}

# Python-made engines returned from clone() must stay referenced or Python frees them while Qt
# still uses them (a crash); Qt deletes them later, after which shiboken marks them invalid.
_clones: list[QIconEngine] = []

# Not Qt.GlobalColor.transparent: icons paint in the window's first frame, and touching any ``Qt``
# enum makes PySide6 build its whole ``Qt`` namespace (~15 ms; see resources_qt/style.py).
_TRANSPARENT = QColor(0, 0, 0, 0)


def svg_bytes(path: str, variant: str) -> bytes:
    """The SVG at resource ``path`` coloured for ``variant`` ("light", "dark" or "selected"); cached."""
    key = (path, variant)
    cached = _svg_cache.get(key)
    if cached is not None:
        return cached
    file = QFile(path)
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"{path} is not in the compiled resources: {file.errorString()}")
    try:
        data = bytes(file.readAll().data())
    finally:
        file.close()
    mapping = {"dark": DARK_RECOLOUR, "selected": SELECTED_RECOLOUR}.get(variant)
    if mapping is not None:
        data = _RECOLOUR_PATTERN.sub(lambda match: mapping[match.group(0).decode().lower()].encode(), data)
    _svg_cache[key] = data
    return data


class SvgSchemeIconEngine(QIconEngine):
    """Renders one SVG resource, recoloured per scheme, into cached pixmaps."""

    def __init__(self, name: str, path: str) -> None:
        super().__init__()
        self._name = name
        self._path = path

    def key(self) -> str:
        """Identifies the engine type to Qt (used e.g. when streaming icons)."""
        return "trustdesk-svg"

    def iconName(self) -> str:
        """The TrustDesk icon name, so ``QIcon.name()`` says which icon this is."""
        return self._name

    def isNull(self) -> bool:
        """Never null: names are checked against the icon set before an engine is made."""
        return False

    def clone(self) -> QIconEngine:
        """Copy for Qt's copy-on-write (e.g. ``addPixmap`` on a shared QIcon)."""
        _clones[:] = [engine for engine in _clones if shiboken6.isValid(engine)]
        engine = SvgSchemeIconEngine(self._name, self._path)
        _clones.append(engine)
        return engine

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        """A pixmap of ``size`` device pixels (the pre-high-DPI entry point)."""
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        """A pixmap for ``size`` logical pixels at device pixel ratio ``scale``.

        Cached in QPixmapCache by colour variant, size, ratio and mode: Qt clears that cache
        itself, and the key includes the scheme so a light/dark switch simply misses the cache.
        """
        variant = _variant(mode)
        width = max(1, round(size.width() * scale))
        height = max(1, round(size.height() * scale))
        cache_key = f"trustdesk-icon:{self._path}:{variant}:{width}x{height}:{scale:g}:{int(mode.value)}"
        cached: QPixmap | None = QPixmapCache.find(cache_key)  # type: ignore[call-overload]  # PySide6 stubs: find(str) is static
        if cached is not None and not cached.isNull():
            return cached
        pixmap = QPixmap(width, height)
        pixmap.fill(_TRANSPARENT)
        renderer = QSvgRenderer(QByteArray(svg_bytes(self._path, variant)))
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, _fitted(renderer, QRectF(0, 0, width, height)))
        painter.end()
        if mode == QIcon.Mode.Disabled:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                from PySide6.QtWidgets import QStyleOption

                pixmap = app.style().generatedIconPixmap(mode, pixmap, QStyleOption())
        pixmap.setDevicePixelRatio(scale)
        QPixmapCache.insert(cache_key, pixmap)
        return pixmap

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        """Draw into ``rect`` at the painter's device pixel ratio (menus and item views use this)."""
        device = painter.device()
        scale = device.devicePixelRatioF() if device is not None else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))


def _variant(mode: QIcon.Mode) -> str:
    """Which colouring to draw: white on a selection, else the applied scheme's."""
    if mode == QIcon.Mode.Selected:
        return "selected"
    return "dark" if is_dark() else "light"


def _fitted(renderer: QSvgRenderer, target: QRectF) -> QRectF:
    """``target`` shrunk to the SVG's aspect ratio and centred, so a non-square request never stretches."""
    view = renderer.viewBoxF()
    if view.isEmpty() or target.isEmpty():
        return target
    factor = min(target.width() / view.width(), target.height() / view.height())
    fitted = QRectF(0, 0, view.width() * factor, view.height() * factor)
    fitted.moveCenter(target.center())
    return fitted


def scheme_aware_icon(name: str, path: str) -> QIcon:
    """A new QIcon backed by :class:`SvgSchemeIconEngine`; QIcon takes ownership of the engine."""
    return QIcon(SvgSchemeIconEngine(name, path))
