"""The flood-fill review (F4): the chosen staff split by organisation."""

from __future__ import annotations

from db.queries.flood_fill import OrganisationShare
from desktop.kit.row_table_model import Column, RowTableModel


def _names(row: OrganisationShare) -> str:
    shown = ", ".join(row.names)
    return shown + ("…" if row.jobs > len(row.names) else "")


class OrganisationShareTableModel(RowTableModel[OrganisationShare]):
    COLUMNS = (
        Column("Organisation", lambda r: r.organisation),
        Column("Staff", lambda r: f"{r.jobs:,}", sort_key=lambda r: r.jobs, align_right=True),
        Column("Including", _names),
    )
