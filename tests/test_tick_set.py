"""The ticks of the activities table as a plain set: one by one, and "tick all" as a filter less the
rows unticked since, before and after its versions are read."""

from __future__ import annotations

from db.queries.ticked_matching import MatchingTicks
from desktop.modules.partnership_cpd.tick_set import TickSet


def test_one_by_one_keeps_the_version_seen_and_unticks() -> None:
    ticks = TickSet()
    assert ticks.empty and ticks.count == 0
    ticks.take(7, 3)
    ticks.take(9, 1)
    ticks.drop(9)
    assert ticks.has(7) and not ticks.has(9)
    assert ticks.selection() == {7: 3}
    assert ticks.versions() == {7: 3}
    assert ticks.count == 1


def test_tick_all_is_the_filter_less_what_was_unticked_not_a_copy() -> None:
    versions = {1: 1, 2: 5, 3: 2}
    ticks = TickSet()
    ticks.tick_all(versions, filt="pending", ceiling=3)
    ticks.drop(2)
    ticks.take(40, 8)  # a row outside the filter, ticked by hand
    assert ticks.count == 3
    assert not ticks.has(2) and ticks.has(3) and ticks.has(40)
    selection = ticks.selection()
    assert isinstance(selection, MatchingTicks)
    assert selection.versions is versions  # shared, never copied
    assert ticks.versions() == {1: 1, 3: 2, 40: 8}
    ticks.take(2, 99)  # ticked again: at the version read with "tick all"
    assert ticks.versions()[2] == 5


def test_while_the_versions_are_read_rows_up_to_the_ceiling_are_ticked() -> None:
    ticks = TickSet()
    ticks.tick_all(None, filt="pending", ceiling=10, expected=4)
    assert ticks.reading and ticks.count == 4
    assert ticks.has(10) and not ticks.has(11)
    ticks.drop(6)  # not among the matching rows, as it turns out
    ticks.drop(8)
    ticks.drop(5, decidable=False)  # not the user's to decide: never counted off
    assert ticks.count == 2
    assert not ticks.versions_read({2: 1, 8: 1, 9: 1, 10: 1}, "authorised", 10)  # another tick all's
    assert ticks.versions_read({2: 1, 8: 1, 9: 1, 10: 1}, "pending", 10)
    assert not ticks.reading
    assert ticks.count == 3  # row 6 was not among them, so unticking it counts for nothing
    assert ticks.versions() == {2: 1, 9: 1, 10: 1}


def test_clear_forgets_tick_all_and_late_versions() -> None:
    ticks = TickSet()
    ticks.tick_all(None, filt="pending", ceiling=10, expected=4)
    ticks.clear()
    assert ticks.empty and ticks.count == 0 and not ticks.reading
    assert not ticks.versions_read({1: 1}, "pending", 10)
    ticks.tick_all({}, filt="pending", ceiling=None)
    assert not ticks.empty and ticks.count == 0  # "tick all" of no rows is still on


class _CountingVersions(dict[int, int]):
    """Versions that count how often an id is looked up (a million rows' are held in pieces, each
    look-up trying every piece)."""

    asked = 0

    def __contains__(self, activity_id: object) -> bool:
        type(self).asked += 1
        return super().__contains__(activity_id)


def test_the_loaded_rows_are_looked_up_in_tick_alls_versions_once() -> None:
    ticks = TickSet()
    ticks.tick_all(None, filt="pending", ceiling=10, expected=3)
    assert ticks.versions_read(_CountingVersions({2: 1, 4: 1, 6: 1}), "pending", 10)
    _CountingVersions.asked = 0
    for _repaint in range(5):  # every repaint and tick change asks about the loaded rows again
        assert [ticks.has(row) for row in range(1, 8)] == [False, True, False, True, False, True, False]
    assert _CountingVersions.asked == 7
    ticks.drop(4)
    assert not ticks.has(4) and ticks.count == 2
    ticks.take(4, 1)
    assert ticks.has(4) and ticks.count == 3
    ticks.tick_all({3: 1}, filt="authorised", ceiling=3)  # another "tick all": its own rows
    assert ticks.has(3) and not ticks.has(4)
