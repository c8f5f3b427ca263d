"""A list of ids in a condition, written the way each database takes it best.

``column IN (…)`` on SQLite; ``column = ANY(array)`` on PostgreSQL, one value however many ids.
A trust-wide lead reaches 150 schools: written as IN, every list read sent 150 numbered
parameters per part, which SQLAlchemy renders and psycopg parses anew each time (it caches no
statement over 4 kB), a third of a first page's time on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Integer, any_, bindparam


def one_of(column: ColumnElement[int] | Any, ids: Sequence[int], *, array: bool) -> ColumnElement[bool]:
    """``column`` is one of ``ids``: as one array value if ``array`` (PostgreSQL), else ``IN``."""
    if array:
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)
