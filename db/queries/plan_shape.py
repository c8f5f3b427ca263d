"""Writing a condition so that SQLite's planner cannot drive a query from it.

Why: SQLite picks the index for a list query from its statistics, and what it
picks changed between versions.  SQLite 3.40 read "period + pending, newest
first" from the (period, start) index in order; SQLite 3.45 and later (the
newer Python on Windows, Qt's own driver) preferred
``ix_cpd_activities_period_state_org_start`` because it also matches the long
list of organisations a trust-wide user reaches, and then sorted every
matching row: 6 ms became 550-750 ms.  The list query instead states which
conditions may choose the index: the ones that lead the sort's own index, and
the narrow ones (one person, one school, one event).  Every other condition
is written ``+column`` on SQLite, the documented way to keep a term out of
index selection; it is then only checked on each row read in index order.

PostgreSQL costs a LIMIT properly and is left to choose: there the condition
is written plainly, so an index can still check it without reading the row.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


class Unindexed(ColumnElement[Any]):
    """A column that no index may be chosen for on SQLite (``+column``); the plain column elsewhere."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # noqa: RUF012 (SQLAlchemy's)

    def __init__(self, column: ColumnElement[Any] | Any) -> None:
        self.column = column
        self.type = column.type


@compiles(Unindexed)
def _plain(element: Unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(Unindexed, "sqlite")
def _unary_plus(element: Unindexed, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))


def unindexed(column: ColumnElement[Any] | Any) -> Any:
    """``column`` as a filter only: compared on each row, never the reason an index is chosen (SQLite)."""
    return Unindexed(column)
