"""The request import's preview: one row per file row — what it will do (add, duplicate, invalid), whose
request it is, and what it carries in, why not, or a warning (cover days past a limit, in amber).

The plan is already in memory (the file was read whole), so filtering by what a row will do happens
here, over the plan's rows, without asking the database again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from db.request_import.plan import PlanRow, RowAction
from resources_qt import style

Index = QModelIndex | QPersistentModelIndex
RowRole = Qt.ItemDataRole.UserRole + 1

ACTION, ROW, NAME, SCHOOL, TITLE, STARTS, DETAIL = range(7)
HEADERS = ("Will", "Row", "Individual", "School", "Title", "Starts", "Carries in, warns, or why not")
#: what each action is shown in, on a light and on a dark background
COLOURS = {
    RowAction.ADD: (QColor("#1b6e2d"), QColor("#7ddc8f")),
    RowAction.DUPLICATE: (QColor("#5f6368"), QColor("#b8bcc2")),
    RowAction.INVALID: (QColor("#b3261e"), QColor("#ff9c94")),
}
WARNING_COLOURS = (QColor("#8a5300"), QColor("#f2b35c"))
#: the filter's extra choice beside the actions: rows with a warning
WARNED = "warned"


class RequestPlanTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[PlanRow] = []
        self._rows: list[PlanRow] = []
        self._shown: str | None = None

    def set_rows(self, rows: Sequence[PlanRow]) -> None:
        self.beginResetModel()
        self._all = list(rows)
        self._rows = self._filtered()
        self.endResetModel()

    def set_filter(self, shown: str | None) -> None:
        """Show only the rows that will ``shown`` (a ``RowAction`` value, or ``WARNED``), or all with None."""
        if shown == self._shown:
            return
        self.beginResetModel()
        self._shown = shown
        self._rows = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[PlanRow]:
        if self._shown is None:
            return list(self._all)
        if self._shown == WARNED:
            return [row for row in self._all if row.warning]
        return [row for row in self._all if row.action.value == self._shown]

    def plan_row(self, row: int) -> PlanRow:
        return self._rows[row]

    # -- Qt ---------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == ACTION:
                return COLOURS[row.action][style.is_dark()]
            if column == DETAIL and row.warning:
                return WARNING_COLOURS[style.is_dark()]
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column in (DETAIL, TITLE, SCHOOL):
            return _text(row, column) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RowRole:
            return row
        return None


def _text(row: PlanRow, column: int) -> str:
    if column == ACTION:
        return row.action.value
    if column == ROW:
        return str(row.row)
    if column == NAME:
        return row.name
    if column == SCHOOL:
        return row.school
    if column == TITLE:
        return row.title
    if column == STARTS:
        return f"{row.starts_on:%d/%m/%Y}" if row.starts_on else ""
    said = row.detail.removeprefix(f"row {row.row}: ")
    if row.warning:
        return f"{said}; warning: {row.warning}" if said else f"Warning: {row.warning}"
    return said
