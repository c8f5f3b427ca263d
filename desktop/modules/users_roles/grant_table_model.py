"""Grants in words: one user's (the panel) or everyone's (the permissions report)."""

from __future__ import annotations

from db.audit_text import local_time
from db.queries.user_admin import GrantRow
from db.scope import STAFF_MODULES
from desktop.kit.row_table_model import Column, RowTableModel

_MODULE: Column[GrantRow] = Column("Module", lambda r: r.module_label)
_LEVEL: Column[GrantRow] = Column("Level", lambda r: r.level_label, sort_key=lambda r: int(r.level))
_WHERE: Column[GrantRow] = Column("Where", lambda r: r.where)


def _groups(row: GrantRow) -> str:
    """The groups a grant is restricted to; a staff module without any reaches all staff."""
    return row.groups or ("All staff" if row.module in STAFF_MODULES else "—")


_GROUPS: Column[GrantRow] = Column("Groups", _groups, sort_key=lambda r: r.groups, tooltip=lambda r: r.groups or None)
_TITLE: Column[GrantRow] = Column("Title", lambda r: r.title)
_BY: Column[GrantRow] = Column("Granted by", lambda r: r.granted_by)
_ON: Column[GrantRow] = Column("Granted on", lambda r: local_time(r.granted_at), sort_key=lambda r: r.granted_at)


class GrantTableModel(RowTableModel[GrantRow]):
    """One user's grants, under the users table."""

    COLUMNS = (_MODULE, _LEVEL, _WHERE, _GROUPS, _TITLE, _BY, _ON)

    def row_of_grant(self, grant_id: int) -> int | None:
        return next((n for n, row in enumerate(self._rows) if row.id == grant_id), None)


class ReportTableModel(RowTableModel[GrantRow]):
    """Every grant of every user (the permissions report), with who holds it first."""

    COLUMNS = (
        Column("User", lambda r: r.user if r.user_active else f"{r.user} (deactivated)", sort_key=lambda r: r.user),
        Column("Username", lambda r: r.username),
        _MODULE,
        _LEVEL,
        _WHERE,
        _GROUPS,
        _TITLE,
        Column(
            "Report",
            lambda r: "Yes" if r.is_report else "No",
            sort_key=lambda r: r.is_report,
            tooltip=lambda r: "A report permission: only a primary user gives it." if r.is_report else None,
        ),
        _BY,
        _ON,
    )
