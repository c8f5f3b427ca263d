"""Flood fills run so far (F3, F6)."""

from __future__ import annotations

from db.queries.flood_fill import FloodFillRow
from desktop.kit.formatting import moment
from desktop.kit.row_table_model import Column, RowTableModel


class FloodFillTableModel(RowTableModel[FloodFillRow]):
    COLUMNS = (
        Column("Created", lambda r: moment(r.created_at), sort_key=lambda r: r.created_at),
        Column("Activity", lambda r: r.title),
        Column("Activities", lambda r: f"{r.activity_count:,}", sort_key=lambda r: r.activity_count, align_right=True),
        Column("Creator", lambda r: r.creator),
        Column("Run by", lambda r: r.run_by),
        Column("Pre-authorised", lambda r: "Yes" if r.pre_authorised else "No"),
    )
