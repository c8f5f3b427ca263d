"""One activity's audit history (A2): who, when, what, before → after, why."""

from __future__ import annotations

from db.queries.activity_detail import AuditLine
from desktop.formatting import moment
from desktop.models.row_table_model import Column, RowTableModel


def _change(line: AuditLine) -> str:
    before, after = line.before or {}, line.after or {}
    keys = [k for k in after if k != "version" and before.get(k) != after.get(k)]
    return "; ".join(f"{k.replace('_', ' ')}: {before.get(k) or '—'} → {after.get(k) or '—'}" for k in keys)


class ActivityHistoryModel(RowTableModel[AuditLine]):
    COLUMNS = (
        Column("When", lambda r: moment(r.at), sort_key=lambda r: r.at),
        Column("Who", lambda r: r.who),
        Column("What", lambda r: r.action.replace("_", " ")),
        Column("Change", _change),
        Column("Reason", lambda r: r.reason or ""),
    )
