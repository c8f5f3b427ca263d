"""Spend against budget per organisation, for the dashboard (C7, DB1)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from db.queries.dashboard import SpendRow
from desktop.kit.formatting import whole_money
from desktop.kit.row_table_model import Column, Index, RowTableModel
from desktop.kit.text_colours import REFUSED, readable


class SpendTableModel(RowTableModel[SpendRow]):
    COLUMNS = (
        Column("Organisation", lambda r: r.organisation),
        Column("Budget", lambda r: whole_money(r.budget_pence), sort_key=lambda r: r.budget_pence, align_right=True),
        Column(
            "Authorised",
            lambda r: whole_money(r.authorised_pence),
            sort_key=lambda r: r.authorised_pence,
            align_right=True,
        ),
        Column("Pending", lambda r: whole_money(r.pending_pence), sort_key=lambda r: r.pending_pence, align_right=True),
        Column(
            "Remaining",
            lambda r: whole_money(None if r.budget_pence is None else r.budget_pence - r.authorised_pence),
            sort_key=lambda r: None if r.budget_pence is None else r.budget_pence - r.authorised_pence,
            align_right=True,
        ),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and self.row_at(index.row()).over_budget:
            return readable(REFUSED)  # over budget
        return super().data(index, role)
