"""The rows of an imported workbook and what became of each (issue 4 part 3)."""

from __future__ import annotations

from db.excel.import_decisions import RowOutcome
from desktop.kit.formatting import state
from desktop.kit.row_table_model import Column, RowTableModel


class ImportResultTableModel(RowTableModel[RowOutcome]):
    COLUMNS = (
        Column("Row", lambda r: str(r.row), sort_key=lambda r: r.row, align_right=True),
        Column("Outcome", lambda r: r.outcome.value.capitalize()),
        Column("Decision", lambda r: state(r.decision) if r.decision else r.typed),
        Column("Individual", lambda r: r.individual),
        Column("Activity", lambda r: r.title, tooltip=lambda r: r.title or None),
        Column("Why", lambda r: r.why, tooltip=lambda r: r.why or None),
    )
