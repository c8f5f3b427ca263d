"""Id → version of 200,000 ticked rows, held in pieces.

"Tick all" keeps the version of every row it ticks, for the sign-off to compare.
The database joins the ids and the versions into two strings (one row: no row
per activity to fetch, and no sort).  Turned into one dictionary in one go, that
took the worker's interpreter lock for up to 60 ms at a time (splitting 1.4 MB,
or the dictionary doubling its size as it grows), and the window's thread had
to wait that long.  Cut into pieces of ``PIECE`` ids instead, each step is a
short one, and the pieces stay apart: looking an id up tries each piece (a
couple of dozen dictionary look-ups), and no step ever copies all the rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import String, cast, func
from sqlalchemy.orm import Session

#: ids per piece: a piece's strings split and its dictionary fill in a few milliseconds
PIECE = 10_000


def joined(session: Session, column: Any) -> Any:
    """SQL: the column's values of the group's rows as one comma-separated string (NULLs left out)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(cast(column, String), ",")
    return func.group_concat(column, ",")


def pieces(text: str, size: int = PIECE) -> Iterator[str]:
    """``text`` (comma-separated) in pieces of about ``size`` values each, cut at commas."""
    sample = text[:100_000]
    step = max(1, len(sample) * size // (sample.count(",") + 1))
    start, length = 0, len(text)
    while start < length:
        end = text.find(",", start + step)
        end = length if end < 0 else end
        yield text[start:end]
        start = end + 1


class PiecedVersions(Mapping[int, int]):
    """A read-only id → version mapping of "id:version,id:version,…", parsed a piece at a time."""

    def __init__(self, pairs: str | None) -> None:
        self._pieces: list[dict[int, int]] = []
        for piece in pieces(pairs or ""):
            numbers = map(int, piece.replace(":", ",").split(","))
            self._pieces.append(dict(zip(numbers, numbers, strict=False)))  # id, version, id, version, …
        self._count = sum(len(piece) for piece in self._pieces)

    def __getitem__(self, activity_id: int) -> int:
        for piece in self._pieces:
            if activity_id in piece:
                return piece[activity_id]
        raise KeyError(activity_id)

    def __contains__(self, activity_id: object) -> bool:
        return any(activity_id in piece for piece in self._pieces)

    def __iter__(self) -> Iterator[int]:
        for piece in self._pieces:
            yield from piece

    def __len__(self) -> int:
        return self._count
