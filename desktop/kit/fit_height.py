"""Dialogs whose contents arrive after they open: grow them to show those contents whole.

A dialog is sized for what it holds when it is shown. Figures or a result that fill in later (read
off the UI thread) are squeezed into that size by its layout: word-wrapped labels lose their last
lines, a table shows half a row. ``fit_height`` grows the window to the height its layout wants
at its present width, no taller than the screen leaves room for, and moves it up as far as it must
to keep its bottom (where a dialog's buttons are) on the screen: a dialog centred over the window
when it opened would otherwise grow down past the bottom of a laptop's screen, under the taskbar.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import QWidget


def fit_height(window: QWidget, *, shrink: bool = False) -> None:
    """Grow ``window`` (a shown top-level) to the height its contents want; ``shrink``: fit it down too.

    Only grows by default, so that hiding something (a choice that needs no warning) does not make
    the window jump under the pointer.
    """
    if not window.isVisible():
        return
    wanted = window.heightForWidth(window.width())
    if wanted < 0:  # no word-wrapped text: the layout's own size hint
        wanted = window.sizeHint().height()
    screen = window.screen()
    frame = window.frameGeometry().height() - window.height()  # title bar and borders
    if screen is not None:
        wanted = min(wanted, screen.availableGeometry().height() - frame)
    wanted = max(wanted, window.minimumSizeHint().height())
    if wanted > window.height() or (shrink and wanted < window.height()):
        window.resize(window.width(), wanted)
        if screen is not None:
            _keep_bottom_on_screen(window, screen.availableGeometry(), wanted + frame)


def _keep_bottom_on_screen(window: QWidget, area: QRect, frame_height: int) -> None:
    """Move ``window`` up (never above the top of ``area``) until a frame this tall ends on the screen."""
    top = window.frameGeometry().top()
    past = top + frame_height - (area.bottom() + 1)
    if past > 0:
        window.move(window.frameGeometry().left(), max(area.top(), top - past))
