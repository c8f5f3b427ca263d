"""Jobs to flood-fill (F1): a tick adds the job to the wizard's selection, which outlives the page shown."""

from __future__ import annotations

from db.queries.staff import StaffRow
from desktop.kit.paged_row_model import PagedRowModel
from desktop.kit.row_table_model import Column


class JobPickTableModel(PagedRowModel[StaffRow]):
    CHECKABLE = True
    COLUMNS = (
        Column("Name", lambda r: r.name),
        Column("Organisation", lambda r: r.organisation),
        Column("Role", lambda r: r.role),
    )

    def __init__(self, selection: set[int], parent: object = None) -> None:
        super().__init__(parent)
        self.selection = selection

    def is_checked(self, row: StaffRow) -> bool:
        return row.job_id in self.selection
