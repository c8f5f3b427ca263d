"""The colours a table writes a word in to say what it means: added, changed, a warning, refused, over budget.

Each is a pair, for a light and for a dark background: the dark red that reads well on white is
barely legible on a dark row (4.5:1 is the least WCAG asks of text; #b3261e on the dark theme's
base is about 2:1), so a model asks ``readable`` at the moment it answers ``ForegroundRole`` and
follows the colour scheme as it changes.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

from resources_qt import style

Pair = tuple[QColor, QColor]

ADDED: Pair = (QColor("#1b6e2d"), QColor("#7ddc8f"))
CHANGED: Pair = (QColor("#1f4e9c"), QColor("#9cc2ff"))
CAUTION: Pair = (QColor("#8a5300"), QColor("#f2b35c"))
REFUSED: Pair = (QColor("#b3261e"), QColor("#ff9c94"))  # also: over budget
QUIET: Pair = (QColor("#5f6368"), QColor("#b8bcc2"))


def readable(pair: Pair) -> QColor:
    """The colour of ``pair`` for the colour scheme in use now."""
    return pair[style.is_dark()]
