"""One activity's audit history (A2): who, when, what, before → after, why."""

from __future__ import annotations

from datetime import date

from db.queries.activity_detail import AuditLine
from desktop.kit.formatting import day, moment, money, state
from desktop.kit.row_table_model import Column, RowTableModel

HIDDEN_KEYS = frozenset({"version", "period_id"})  # bookkeeping, not something a reader acts on


def _name(key: str) -> str:
    return key.removesuffix("_pence").replace("_", " ")


def _value(key: str, value: object) -> str:
    """Pence as pounds (an edit's costs) and states as labels; anything else as stored."""
    if value is None or value == "":
        return "—"
    if key.endswith("_pence") and isinstance(value, int):
        return money(value)
    if key.endswith("_state"):
        return state(value)
    if key.endswith("_on") and isinstance(value, str):
        try:
            return day(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _change(line: AuditLine) -> str:
    before, after = line.before or {}, line.after or {}
    keys = [k for k in after if k not in HIDDEN_KEYS and before.get(k) != after.get(k)]
    return "; ".join(f"{_name(k)}: {_value(k, before.get(k))} → {_value(k, after.get(k))}" for k in keys)


class ActivityHistoryModel(RowTableModel[AuditLine]):
    COLUMNS = (
        Column("When", lambda r: moment(r.at), sort_key=lambda r: r.at),
        Column("Who", lambda r: r.who),
        Column("What", lambda r: r.action.replace("_", " ")),
        Column("Change", _change, tooltip=lambda r: _change(r).replace("; ", "\n")),
        Column("Reason", lambda r: r.reason or ""),
    )
