"""Does a value from a GIAS file fit the column it will be stored in?

The limits are read from the Organisation model's own column types, so a
migration that widens a column widens what the import accepts, and no number
is copied here.  Checked for every row before the import's transaction
starts: PostgreSQL would otherwise fail mid-transaction with a driver
traceback, and SQLite would silently store a value past its declared length.
"""

from __future__ import annotations

from db.models import Organisation
from db.text_files import describe_char, first_control


def column_length(field: str) -> int | None:
    """The declared length of ``Organisation.<field>`` (None for an unbounded column)."""
    return getattr(Organisation.__table__.c[field].type, "length", None)


def _show(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def urn_problem(urn: str) -> str | None:
    """A URN is digits only, no longer than the urn column."""
    if not urn:
        return "there is no URN"
    control = first_control(urn)
    if control is not None:
        return f"the URN contains the control character {describe_char(control)}"
    if not (urn.isascii() and urn.isdigit()):
        return f"the URN “{_show(urn)}” is not a number"
    limit = column_length("urn")
    if limit is not None and len(urn) > limit:
        return f"the URN “{_show(urn)}” has {len(urn)} digits; a URN has at most {limit}"
    return None


def text_problem(column: str, value: str | None, field: str | None) -> str | None:
    """A text value holds no control character and fits ``Organisation.<field>`` (if it is stored in one)."""
    if not value:
        return None
    control = first_control(value)
    if control is not None:
        where = "a line break or tab" if control in "\t\r\n" else f"the control character {describe_char(control)}"
        return f"{column} “{_show(value.replace(control, ' '))}” contains {where}"
    limit = column_length(field) if field else None
    if limit is not None and len(value) > limit:
        return f"{column} is {len(value)} characters long; TrustDesk keeps at most {limit} (“{_show(value)}”)"
    return None
