"""A table header whose first section is a checkbox ticking the loaded page (C4).

QHeaderView has no check state of its own, so this paints the style's
checkbox indicator in one section and toggles on a click there.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QMouseEvent, QPainter
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionButton, QWidget


class CheckHeader(QHeaderView):
    toggled = Signal(bool)  # True: tick the page

    def __init__(self, section: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._section = section
        self._state = Qt.CheckState.Unchecked
        self.check_visible = True
        self.setSectionsClickable(True)

    def set_state(self, state: Qt.CheckState) -> None:
        if state != self._state:
            self._state = state
            self.viewport().update()

    @property
    def state(self) -> Qt.CheckState:  # type: ignore[override]  # the tick box's state; hides the view's edit state
        return self._state

    def paintSection(self, painter: QPainter, rect: QRect, logical_index: int) -> None:
        painter.save()
        super().paintSection(painter, rect, logical_index)
        painter.restore()
        if logical_index != self._section or not self.check_visible:
            return
        option = QStyleOptionButton()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
        option.rect = QRect(rect.x() + (rect.width() - size) // 2, rect.y() + (rect.height() - size) // 2, size, size)
        option.state = QStyle.StateFlag.State_Enabled
        if self._state == Qt.CheckState.Checked:
            option.state |= QStyle.StateFlag.State_On
        elif self._state == Qt.CheckState.PartiallyChecked:
            option.state |= QStyle.StateFlag.State_NoChange
        else:
            option.state |= QStyle.StateFlag.State_Off
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_IndicatorCheckBox, option, painter)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.check_visible and self.logicalIndexAt(event.position().toPoint()) == self._section:
            self.toggled.emit(self._state != Qt.CheckState.Checked)
            event.accept()
            return
        super().mousePressEvent(event)
