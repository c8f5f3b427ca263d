"""Staff across the trust, one row per job (P1); a person's other jobs are shown as related."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QBrush, QColor

from db.queries.staff import StaffRow
from desktop.kit.formatting import day
from desktop.kit.paged_row_model import PagedRowModel
from desktop.kit.row_table_model import Column

RELATED = QColor(255, 248, 214)  # a soft highlight: this person holds more than one job


def _also(row: StaffRow) -> str:
    return ", ".join(row.also_at)


def _name(row: StaffRow) -> str:
    marks = " (partnership)" if row.is_partnership_job else (" ↑" if row.brought_up else "")
    if not row.active:
        marks += f" — left {day(row.ended_on)}" if row.ended_on else " — left"
    return row.name + marks


def _name_tip(row: StaffRow) -> str | None:
    if not row.active:
        return "A leaver: this job has ended; its history is kept."
    if row.is_partnership_job:
        return "A partnership job (P2)."
    if row.brought_up:
        return "Brought up into the partnership."
    return None


class StaffTableModel(PagedRowModel[StaffRow]):
    COLUMNS = (
        Column("Name", _name, tooltip=_name_tip),
        Column("Email", lambda r: r.email),
        Column("Organisation", lambda r: r.organisation),
        Column("Role", lambda r: r.role),
        Column("Line manager", lambda r: r.line_manager),
        Column("Unique ID", lambda r: r.unique_id),
        Column("Pay scale", lambda r: r.pay_scale),
        Column("Also works at", _also, tooltip=lambda r: f"Also works at: {_also(r)}" if r.also_at else None),
    )

    def background(self, row: StaffRow) -> Any:
        return QBrush(RELATED) if row.also_at else None
