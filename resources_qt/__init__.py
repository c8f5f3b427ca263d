"""TrustDesk's Qt resources: the SVG icon set, the light/dark style sheets and their loader.

Code refers to resources by Qt resource path (``QIcon(":/icons/add.svg")``) or, better, through
:func:`icon`, which also recolours the icon for a dark colour scheme. Both need
:func:`load_resources` to have registered the compiled resource module first; :func:`icon`
calls it itself.

Only the standard library is imported at module level so that ``python -m resources_qt.compile``
(run by build scripts) does not need QtGui and its GL libraries.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

__all__ = ["ICON_NAMES", "icon", "icon_path", "load_resources"]

_log = logging.getLogger(__name__)

#: Every icon: the SVGs in ``icons/`` (bundled beside the package in a frozen build too), so adding
#: an icon is adding its file. :func:`icon` refuses other names so a typo fails in tests, not in a menu.
ICON_NAMES: frozenset[str] = frozenset(path.stem for path in (Path(__file__).resolve().parent / "icons").glob("*.svg"))

_loaded = False


def load_resources() -> None:
    """Make ``:/icons/…`` and ``:/light.qss`` resolvable; safe to call any number of times.

    From a source checkout the compiled module is first brought up to date, so an edited icon
    shows on the next start. In a frozen (PyInstaller) build there is no .qrc to compile and the
    bundle already holds ``resources_rc``, so it is only imported. If compiling fails (no rcc, a
    read-only install) but an older compiled module exists, that one is used with a warning:
    stale icons are better than an app that does not start.
    """
    global _loaded
    if _loaded:
        return
    if not getattr(sys, "frozen", False):  # frozen: nothing to compile, and no XML parser to import
        # Imported here, not at the top, so that ``python -m resources_qt.compile`` does not find
        # its own module already imported by the package (runpy warns about that).
        from resources_qt.compile import OUTPUT_NAME, SOURCE_DIR, ResourceCompileError, ensure_compiled

        if (SOURCE_DIR / "icons").is_dir():
            try:
                ensure_compiled()
            except (ResourceCompileError, OSError) as error:
                if not (SOURCE_DIR / OUTPUT_NAME).exists():
                    raise
                _log.warning("using the existing %s: %s", OUTPUT_NAME, error)
    # A literal import (not importlib) so PyInstaller's analysis sees and bundles the module.
    import resources_qt.resources_rc  # noqa: F401

    _loaded = True


def icon_path(name: str) -> str:
    """The Qt resource path of a named icon, e.g. ``":/icons/add.svg"`` (for QSS or QSvgRenderer)."""
    if name not in ICON_NAMES:
        raise KeyError(f"unknown icon {name!r}; known icons: {', '.join(sorted(ICON_NAMES))}")
    return f":/icons/{name}.svg"


def icon(name: str) -> QIcon:
    """A QIcon for ``name`` that is sharp at any size or screen scale and follows the colour scheme.

    The icon renders its SVG when painted, recoloured for the scheme :mod:`resources_qt.style`
    applied last, so icons already on toolbars change with the palette when Windows switches
    between light and dark; rendered pixmaps are cached per size and scheme.
    """
    path = icon_path(name)
    load_resources()
    from resources_qt._icons import scheme_aware_icon  # lazy: keeps QtGui out of build scripts

    return scheme_aware_icon(name, path)
