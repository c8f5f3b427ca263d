"""Every job in scope with a tick for "in this group" (G2).

A tick does not change the row here: it emits ``check_toggled`` and the panel
saves it; until the save comes back the box shows the wanted state (a
pending override), and a refused save puts it back.
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

    def reset(self, total: int, rows: list[StaffRow]) -> None:  # type: ignore[override]
        self.overrides.clear()
        super().reset(total, rows)

    def is_checked(self, row: StaffRow) -> bool:
        return self.overrides.get(row.job_id, row.is_member)

    def set_override(self, job_id: int, member: bool | None) -> None:
        """Show ``member`` for this job (None: back to what was loaded)."""
        if member is None:
            self.overrides.pop(job_id, None)
        else:
            self.overrides[job_id] = member
        self.refresh_checks()
