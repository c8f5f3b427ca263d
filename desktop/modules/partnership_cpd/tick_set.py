"""What the user has ticked in the activities table, as ids, not rows (C4).

Ticks are held as activity id → the version the user saw: "tick all N matching" can then hold
200,000 ids without loading their rows, and ticks survive paging because they do not depend
on what is loaded.  After "tick all" the set is the filter less the rows unticked since (plus
any ticked one by one), not a copy of every matching id: the window's thread never walks the
million entries.

Plain Python, no Qt: the table model (``activity_table_model``) owns one and tells the view
when it changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from db.queries.ticked_matching import MatchingTicks


class TickSet:
    """Ticked activities: one by one, or every row matching a filter minus those unticked since."""

    def __init__(self) -> None:
        self._ticked: dict[int, int] = {}  # ticked one by one (besides "all matching", if that is on)
        #: after "tick all": every matching row's version as read then (shared, never copied here) …
        self._all: Mapping[int, int] | None = None
        self._all_filter: Any = None  # … the filter they matched …
        self._all_ceiling: int | None = None  # … the highest id among them …
        self._minus: set[int] = set()  # … and the rows unticked since
        #: while those versions are still being read: how many rows they are expected to be
        self._expected: int | None = None
        #: once they are read, whether they hold each id asked about so far: the loaded rows, asked on
        #: every repaint and tick change, while one look-up tries each of their pieces (100 at a million
        #: rows: 200 rows took 4-5 ms of the window's thread each time the header's box was worked out)
        self._all_holds: dict[int, bool] = {}

    @property
    def empty(self) -> bool:
        """Nothing ticked one by one and no "tick all" on (a "tick all" of no rows is not empty)."""
        return not self._ticked and self._all is None

    @property
    def reading(self) -> bool:
        """True between "tick all" and its rows' versions arriving (``versions_read``)."""
        return self._expected is not None

    @property
    def count(self) -> int:
        if self._all is None:
            return len(self._ticked)
        ticked = self._expected if self._expected is not None else len(self._all)
        return len(self._ticked) + ticked - len(self._minus)

    def selection(self) -> dict[int, int] | MatchingTicks:
        """What is ticked, for a decision: the ticks (a copy), or after "tick all" the filter less the
        rows unticked since, without copying every row's version (``MatchingTicks``)."""
        if self._all is None:
            return dict(self._ticked)
        minus, extra = frozenset(self._minus), dict(self._ticked)
        return MatchingTicks(self._all_filter, self._all, minus, extra, self._all_ceiling, self._expected)

    def versions(self) -> dict[int, int]:
        """Activity id → the version the user saw when ticking it, for every ticked row (a copy)."""
        selection = self.selection()
        return selection.shown_versions() if isinstance(selection, MatchingTicks) else selection

    def has(self, activity_id: int) -> bool:
        if activity_id in self._ticked:
            return True
        return self._in_all(activity_id) and activity_id not in self._minus

    def _in_all(self, activity_id: int) -> bool:
        """Whether "tick all" ticked this row: by the versions read, or while they are read by its id."""
        if self._all is None:
            return False
        if self._expected is not None:
            return self._all_ceiling is not None and activity_id <= self._all_ceiling
        holds = self._all_holds.get(activity_id)
        if holds is None:
            holds = self._all_holds[activity_id] = activity_id in self._all
        return holds

    def take(self, activity_id: int, version: int) -> None:
        """Tick a row at the version the user sees."""
        if self._in_all(activity_id):
            self._minus.discard(activity_id)  # ticked again, at the version read with "tick all"
        else:
            self._ticked[activity_id] = version

    def drop(self, activity_id: int, *, decidable: bool = True) -> None:
        """Untick a row; one the user may not decide was never among "tick all"'s (while its versions are
        read, which rows it holds is known only by id: such a row is not counted off)."""
        self._ticked.pop(activity_id, None)
        if decidable and self._in_all(activity_id):
            self._minus.add(activity_id)

    def tick_all(
        self, versions: Mapping[int, int] | None, filt: Any = None, ceiling: int | None = None, expected: int = 0
    ) -> None:
        """Every row matching ``filt`` (id → version from SQL, kept as it is, not copied).  ``None``: the
        versions are still being read; meanwhile the rows up to ``ceiling`` are ticked, ``expected`` of them."""
        self._ticked, self._all, self._all_filter, self._minus = {}, versions or {}, filt, set()
        self._all_ceiling, self._all_holds = ceiling, {}
        self._expected = expected if versions is None else None

    def versions_read(self, versions: Mapping[int, int], filt: Any, ceiling: int | None) -> bool:
        """The versions of the "tick all" still being read, if these are its (same filter and highest id):
        the rows unticked meanwhile that they do not hold are no longer counted off.  False otherwise
        (the ticks changed since: the versions are of nothing ticked)."""
        if self._expected is None or self._all_filter != filt or self._all_ceiling != ceiling:
            return False
        self._all, self._expected, self._all_holds = versions, None, {}
        self._minus = {activity_id for activity_id in self._minus if activity_id in versions}
        return True

    def clear(self) -> None:
        self._ticked, self._all, self._all_filter, self._minus = {}, None, None, set()
        self._all_ceiling = self._expected = None
        self._all_holds = {}
