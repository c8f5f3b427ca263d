"""The audit log, paged from SQL as the view scrolls (A2).

Newest first, never sorted or filtered here: the viewer re-queries with the
filter, and scrolling to the end emits ``more_wanted`` for the next page.
"""

from __future__ import annotations

import json

from db.queries.audit import AuditRow
from desktop.models.paged_row_model import PagedRowModel
from desktop.models.row_table_model import Column


def readable(values: str) -> str:
    """``{"partnership_state": "pending", "version": 1}`` → ``partnership state: pending; version: 1``."""
    if not values:
        return ""
    try:
        parsed = json.loads(values)
    except ValueError:
        return values
    if not isinstance(parsed, dict):
        return values
    return "; ".join(f"{key.replace('_', ' ')}: {value}" for key, value in parsed.items())


def _entity(row: AuditRow) -> str:
    name = row.entity.replace("_", " ")
    return f"{name} {row.entity_id}" if row.entity_id is not None else name


class AuditTableModel(PagedRowModel[AuditRow]):
    """Paging, ``more_wanted`` and stale-reply handling come from PagedRowModel."""

    COLUMNS = (
        Column("When (UTC)", lambda r: r.at.strftime("%d %b %Y %H:%M:%S")),
        Column("User", lambda r: r.user),
        Column("Database login", lambda r: r.db_identity),
        Column("Action", lambda r: r.action.replace("_", " ")),
        Column("Entity", _entity),
        Column("Before", lambda r: readable(r.before), tooltip=lambda r: readable(r.before) or None),
        Column("After", lambda r: readable(r.after), tooltip=lambda r: readable(r.after) or None),
        Column("Reason", lambda r: r.reason, tooltip=lambda r: r.reason or None),
    )
