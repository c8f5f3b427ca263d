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
