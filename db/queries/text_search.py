"""Free-text search helpers shared by the read queries."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_

ESCAPE = "\\"


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with the user's % and _ taken literally."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def any_contains(text: str, *columns: ColumnElement[str]) -> ColumnElement[bool]:
    """Case-insensitive "contains" over several columns."""
    pattern = contains_pattern(text.strip())
    return or_(*(column.ilike(pattern, escape=ESCAPE) for column in columns))
