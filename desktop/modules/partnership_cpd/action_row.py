"""The row of buttons under the queue tabs: one line when the panel is wide enough, two when it is not.

Thirteen buttons side by side need about 1,300 pixels: on a 1280-pixel laptop screen, or at 125 %
text, they pushed the window past the screen's edge and the last buttons out of reach. A toolbar's
» menu cannot carry push buttons, so the row breaks instead: the ticking buttons on the first line,
the decisions on the second, every button still where the eye expects it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLayout, QWidget


class ActionRow(QWidget):
    """``left`` then ``right`` on one line, right-aligned; ``right`` under ``left`` when both do not fit."""

    def __init__(self, left: Sequence[QWidget], right: Sequence[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("actionRow")
        self._left = QHBoxLayout()
        for widget in left:
            self._left.addWidget(widget)
        self._left.addStretch(1)
        self._right = QHBoxLayout()
        self._right.addStretch(1)
        for widget in right:
            self._right.addWidget(widget)
        self._box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._box.setContentsMargins(0, 0, 0, 0)
        # the row's own minimum is the narrower, two-line one (``minimumSizeHint``), not the one line's
        self._box.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._box.addLayout(self._left)
        self._box.addLayout(self._right)

    def one_line(self) -> bool:
        return self._box.direction() == QBoxLayout.Direction.LeftToRight

    def _fits_on_one_line(self, width: int) -> bool:
        """Every button at its full width (squeezed, a push button cuts its own text short)."""
        needed = self._left.sizeHint().width() + self._box.spacing() + self._right.sizeHint().width()
        return width >= needed

    def minimumSizeHint(self) -> QSize:
        left, right = self._left.minimumSize(), self._right.minimumSize()
        if self.one_line():
            return QSize(max(left.width(), right.width()), max(left.height(), right.height()))
        return QSize(max(left.width(), right.width()), left.height() + self._box.spacing() + right.height())

    def sizeHint(self) -> QSize:
        return self._box.sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(event.size().width())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a button's text changed ("Tick all 1,316 matching")
            self._arrange(self.width())
        return super().event(event)

    def _arrange(self, width: int) -> None:
        direction = (
            QBoxLayout.Direction.LeftToRight if self._fits_on_one_line(width) else QBoxLayout.Direction.TopToBottom
        )
        if direction != self._box.direction():
            self._box.setDirection(direction)
            self.updateGeometry()  # one line's height or two: the panel's layout makes room
