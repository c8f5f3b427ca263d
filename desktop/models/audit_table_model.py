"""The audit log, paged from SQL as the view scrolls (A2).

Newest first, never sorted or filtered here: the viewer re-queries with the
filter, and scrolling to the end emits ``more_wanted`` for the next page.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from db.queries.audit import AuditRow
from desktop.models.row_table_model import Index, RowRole

COL_AT = 0
COL_USER = 1
COL_LOGIN = 2
COL_ACTION = 3
COL_ENTITY = 4
COL_BEFORE = 5
COL_AFTER = 6
COL_REASON = 7
HEADERS = ("When (UTC)", "User", "Database login", "Action", "Entity", "Before", "After", "Reason")


def readable(values: str) -> str:
    """``{"partnership_state": "pending", "version": 1}`` → ``partnership state: pending; version: 1``."""
    if not values:
        return ""
    try:
        parsed = json.loads(values)
    except ValueError:
        return values
    if not isinstance(parsed, dict):
        return values
    return "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in parsed.items())


def _text(row: AuditRow, column: int) -> str:
    match column:
        case 0:
            return row.at.strftime("%d %b %Y %H:%M:%S")
        case 1:
            return row.user
        case 2:
            return row.db_identity
        case 3:
            return row.action.replace("_", " ")
        case 4:
            return f"{row.entity.replace('_', ' ')} {row.entity_id}" if row.entity_id is not None else row.entity
        case 5:
            return readable(row.before)
        case 6:
            return readable(row.after)
        case 7:
            return row.reason
    return ""


class AuditTableModel(QAbstractTableModel):
    more_wanted = Signal(int)  # offset of the next page

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[AuditRow] = []
        self._total = 0
        self._fetching = False

    def reset(self, total: int, rows: Sequence[AuditRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._total = total
        self._fetching = False
        self.endResetModel()

    def append(self, offset: int, rows: Sequence[AuditRow]) -> None:
        """Add a fetched page; a reply for an older offset (a stale one) is ignored."""
        self._fetching = False
        if offset != len(self._rows) or not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def fetch_failed(self) -> None:
        self._fetching = False

    @property
    def total(self) -> int:
        return self._total

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetching = True
            self.more_wanted.emit(len(self._rows))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (COL_BEFORE, COL_AFTER, COL_REASON):
            return _text(row, index.column()) or None
        if role == RowRole:
            return row
        return None
