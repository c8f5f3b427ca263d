"""The activity table model's ticks (C4): held as id → version, one change per bulk tick, kept across paging."""

from __future__ import annotations

from PySide6.QtCore import Qt

from db.queries.activities import PAGE_SIZE, ActivityFilter, fetch_page, first_rows, matching_versions
from desktop.modules.partnership_cpd.activity_table_model import COL_CHECK, ActivityTableModel
from tests.helpers import user_id


def loaded_model(demo_db) -> tuple[ActivityTableModel, int, ActivityFilter]:
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter()
    model = ActivityTableModel()
    model.reset(None, first_rows(demo_db, sam, filt).rows)
    return model, sam, filt


def test_model_with_ticks_passes_the_model_tester(qtmodeltester, demo_db) -> None:
    model, _sam, _filt = loaded_model(demo_db)
    model.set_ticked(0, True)
    model.set_ticked(3, True)
    qtmodeltester.check(model, force_py=True)


def test_ticking_a_row_records_the_version_that_was_shown(demo_db) -> None:
    model, _sam, _filt = loaded_model(demo_db)
    index = model.index(2, COL_CHECK)
    assert model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    row = model.row_at(2)
    assert model.ticked == {row.id: row.version}
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    model.toggle(2)
    assert model.ticked == {}


def test_ticking_the_page_is_one_change_and_sets_the_header_state(qtbot, demo_db) -> None:
    model, _sam, _filt = loaded_model(demo_db)
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


def test_tick_all_matching_holds_rows_not_loaded_and_survives_paging(demo_db) -> None:
    model, sam, filt = loaded_model(demo_db)
    versions = matching_versions(demo_db, sam, filt)
    assert len(versions) > PAGE_SIZE * 2
    model.tick_all(versions)
    assert model.ticked_count == len(versions) > model.loaded
    model.append(model.loaded, fetch_page(demo_db, sam, filt, model.loaded, after=model.row_at(model.loaded - 1)))
    assert model.loaded == PAGE_SIZE * 2
    assert all(model.is_ticked(row) for row in range(model.loaded))
    assert model.ticked == versions


def test_a_view_only_model_has_no_checkboxes(demo_db) -> None:
    model, _sam, _filt = loaded_model(demo_db)
    model.tick_page()
    model.set_checkable(False)
    index = model.index(0, COL_CHECK)
    assert model.ticked == {}
    assert index.data(Qt.ItemDataRole.CheckStateRole) is None
    assert not model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    model.tick_all({1: 1})
    assert model.ticked == {}


def test_paging_stops_at_a_short_page_until_the_count_arrives(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    model = ActivityTableModel()
    rows = first_rows(demo_db, sam, ActivityFilter(search="coach")).rows
    model.reset(None, rows)
    assert model.canFetchMore() == (len(rows) == PAGE_SIZE)
    model.reset(None, [])
    assert not model.canFetchMore()
