"""Every job in scope with a tick for "in this group" (G2).

A tick does not change the row here: it emits ``check_toggled`` and the panel
saves it; until the save comes back the box shows the wanted state (a
pending override, kept across a reload of the list), and a refused save puts
it back.
"""

from __future__ import annotations

from db.queries.staff import StaffRow
from desktop.models.paged_row_model import PagedRowModel
from desktop.models.row_table_model import Column


class MemberChoiceTableModel(PagedRowModel[StaffRow]):
    CHECKABLE = True
    COLUMNS = (
        Column("Name", lambda r: r.name),
        Column("Organisation", lambda r: r.organisation),
        Column("Role", lambda r: r.role),
    )

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.overrides: dict[int, bool] = {}
        self.pending: set[int] = set()

    def reset(self, total: int, rows: list[StaffRow]) -> None:  # type: ignore[override]
        """New rows from SQL: they are the truth, except for ticks still being saved."""
        self.overrides = {job: member for job, member in self.overrides.items() if job in self.pending}
        super().reset(total, rows)

    def is_checked(self, row: StaffRow) -> bool:
        return self.overrides.get(row.job_id, row.is_member)

    def set_override(self, job_id: int, member: bool | None) -> None:
        """Show ``member`` for this job while it is saved (None: back to what was loaded)."""
        if member is None:
            self.overrides.pop(job_id, None)
            self.pending.discard(job_id)
        else:
            self.overrides[job_id] = member
            self.pending.add(job_id)
        self.refresh_checks()

    def saved(self, job_id: int) -> None:
        """The tick is stored; the override stays until the next reload brings the same state."""
        self.pending.discard(job_id)
