"""The users an administrator may see (A1), one row each; deactivated users greyed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from db.queries.user_admin import AdminUserRow
from desktop.kit.row_table_model import Column, Index, RowTableModel


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _name(row: AdminUserRow) -> str:
    return row.display_name if row.active else f"{row.display_name} (deactivated)"


COL_NAME, COL_USERNAME, COL_JOB, COL_TITLES, COL_GRANTS, COL_PRIMARY, COL_ACTIVE, COL_PASSWORD, COL_LOGIN = range(9)


class UserTableModel(RowTableModel[AdminUserRow]):
    COLUMNS = (
        Column("Name", _name, sort_key=lambda r: r.display_name.casefold(), tooltip=lambda r: r.email),
        Column("Username", lambda r: r.username),
        Column(
            "Job",
            lambda r: r.job or "Stands alone (no job)",
            sort_key=lambda r: r.job.casefold(),
            tooltip=lambda r: r.job or "Not linked to a job (for example a finance officer).",
        ),
        Column("Team titles", lambda r: r.titles, tooltip=lambda r: r.titles or None),
        Column("Grants", lambda r: f"{r.grants:,}", sort_key=lambda r: r.grants, align_right=True),
        Column("Primary", lambda r: _yes(r.is_primary), sort_key=lambda r: r.is_primary),
        Column("Active", lambda r: _yes(r.active), sort_key=lambda r: r.active),
        Column("Password set", lambda r: _yes(r.has_password), sort_key=lambda r: r.has_password),
        Column("Database login", lambda r: r.db_login or "—", sort_key=lambda r: r.db_login or ""),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and not self.row_at(index.row()).active:
            # the palette's own disabled text colour: grey in light and in dark mode alike
            return QApplication.palette().brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        return super().data(index, role)

    def row_of_user(self, user_id: int) -> int | None:
        return next((n for n, row in enumerate(self._rows) if row.id == user_id), None)
