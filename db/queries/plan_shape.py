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

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.sqltypes import NullType
from sqlalchemy.sql.visitors import InternalTraversal

if TYPE_CHECKING:
    from db.queries.activities import ActivityFilter


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


class Rare(ColumnElement[Any]):
    """A condition SQLite's planner is told is seldom true (``likelihood``); the plain condition elsewhere."""

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's)
        ("condition", InternalTraversal.dp_clauseelement),
        ("probability", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, condition: ColumnElement[bool], probability: float) -> None:
        self.condition = condition
        self.probability = probability
        # untyped, not Boolean: a Boolean would be written "likelihood(…) = 1" on SQLite, which no index serves
        self.type = NullType()


@compiles(Rare)
def _as_is(element: Rare, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.condition, **kw))


@compiles(Rare, "sqlite")
def _likelihood(element: Rare, compiler: Any, **kw: Any) -> str:
    return f"likelihood({compiler.process(element.condition, **kw)}, {element.probability!r})"


def rare(condition: ColumnElement[bool], probability: float = 0.01) -> Any:
    """``condition``, which SQLite is told holds for about ``probability`` of the rows: it then reads them
    from an index that seeks ``condition`` rather than one on a broad term beside it.  Its statistics
    (``sqlite_stat1``) know only how many rows a value has on average, not that "denied" is rare."""
    return Rare(condition, probability)


# -- which conditions of a Partnership CPD page read may choose its index (db.queries.activities) -------

#: sorts read from a (period, column, id) index (db/models/activities.py): all periods merge each period's
PERIOD_SORTS = frozenset(
    {"created", "title", "cost", "individual", "type", "end", "cover_days", "course_fee", "cover_cost", "travel"}
    | {"other", "state", "line_manager", "cpd_team", "organisation"}
)
#: the conditions that may choose the index of a page read, by sort: those that lead the sort's own index.
#: The narrow ones (a school, a person, an event, a batch) always may.
LEADING: dict[str, frozenset[str]] = {
    "start": frozenset({"period", "partnership", "start range"}),  # (period, start), (period, state, start, id)
} | dict.fromkeys(PERIOD_SORTS, frozenset({"period"}))
# (period, layer's state, id): a filter on the sort's own state keeps the id order
LEADING |= {
    "state": frozenset({"period", "partnership"}),
    "line_manager": frozenset({"period", "line_manager"}),
    "cpd_team": frozenset({"period", "cpd_team"}),
}
#: filters that leave a few hundred rows in all periods: one read by their own index, then sorted
NARROW = ("person_id", "training_event_id", "flood_fill_batch_id")


def leading_filters(filt: ActivityFilter) -> frozenset[str]:
    """The broad filters that may choose the index of a page read in this filter's order.

    With a narrow filter (a person, an event, a batch; a school unless by start date) none may: the
    narrow one's index reads its few rows and they are sorted.
    """
    if any(getattr(filt, name) is not None for name in NARROW):
        return frozenset()
    if filt.organisation_id is not None and filt.sort != "start":
        return frozenset()
    return LEADING.get(filt.sort, frozenset())


def small_queue_possible(filt: ActivityFilter) -> bool:
    """Whether the page read checks a queue (partnership state) row by row, which is slow when the queue is
    small.  (A school, a person, an event or a batch is few rows already, and is read by its own index.)"""
    if filt.organisation_id is not None or any(getattr(filt, name) is not None for name in NARROW):
        return False
    # "pending and started" is a list of states: never the index's, whatever the sort
    return filt.pending_started or (filt.partnership_state is not None and "partnership" not in leading_filters(filt))
