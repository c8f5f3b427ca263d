"""A read-only table model over a short list of frozen rows.

For lists that are small by nature (organisations, groups, flood fills);
large ones (activities, staff) page from SQL instead.  Each concrete model
declares its ``COLUMNS``; sorting compares ``SortRole`` values, which are the
raw values rather than their display text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

RowRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    sort_key: Callable[[R], Any] | None = None
    align_right: bool = False
    tooltip: Callable[[R], str | None] | None = None


class RowTableModel(QAbstractTableModel, Generic[R]):
    COLUMNS: ClassVar[Sequence[Column[Any]]] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> R:
        return self._rows[row]

    @property
    def rows(self) -> list[R]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == SortRole:
            return column.sort_key(row) if column.sort_key else column.text(row)
        if role == RowRole:
            return row
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """In-place sort of a short list; None sorts first."""
        if not 0 <= column < len(self.COLUMNS):
            return
        spec = self.COLUMNS[column]
        key = spec.sort_key or spec.text
        self.layoutAboutToBeChanged.emit()
        # Persistent indexes (the view's selection and current row) follow their rows, not their
        # places: without this, Enter after a sort opened whichever school moved into the old place.
        persistent = self.persistentIndexList()
        ordered = sorted(
            range(len(self._rows)),
            key=lambda i: (key(self._rows[i]) is not None, key(self._rows[i])),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        new_place = {old: new for new, old in enumerate(ordered)}
        self._rows = [self._rows[i] for i in ordered]
        self.changePersistentIndexList(
            persistent, [self.index(new_place[index.row()], index.column()) for index in persistent]
        )
        self.layoutChanged.emit()
