"""The activity table model's ticks (C4): held as id → version, one change per bulk tick, kept across paging.

A model only shows the rows it is given, so these tests give it rows built by hand (tests/rows.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from db.queries.activities import PAGE_SIZE
from desktop.modules.partnership_cpd.activity_table_model import COL_CHECK, ActivityTableModel
from tests.rows import activity_row, activity_rows


def loaded_model(count: int = PAGE_SIZE) -> ActivityTableModel:
    """A first page as the panel shows it: a full page, the count still on its way."""
    model = ActivityTableModel()
    model.reset(None, activity_rows(count))
    return model


def test_model_with_ticks_passes_the_model_tester(qtmodeltester) -> None:
    model = loaded_model()
    model.set_ticked(0, True)
    model.set_ticked(3, True)
    qtmodeltester.check(model, force_py=True)


def test_ticking_a_row_records_the_version_that_was_shown() -> None:
    model = loaded_model()
    index = model.index(2, COL_CHECK)
    assert model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    row = model.row_at(2)
    assert model.ticked == {row.id: row.version}
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    model.toggle(2)
    assert model.ticked == {}


def test_ticking_the_page_is_one_change_and_sets_the_header_state(qtbot) -> None:
    model = loaded_model()
    changes: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last, _roles: changes.append((first.row(), last.row())))
    model.tick_page()
    assert changes == [(0, model.loaded - 1)]
    assert model.ticked_count == model.loaded
    assert model.page_check_state() == Qt.CheckState.Checked
    model.set_ticked(0, False)
    assert model.page_check_state() == Qt.CheckState.PartiallyChecked
    model.tick_page(False)
    assert model.page_check_state() == Qt.CheckState.Unchecked and model.ticked == {}


def test_tick_all_matching_holds_rows_not_loaded_and_survives_paging() -> None:
    model = loaded_model()
    matching = activity_rows(PAGE_SIZE * 3)
    versions = {row.id: row.version for row in matching}
    model.tick_all(versions)
    assert model.ticked_count == len(versions) > model.loaded
    model.append(model.loaded, matching[PAGE_SIZE : PAGE_SIZE * 2])
    assert model.loaded == PAGE_SIZE * 2
    assert all(model.is_ticked(row) for row in range(model.loaded))
    assert model.ticked == versions


def test_a_tick_keeps_the_version_shown_when_a_newer_one_arrives() -> None:
    """The tick is for what the lead saw: a later page with version 2 of a ticked row does not move it."""
    model = loaded_model(PAGE_SIZE)
    model.tick_all({PAGE_SIZE + 1: 1})
    model.append(PAGE_SIZE, [activity_row(PAGE_SIZE + 1, version=2)])
    assert model.ticked == {PAGE_SIZE + 1: 1}


def test_a_view_only_model_has_no_checkboxes() -> None:
    model = loaded_model()
    model.tick_page()
    model.set_checkable(False)
    index = model.index(0, COL_CHECK)
    assert model.ticked == {}
    assert index.data(Qt.ItemDataRole.CheckStateRole) is None
    assert not model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    model.tick_all({1: 1})
    assert model.ticked == {}


def test_paging_stops_at_a_short_page_until_the_count_arrives() -> None:
    model = loaded_model(PAGE_SIZE)
    assert model.canFetchMore()  # a full page: there may be more
    model.reset(None, activity_rows(PAGE_SIZE - 1))
    assert not model.canFetchMore()  # a short page is the last
    model.reset(None, [])
    assert not model.canFetchMore()
    model.reset(None, activity_rows(PAGE_SIZE))
    model.set_total(PAGE_SIZE)  # the count arrives: exactly one page
    assert not model.canFetchMore()
