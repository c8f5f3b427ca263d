"""An event's sessions as a table: read-only in the detail pane, edited in place in the event editor.

Dates and times are handed to the view as QDate/QTime, so the default delegate
edits them with a date or time editor; a time may also be typed as text
("9:30", or nothing for a session without set times).  Each row keeps its
session id, so an edit of a saved session is saved onto that session (its
register hangs on it) rather than as a new one.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, time
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, Qt, QTime

from db.queries.training_event_detail import SessionRow
from desktop.kit.formatting import day
from desktop.kit.row_table_model import Column, Index, RowTableModel

DATE, STARTS, ENDS, LOCATION, LINK = range(5)
_TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def clock(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def parse_time(text: str) -> time | None:
    """ "9:30" or "09.30" → 09:30; "" → no time. Raises ValueError for anything else."""
    if not text.strip():
        return None
    match = _TIME.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(text)
    return time(int(match[1]), int(match[2]))


class SessionTableModel(RowTableModel[SessionRow]):
    COLUMNS = (
        Column("Date", lambda r: day(r.on_date), sort_key=lambda r: r.on_date),
        Column("Starts", lambda r: clock(r.starts_at)),
        Column("Ends", lambda r: clock(r.ends_at)),
        Column("Location", lambda r: r.location, tooltip=lambda r: r.location or None),
        Column("Online link", lambda r: r.online_link, tooltip=lambda r: r.online_link or None),
    )

    def __init__(self, parent: Any = None, *, editable: bool = False) -> None:
        super().__init__(parent)
        self.editable = editable

    # -- editing -----------------------------------------------------------------------------
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if self.editable else flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.EditRole and index.isValid() and 0 <= index.row() < self.rowCount():
            row = self.row_at(index.row())
            column = index.column()
            if column == DATE:
                return QDate(row.on_date.year, row.on_date.month, row.on_date.day)
            if column in (STARTS, ENDS):
                value = row.starts_at if column == STARTS else row.ends_at
                return QTime(value.hour, value.minute) if value else ""
            return row.location if column == LOCATION else row.online_link
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (self.editable and index.isValid() and role == Qt.ItemDataRole.EditRole):
            return False
        row = self.row_at(index.row())
        column = index.column()
        try:
            if column == DATE:
                if not isinstance(value, QDate) or not value.isValid():
                    return False
                row = replace(row, on_date=date(value.year(), value.month(), value.day()))
            elif column in (STARTS, ENDS):
                moment = time(value.hour(), value.minute()) if isinstance(value, QTime) else parse_time(str(value))
                row = replace(row, starts_at=moment) if column == STARTS else replace(row, ends_at=moment)
            elif column == LOCATION:
                row = replace(row, location=str(value).strip())
            else:
                row = replace(row, online_link=str(value).strip())
        except ValueError:
            return False  # not a time: the cell keeps what it had
        self._rows[index.row()] = row
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True

    def add_row(self, row: SessionRow) -> int:
        place = len(self._rows)
        self.beginInsertRows(QModelIndex(), place, place)
        self._rows.append(row)
        self.endInsertRows()
        return place

    def remove_row(self, place: int) -> None:
        if 0 <= place < len(self._rows):
            self.beginRemoveRows(QModelIndex(), place, place)
            del self._rows[place]
            self.endRemoveRows()
