"""Every job in scope with a tick for "in this group" (G2).

A tick does not change the row here: it emits ``check_toggled`` and the panel
saves it; until the save comes back the box shows the wanted state (a
pending override, kept across a reload of the list), and a refused save puts
it back.  Each change touches only its own row (one ``dataChanged`` for it),
never the whole list, so a view scrolled far down stays where it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from PySide6.QtCore import Qt

from db.queries.staff import StaffRow
from desktop.kit.paged_row_model import PagedRowModel
from desktop.kit.row_table_model import Column

_CHECK = [Qt.ItemDataRole.CheckStateRole]


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

    def reset(self, total: int | None, rows: Sequence[StaffRow]) -> None:
        """New rows from SQL: they are the truth, except for ticks still being saved."""
        self.overrides = {job: member for job, member in self.overrides.items() if job in self.pending}
        super().reset(total, rows)

    def is_checked(self, row: StaffRow) -> bool:
        return self.overrides.get(row.job_id, row.is_member)

    def _row_of(self, job_id: int) -> int | None:
        return next((n for n, row in enumerate(self._rows) if row.job_id == job_id), None)

    def _changed_row(self, n: int) -> None:
        self.dataChanged.emit(self.index(n, 0), self.index(n, 0), _CHECK)

    def set_override(self, job_id: int, member: bool | None) -> None:
        """Show ``member`` for this job while it is saved (None: back to what was loaded)."""
        if member is None:
            self.overrides.pop(job_id, None)
            self.pending.discard(job_id)
        else:
            self.overrides[job_id] = member
            self.pending.add(job_id)
        n = self._row_of(job_id)
        if n is not None:
            self._changed_row(n)

    def saved(self, job_id: int) -> None:
        """The tick is stored: the row itself now says so, and the override goes."""
        self.pending.discard(job_id)
        member = self.overrides.pop(job_id, None)
        n = self._row_of(job_id)
        if member is not None and n is not None:
            self._rows[n] = replace(self._rows[n], is_member=member)
            self._changed_row(n)

    def mark(self, job_ids: Iterable[int], member: bool) -> None:
        """Many jobs changed at once (tick all listed): update the loaded rows in place, one signal."""
        wanted = set(job_ids)
        changed = []
        for n, row in enumerate(self._rows):
            if row.job_id in wanted:
                self.overrides.pop(row.job_id, None)
                if row.is_member != member:
                    self._rows[n] = replace(row, is_member=member)
                    changed.append(n)
        if changed:
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), 0), _CHECK)
