"""Free-text search helpers shared by every list query.

The text a person types is cleaned once, here: control characters go (a NUL
is an error on PostgreSQL and cuts the pattern short on SQLite; a pasted tab
or line break becomes a space) and it is normalised to NFC, the form stored
text is in, so a decomposed "zoë" pasted from elsewhere still matches.

Case: PostgreSQL's ILIKE folds every letter, SQLite's LIKE and lower() fold
ASCII only, so on SQLite "zoë" would not find "ZOË". A pattern that is all
ASCII keeps the plain ILIKE on both engines (and SQLite's speed). A pattern
with other letters is compiled, on SQLite only, to

    column LIKE '%zo_%' AND unicode_lower(column) LIKE '%zoë%'

where ``unicode_lower`` is Python's ``str.lower`` registered on every
connection (db/engine.py). The first test is SQLite's own, case-insensitive
for ASCII, with ``_`` (any one character) for each non-ASCII letter; it lets
through only rows that could match, so Python is called for few of them.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import Boolean, ColumnElement, and_, func, literal, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.functions import FunctionElement

from db.engine import SQLITE_UNICODE_LOWER
from db.text_files import without_controls

ESCAPE = "\\"


def clean_search_text(text: str) -> str:
    """What a search box's text means: no control characters, NFC, no surrounding spaces."""
    return unicodedata.normalize("NFC", without_controls(text or "")).strip()


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with the user's % and _ taken literally."""
    escaped = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"


def _ascii_shape(text: str) -> str:
    """The LIKE pattern with ``_`` for every non-ASCII character: SQLite's cheap first test."""
    return "".join(ch if ch.isascii() else "_" for ch in contains_pattern(text))


class _contains_folded(FunctionElement[bool]):
    """``column`` contains ``text`` whatever the case of any letter, compiled per engine (see the module doc).

    Arguments: column, pattern, lower-cased pattern, ASCII-shaped pattern.
    """

    type = Boolean()
    inherit_cache = True
    name = "contains_folded"


@compiles(_contains_folded)
def _contains_folded_default(element: _contains_folded, compiler, **kw) -> str:
    column, pattern, _folded, _shape = element.clauses.clauses
    return compiler.process(column.ilike(pattern, escape=ESCAPE), **kw)


@compiles(_contains_folded, "sqlite")
def _contains_folded_sqlite(element: _contains_folded, compiler, **kw) -> str:
    column, _pattern, folded, shape = element.clauses.clauses
    lowered = getattr(func, SQLITE_UNICODE_LOWER)(column)
    return compiler.process(and_(column.like(shape, escape=ESCAPE), lowered.like(folded, escape=ESCAPE)), **kw)


def any_contains(text: str, *columns: ColumnElement[Any] | QueryableAttribute[Any]) -> ColumnElement[bool]:
    """Case-insensitive "contains" over several columns, the same on both engines; blank text matches all."""
    cleaned = clean_search_text(text)
    if not cleaned:
        return true()
    pattern = contains_pattern(cleaned)
    if cleaned.isascii():
        return or_(*(column.ilike(pattern, escape=ESCAPE) for column in columns))
    folded, shape = literal(pattern.lower()), literal(_ascii_shape(cleaned))
    return or_(*(_contains_folded(column, literal(pattern), folded, shape) for column in columns))
