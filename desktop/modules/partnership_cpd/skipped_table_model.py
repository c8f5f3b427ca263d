"""The rows a sign-off left alone, with why (C4)."""

from __future__ import annotations

from db.services.signoff import Skipped
from desktop.kit.row_table_model import Column, RowTableModel


class SkippedTableModel(RowTableModel[Skipped]):
    COLUMNS = (
        Column("Id", lambda r: str(r.activity_id), sort_key=lambda r: r.activity_id, align_right=True),
        Column("Individual", lambda r: r.individual),
        Column("Organisation", lambda r: r.organisation),
        Column("Activity", lambda r: r.title),
        Column("Left alone because", lambda r: str(r.reason)),
    )
