"""One organisation's staff on its page, one row per job (P1), filled a page at a time."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex

from db.queries.organisation_page import StaffRow
from desktop.kit.row_table_model import Column, RowTableModel


class OrganisationStaffModel(RowTableModel[StaffRow]):
    COLUMNS = (
        Column("Name", lambda r: r.name),
        Column("Role", lambda r: r.role),
        Column("Email", lambda r: r.email or ""),
        Column("Line manager", lambda r: r.line_manager or ""),
        Column("Unique ID", lambda r: r.unique_id or ""),
        Column("Pay scale", lambda r: r.pay_scale or ""),
    )

    def append_rows(self, rows: Sequence[StaffRow]) -> None:
        """Add the next page below the rows already shown."""
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()
