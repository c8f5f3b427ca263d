"""Shift-click (and Shift+Space) ticks a range of rows, as in every mail client (C4).

The model remembers the row last ticked or unticked on its own (``anchor``);
a shift-click on another row's checkbox gives every row between the two the
anchor's state, in one change.  Rows the user may not decide stay unticked.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import QTableView

from desktop.modules.partnership_cpd.activity_table_model import COL_CHECK, ActivityTableModel


class RangeTicker(QObject):
    """Installed on a table and its viewport; consumes only the shift-clicks and Shift+Space it handles."""

    def __init__(self, table: QTableView, model: ActivityTableModel) -> None:
        super().__init__(table)
        self.table, self.model = table, model
        self._viewport = table.viewport()  # kept: asking a table being deleted for it would fail
        self._viewport.installEventFilter(self)
        table.installEventFilter(self)

    def _range_to(self, row: int) -> bool:
        anchor = self.model.anchor
        if anchor < 0 or not 0 <= row < self.model.loaded or not self.model.checkable:
            return False
        self.model.tick_range(anchor, row, self.model.is_ticked(anchor))
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._viewport and isinstance(event, QMouseEvent):
            if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick):
                index = self.table.indexAt(event.position().toPoint())
                shift = event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                if shift and index.isValid() and index.column() == COL_CHECK and self.model.anchor >= 0:
                    if kind == QEvent.Type.MouseButtonRelease:
                        self._range_to(index.row())
                        self.table.setCurrentIndex(index)
                    return True  # the press too: no single toggle, no selection jump
        elif watched is self.table and kind == QEvent.Type.KeyPress and _is_shift_space(event):
            return self._range_to(self.table.currentIndex().row())
        return super().eventFilter(watched, event)


def _is_shift_space(event: QEvent) -> bool:
    return (
        isinstance(event, QKeyEvent)
        and event.key() == Qt.Key.Key_Space
        and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
    )
