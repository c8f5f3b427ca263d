"""Members of one group: one row per job, so a name can appear more than once (P1)."""

from __future__ import annotations

from db.queries.groups import MemberRow
from desktop.models.row_table_model import Column, RowTableModel


class MemberTableModel(RowTableModel[MemberRow]):
    COLUMNS = (
        Column("Name", lambda r: r.name),
        Column("Organisation", lambda r: r.organisation),
        Column("Role", lambda r: r.role),
    )
