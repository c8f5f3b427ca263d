"""Id → version of 200,000 ticked rows, held in buckets of consecutive ids.

"Tick all" keeps the version of every row it ticks, for the sign-off to compare.
Read as one long string and turned into one dictionary, that took the worker's
interpreter lock for up to 60 ms at a time (splitting 1.4 MB, or the dictionary
doubling its size as it grows), and the window's thread had to wait that long.
Read per bucket of ``BUCKET`` consecutive ids instead (the database joins each
bucket's ids and versions into two strings), every step is a short one, and the
buckets stay apart: looking an id up is one more index, and no step ever copies
all the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import String, cast, func
from sqlalchemy.orm import Session

#: consecutive ids per bucket: a bucket's strings split and its dictionary fill in well under 5 ms
BUCKET = 10_000


def joined(session: Session, column: Any) -> Any:
    """SQL: the column's values of the group's rows as one comma-separated string (NULLs left out)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(cast(column, String), ",")
    return func.group_concat(column, ",")


class BucketedVersions(Mapping[int, int]):
    """A read-only id → version mapping built bucket by bucket (``add``), never copied whole."""

    def __init__(self) -> None:
        self._buckets: dict[int, dict[int, int]] = {}
        self._count = 0

    def add(self, bucket: int, ids: str, versions: str) -> None:
        """One bucket's ids and versions, each comma-separated in the same order."""
        found = dict(zip(map(int, ids.split(",")), map(int, versions.split(",")), strict=True))
        self._buckets.setdefault(bucket, {}).update(found)
        self._count += len(found)

    def __getitem__(self, activity_id: int) -> int:
        return self._buckets[activity_id // BUCKET][activity_id]

    def __contains__(self, activity_id: object) -> bool:
        if not isinstance(activity_id, int):
            return False
        bucket = self._buckets.get(activity_id // BUCKET)
        return bucket is not None and activity_id in bucket

    def __iter__(self) -> Iterator[int]:
        for bucket in self._buckets.values():
            yield from bucket

    def __len__(self) -> int:
        return self._count

    def items_in_buckets(self) -> Iterable[dict[int, int]]:
        """Each bucket's id → version (for copying a step at a time)."""
        return self._buckets.values()
