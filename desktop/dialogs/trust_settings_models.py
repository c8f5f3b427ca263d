"""The two short tables of File › Trust settings…: cover-day limits per role, and academic periods."""

from __future__ import annotations

from db.queries.trust_settings import PeriodRow, RoleLimit
from desktop.kit.formatting import day, days
from desktop.kit.row_table_model import Column, RowTableModel


def _jobs(row: RoleLimit) -> str:
    return f"{row.jobs:,}" if row.jobs else "none now"


class RoleLimitTableModel(RowTableModel[RoleLimit]):
    COLUMNS = (
        Column("Role", lambda r: r.role),
        Column("Cover-day limit", lambda r: days(r.days), sort_key=lambda r: r.days, align_right=True),
        Column(
            "Jobs with this role",
            _jobs,
            sort_key=lambda r: r.jobs,
            align_right=True,
            tooltip=lambda r: "People with a limit of their own keep it; everyone else in this role takes this one.",
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
