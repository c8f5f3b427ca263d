"""The two short tables of File › Trust settings…: cover-day limits per role, and academic periods."""

from __future__ import annotations

from db.queries.trust_settings import PeriodRow, RoleLimit
from desktop.kit.formatting import day, days
from desktop.kit.row_table_model import Column, RowTableModel


def _applies(row: RoleLimit) -> str:
    return f"{row.applies_to:,} of {row.jobs:,} jobs" if row.jobs else "no job has this role now"


class RoleLimitTableModel(RowTableModel[RoleLimit]):
    COLUMNS = (
        Column("Role", lambda r: r.role),
        Column("Cover-day limit", lambda r: days(r.days), sort_key=lambda r: r.days, align_right=True),
        Column(
            "Applies to",
            _applies,
            sort_key=lambda r: r.applies_to,
            tooltip=lambda r: "Jobs with this role and no limit of their own; the others keep their own limit.",
        ),
    )


def _budgets(row: PeriodRow) -> str:
    return f"{row.budgets:,}" if row.budgets else "none yet"


class PeriodTableModel(RowTableModel[PeriodRow]):
    COLUMNS = (
        Column("Period", lambda r: r.label, sort_key=lambda r: r.starts_on),
        Column("Starts", lambda r: day(r.starts_on), sort_key=lambda r: r.starts_on),
        Column("Ends", lambda r: day(r.ends_on), sort_key=lambda r: r.ends_on),
        Column("Budgets set", _budgets, sort_key=lambda r: r.budgets, align_right=True),
    )
