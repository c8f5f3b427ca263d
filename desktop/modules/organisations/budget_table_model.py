"""An organisation's CPD budget in each academic period, against what is authorised (C7)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from db.queries.organisation_page import BudgetRow
from desktop.kit.formatting import money
from desktop.kit.row_table_model import Column, Index, RowTableModel
from desktop.kit.text_colours import REFUSED, readable


def _remaining(row: BudgetRow) -> int | None:
    return None if row.amount_pence is None else row.amount_pence - row.authorised_pence


class BudgetTableModel(RowTableModel[BudgetRow]):
    COLUMNS = (
        Column("Period", lambda r: r.period),
        Column("Budget", lambda r: money(r.amount_pence), sort_key=lambda r: r.amount_pence, align_right=True),
        Column(
            "Authorised", lambda r: money(r.authorised_pence), sort_key=lambda r: r.authorised_pence, align_right=True
        ),
        Column(
            "Pending",
            lambda r: money(r.pending_pence),
            sort_key=lambda r: r.pending_pence,
            align_right=True,
            tooltip=lambda r: "Waiting for a partnership decision (pending or needing re-authorisation).",
        ),
        Column("Remaining", lambda r: money(_remaining(r)), sort_key=_remaining, align_right=True),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            remaining = _remaining(self.row_at(index.row()))
            return readable(REFUSED) if remaining is not None and remaining < 0 else None  # over budget
        return super().data(index, role)
