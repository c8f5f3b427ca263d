"""Icons by name, from the compiled Qt resources (see resources_qt/)."""

from __future__ import annotations

from PySide6.QtGui import QIcon


def icon(name: str) -> QIcon:
    from resources_qt import icon as themed_icon

    return themed_icon(name)
