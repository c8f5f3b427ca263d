"""Groups with their category and member count (G1)."""

from __future__ import annotations

from db.queries.groups import GroupRow
from desktop.kit.row_table_model import Column, RowTableModel


class GroupTableModel(RowTableModel[GroupRow]):
    COLUMNS = (
        Column("Category", lambda r: r.category),
        Column("Group", lambda r: r.name),
        Column("Members", lambda r: f"{r.member_count:,}", sort_key=lambda r: r.member_count, align_right=True),
    )
