"""The request import's preview: one row per file row — what it will do (add, duplicate, invalid), whose
request it is, and what it carries in, why not, or a warning (cover days past a limit, in amber).

The plan is already in memory (the file was read whole), so filtering by what a row will do happens
here, over the plan's rows, without asking the database again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from PySide6.QtCore import Qt

from db.request_import.plan import PlanRow, RowAction
from desktop.kit.row_table_model import Column, Index, RowTableModel
from desktop.kit.text_colours import ADDED, CAUTION, QUIET, REFUSED, readable

#: what each action is shown in, on a light and on a dark background
COLOURS = {RowAction.ADD: ADDED, RowAction.DUPLICATE: QUIET, RowAction.INVALID: REFUSED}
#: the filter's extra choice beside the actions: rows with a warning
WARNED = "warned"


def _detail(row: PlanRow) -> str:
    """What the row carries in, why it will not be added, or its warning."""
    said = row.detail.removeprefix(f"row {row.row}: ")
    if row.warning:
        return f"{said}; warning: {row.warning}" if said else f"Warning: {row.warning}"
    return said


def _or_none(text: Callable[[PlanRow], str]) -> Callable[[PlanRow], str | None]:
    return lambda row: text(row) or None


def _school(row: PlanRow) -> str:
    return row.school


def _title(row: PlanRow) -> str:
    return row.title


def _starts(row: PlanRow) -> str:
    return f"{row.starts_on:%d/%m/%Y}" if row.starts_on else ""


ACTION, ROW, NAME, SCHOOL, TITLE, STARTS, DETAIL = range(7)


class RequestPlanTableModel(RowTableModel[PlanRow]):
    COLUMNS: ClassVar[Sequence[Column[Any]]] = (
        Column("Will", lambda row: row.action.value),
        Column("Row", lambda row: str(row.row), sort_key=lambda row: row.row, align_right=True),
        Column("Individual", lambda row: row.name),
        Column("School", _school, tooltip=_or_none(_school)),
        Column("Title", _title, tooltip=_or_none(_title)),
        Column(
            "Starts",
            lambda row: f"{row.starts_on:%d/%m/%Y}" if row.starts_on else "",
            sort_key=lambda row: row.starts_on,
        ),
        Column("Carries in, warns, or why not", _detail, tooltip=_or_none(_detail)),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[PlanRow] = []
        self._shown: str | None = None

    def set_rows(self, rows: Sequence[PlanRow]) -> None:
        self._all = list(rows)
        super().set_rows(self._filtered())

    def set_filter(self, shown: str | None) -> None:
        """Show only the rows that will ``shown`` (a ``RowAction`` value, or ``WARNED``), or all with None."""
        if shown == self._shown:
            return
        self._shown = shown
        super().set_rows(self._filtered())

    def _filtered(self) -> list[PlanRow]:
        if self._shown is None:
            return list(self._all)
        if self._shown == WARNED:
            return [row for row in self._all if row.warning]
        return [row for row in self._all if row.action.value == self._shown]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and 0 <= index.row() < self.rowCount():
            row = self.row_at(index.row())
            if index.column() == ACTION:
                return readable(COLOURS[row.action])
            if index.column() == DETAIL and row.warning:
                return readable(CAUTION)
            return None
        return super().data(index, role)
