"""The preview of a GIAS import: one row per establishment and what will happen to it (O2)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from db.gias.plan import Action, PlanEntry
from desktop.kit.row_table_model import Column, Index, RowTableModel
from desktop.kit.text_colours import ADDED, CHANGED, REFUSED, readable

ORDER = {Action.ADD: 0, Action.UPDATE: 1, Action.SKIP: 2, Action.UNCHANGED: 3}
COLOURS = {Action.ADD: ADDED, Action.UPDATE: CHANGED, Action.SKIP: REFUSED}


class GiasPlanTableModel(RowTableModel[PlanEntry]):
    COLUMNS = (
        Column("Will be", lambda r: r.action.value.title(), sort_key=lambda r: ORDER[r.action]),
        Column("URN", lambda r: r.urn),
        Column("Establishment", lambda r: r.name),
        Column("What changes, or why not", lambda r: r.detail, tooltip=lambda r: r.detail or None),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == 0:
            pair = COLOURS.get(self.row_at(index.row()).action)
            return None if pair is None else readable(pair)
        return super().data(index, role)
