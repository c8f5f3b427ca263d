"""A short list of rows with a tick in the first column, for choosing what a bulk action applies to.

Ticks are kept by each row's key, so a reload (a request sent elsewhere, a reminder) keeps the
ticks of the rows still listed and drops the rest; a row ``tickable`` refuses is never ticked.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any, TypeVar

from PySide6.QtCore import Qt, Signal

from desktop.kit.row_table_model import Index, RowTableModel

R = TypeVar("R")
_CHECK = [Qt.ItemDataRole.CheckStateRole]


class TickableRowModel(RowTableModel[R]):
    ticks_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ticked: set[Hashable] = set()

    # -- for subclasses ----------------------------------------------------------------------
    def key(self, row: R) -> Hashable:
        raise NotImplementedError

    def tickable(self, row: R) -> bool:
        return True

    # -- ticks -------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[R]) -> None:
        keys = {self.key(row) for row in rows if self.tickable(row)}
        self._ticked &= keys
        super().set_rows(rows)
        self.ticks_changed.emit()

    @property
    def ticked_rows(self) -> list[R]:
        return [row for row in self._rows if self.key(row) in self._ticked]

    @property
    def ticked_count(self) -> int:
        return len(self.ticked_rows)

    def set_ticked(self, keys: Iterable[Hashable]) -> None:
        """Tick exactly these rows (those that may be ticked)."""
        wanted = set(keys)
        self._ticked = {self.key(row) for row in self._rows if self.key(row) in wanted and self.tickable(row)}
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0), _CHECK)
        self.ticks_changed.emit()

    def tick_all(self, ticked: bool = True) -> None:
        self.set_ticked([self.key(row) for row in self._rows] if ticked else [])

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == 0 and self.tickable(self._rows[index.row()]):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid() and index.column() == 0:
            if not (0 <= index.row() < len(self._rows)):
                return None
            row = self._rows[index.row()]
            if not self.tickable(row):
                return None
            return Qt.CheckState.Checked if self.key(row) in self._ticked else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        row = self._rows[index.row()]
        if not self.tickable(row):
            return False
        key = self.key(row)
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self._ticked.add(key)
        else:
            self._ticked.discard(key)
        self.dataChanged.emit(index, index, _CHECK)
        self.ticks_changed.emit()
        return True
