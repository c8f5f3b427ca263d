"""Partnership CPD as a CPD lead on a laptop sees it: columns, sorting, chips, queue tabs, saved views."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QStyleOptionHeader

from db.models import PartnershipState
from db.queries.activities import ActivityFilter
from desktop.modules.partnership_cpd.activity_detail import ActivityDetailDialog
from desktop.modules.partnership_cpd.activity_table_model import (
    COL_CPD_TEAM,
    COL_INDIVIDUAL,
    COL_LINE_MANAGER,
    COL_MODULE,
    COL_ORGANISATION,
    COL_PARTNERSHIP,
    COL_TITLE,
    HEADERS,
    SORT_KEYS,
)
from desktop.modules.partnership_cpd.columns import SETTINGS_HIDDEN, column_menu
from desktop.modules.partnership_cpd.person_completer import CLEARED_PLACEHOLDER
from desktop.modules.partnership_cpd.queue_tabs import QUEUES
from desktop.modules.partnership_cpd.saved_views import SaveViewDialog
from tests.gui_helpers import close_window, open_window, wait_for_window


def settle(qtbot, panel) -> None:
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=15_000)
    qtbot.waitUntil(lambda: "activit" in panel.summary_label.text(), timeout=15_000)


def open_panel(qtbot, window):
    panel = window.panels["partnership_cpd"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=15_000)
    settle(qtbot, panel)
    return panel


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    win = open_window(qtbot, demo_db, tmp_path)
    yield win
    close_window(win)


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768), (1360, 820)])
def test_the_decision_columns_show_without_scrolling_on_a_laptop(qtbot, window, size) -> None:
    window.resize(*size)
    panel = open_panel(qtbot, window)
    qtbot.waitUntil(lambda: panel.table.viewport().width() > 600, timeout=5_000)
    panel.table.horizontalScrollBar().setValue(0)
    for column in (COL_INDIVIDUAL, COL_TITLE, COL_LINE_MANAGER, COL_CPD_TEAM, COL_PARTNERSHIP):
        right = panel.table.columnViewportPosition(column) + panel.table.columnWidth(column)
        assert not panel.table.isColumnHidden(column) and right <= panel.table.viewport().width(), HEADERS[column]


def test_long_text_is_elided_with_the_whole_text_in_its_tooltip(qtbot, window) -> None:
    panel = open_panel(qtbot, window)
    row = max(range(panel.model.loaded), key=lambda r: len(panel.model.row_at(r).individual))
    index = panel.model.index(row, COL_INDIVIDUAL)
    assert index.data(Qt.ItemDataRole.ToolTipRole) == panel.model.row_at(row).individual
    assert panel.table.textElideMode() == Qt.TextElideMode.ElideRight


def test_every_header_sorts_and_the_arrow_points_up_for_ascending(qtbot, window) -> None:
    panel = open_panel(qtbot, window)
    for column in (COL_LINE_MANAGER, COL_CPD_TEAM, COL_ORGANISATION):
        panel.table.setColumnHidden(column, False)
        x = panel.header.sectionViewportPosition(column) + 10
        qtbot.mouseClick(panel.header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
        assert panel.filter.sort == SORT_KEYS[column]
        settle(qtbot, panel)
        assert panel.header.sortIndicatorSection() == column
    # The next click reverses: ascending, painted ▲ (Qt's own choice would be ▼).
    descending = panel.filter.descending
    x = panel.header.sectionViewportPosition(COL_ORGANISATION) + 10
    qtbot.mouseClick(panel.header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    settle(qtbot, panel)
    assert panel.filter.descending != descending
    # Learning module does not sort (a first page would sort a whole period): its click changes nothing.
    panel.table.setColumnHidden(COL_MODULE, False)
    x = panel.header.sectionViewportPosition(COL_MODULE) + 10
    qtbot.mouseClick(panel.header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert panel.filter.sort == "organisation" and panel.header.sortIndicatorSection() == COL_ORGANISATION
    panel.show_filter(ActivityFilter(sort="line_manager", descending=False))
    settle(qtbot, panel)
    option = QStyleOptionHeader()
    panel.header.initStyleOptionForIndex(option, COL_LINE_MANAGER)
    assert option.sortIndicator == QStyleOptionHeader.SortIndicator.SortUp
    states = [panel.model.row_at(r).line_manager_state.value for r in range(panel.model.loaded)]
    assert states == sorted(states)


def test_drill_through_filters_show_as_chips_and_a_cross_removes_one(qtbot, window) -> None:
    panel = open_panel(qtbot, window)
    everything = panel.model.total
    panel.show_filter(ActivityFilter(starts_from=date(2026, 11, 1), starts_before=date(2026, 12, 1)))
    settle(qtbot, panel)
    assert panel.chips.texts() == ["Starting in November 2026"]
    assert panel.filter_description() == "Starting in November 2026"
    qtbot.waitUntil(lambda: panel.model.total < everything, timeout=10_000)
    qtbot.mouseClick(panel.chips.chips["starts"], Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    assert panel.filter.starts_from is None and panel.chips.texts() == []
    assert panel.chips.caption.text() == "Showing all activities"


def test_queue_tabs_count_the_filter_and_choose_the_queue(qtbot, window) -> None:
    panel = open_panel(qtbot, window)
    qtbot.waitUntil(lambda: "(" in panel.queue_tabs.tabText(0), timeout=10_000)
    total = panel.model.total
    assert panel.queue_tabs.tabText(QUEUES.index(None)) == f"All ({total:,})"
    rejected = QUEUES.index(PartnershipState.REJECTED)
    count = int(panel.queue_tabs.tabText(rejected).split("(")[1].rstrip(")").replace(",", ""))
    qtbot.mouseClick(panel.queue_tabs, Qt.MouseButton.LeftButton, pos=panel.queue_tabs.tabRect(rejected).center())
    settle(qtbot, panel)
    qtbot.waitUntil(lambda: panel.model.total == count, timeout=10_000)
    assert panel.filter.partnership_state is PartnershipState.REJECTED
    assert {panel.model.row_at(r).partnership_state for r in range(panel.model.loaded)} <= {PartnershipState.REJECTED}
    assert "Partnership: Rejected" in panel.chips.texts()
    assert panel.queue_tabs.tabText(QUEUES.index(None)) == f"All ({total:,})"  # counts ignore the queue


def test_a_slow_page_still_shows_its_filter_as_chips_and_loading(qtbot, window) -> None:
    """The chips and queue tabs come with the page, or after a moment when it is slow to come (both read
    lanes busy here): the user sees what they asked for, and "Loading…" instead of the last count."""
    panel = open_panel(qtbot, window)
    release = threading.Event()
    for _ in range(2):  # both read lanes held up until released
        panel.context.ops.query(lambda: release.wait(10), lambda _result: None)
    try:
        box = panel.bar.partnership_box
        box.setCurrentIndex(box.findData(PartnershipState.REJECTED))
        assert panel.summary_label.text() == "Loading…"
        qtbot.waitUntil(lambda: "Partnership: Rejected" in panel.chips.texts(), timeout=2_000)
        assert panel.queue_tabs.currentIndex() == QUEUES.index(PartnershipState.REJECTED)
        shown = {panel.model.row_at(r).partnership_state for r in range(panel.model.loaded)}
        assert shown - {PartnershipState.REJECTED} and panel.summary_label.text() == "Loading…"  # no page yet
    finally:
        release.set()
    settle(qtbot, panel)
    assert {panel.model.row_at(r).partnership_state for r in range(panel.model.loaded)} <= {PartnershipState.REJECTED}
    assert "Partnership: Rejected" in panel.chips.texts()


@pytest.mark.qt_log_ignore("does not support grabbing the keyboard")
def test_the_individual_box_and_the_filter_always_agree(qtbot, window) -> None:
    panel = open_panel(qtbot, window)
    person = panel.model.row_at(0)
    panel.show_filter(ActivityFilter(person_id=person.person_id), person.individual)
    settle(qtbot, panel)
    edit = panel.bar.person_edit
    edit.setFocus()
    qtbot.keyClicks(edit, "zz")  # the box no longer names that person: neither does the filter
    qtbot.waitUntil(lambda: panel.filter.person_id is None, timeout=5_000)
    settle(qtbot, panel)
    assert person.individual not in " ".join(panel.chips.texts())
    edit.editingFinished.emit()  # leaving the box with a name nobody was chosen for clears it, visibly
    assert edit.text() == "" and edit.placeholderText() == CLEARED_PLACEHOLDER and panel.filter.person_id is None


def test_remembered_filters_leave_out_yesterdays_search(qtbot, demo_db, tmp_path) -> None:
    first = open_window(qtbot, demo_db, tmp_path)
    panel = open_panel(qtbot, first)
    panel.show_filter(ActivityFilter(partnership_state=PartnershipState.PENDING, search="phonics"))
    settle(qtbot, panel)
    close_window(first)
    second = open_window(qtbot, demo_db, tmp_path)
    again = open_panel(qtbot, second)
    assert again.filter.partnership_state is PartnershipState.PENDING
    assert again.filter.search == "" and again.bar.search_box.text() == ""
    close_window(second)


def test_a_personal_view_is_saved_and_picked_again(qtbot, window) -> None:
    panel = open_panel(qtbot, window)
    current = panel.filter.period_id
    panel.show_filter(ActivityFilter(period_id=current, partnership_state=PartnershipState.PENDING))
    settle(qtbot, panel)
    panel.views_button.save_current()
    dialog = wait_for_window(qtbot, SaveViewDialog)
    assert dialog.name.startswith("My queue: this period, partnership: pending")
    dialog.name_edit.setText("Pending now")
    dialog.accept()
    panel.show_filter(ActivityFilter())
    settle(qtbot, panel)
    menu = panel.views_button.menu()
    menu.aboutToShow.emit()
    action = next(a for a in menu.actions() if a.text() == "Pending now")
    action.trigger()
    settle(qtbot, panel)
    assert panel.filter.partnership_state is PartnershipState.PENDING and panel.filter.period_id == current


def test_a_shared_view_reaches_the_list(qtbot, window) -> None:
    panel = open_panel(qtbot, window)
    panel.show_filter(ActivityFilter(partnership_state=PartnershipState.REJECTED))
    settle(qtbot, panel)
    panel.views_button.save_current()
    dialog = wait_for_window(qtbot, SaveViewDialog)
    dialog.name_edit.setText("Everything rejected")
    dialog.shared_box.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: [v.name for v in panel.views_button.shared] == ["Everything rejected"], timeout=10_000)
    assert panel.views_button.shared[0].may_delete


def test_learning_module_column_is_chosen_from_the_header_and_remembered(qtbot, window) -> None:
    panel = open_panel(qtbot, window)
    assert panel.table.isColumnHidden(COL_MODULE)
    menu = column_menu(panel.table, panel.context.settings)
    next(a for a in menu.actions() if a.text() == "Learning module").trigger()
    assert not panel.table.isColumnHidden(COL_MODULE)
    assert "Learning module" not in str(panel.context.settings.value(SETTINGS_HIDDEN))


def test_the_activity_detail_names_the_learning_module(qtbot, window, demo_db) -> None:
    from sqlalchemy import select

    from db.models import CpdActivity, LearningModule

    with demo_db.read() as session:
        activity_id, module = session.execute(
            select(CpdActivity.id, LearningModule.title).join(
                LearningModule, LearningModule.id == CpdActivity.learning_module_id
            )
        ).first()
    panel = open_panel(qtbot, window)
    dialog = ActivityDetailDialog(panel.context, activity_id, panel)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: module in " ".join(w.text() for w in dialog.findChildren(type(panel.summary_label))))
    dialog.close()


def test_show_its_activities_from_a_flood_fill_names_the_fill_in_a_chip(qtbot, window, demo_db) -> None:
    from sqlalchemy import select

    from db.models import FloodFillBatch

    with demo_db.read() as session:
        batch_id, title = session.execute(select(FloodFillBatch.id, FloodFillBatch.title).limit(1)).one()
    panel = open_panel(qtbot, window)
    window.context.navigator.go("activities", ActivityFilter(flood_fill_batch_id=batch_id))
    qtbot.waitUntil(lambda: f"Flood fill: {title}" in panel.chips.texts(), timeout=10_000)
    assert panel.filter_description() == f"Flood fill: {title}"
    qtbot.mouseClick(panel.chips.chips["flood_fill"], Qt.MouseButton.LeftButton)
    settle(qtbot, panel)
    assert panel.filter.flood_fill_batch_id is None


def test_a_section_that_cannot_sort_leaves_the_arrow_where_it_was(qtbot, window) -> None:
    from desktop.modules.partnership_cpd.activity_table_model import COL_CHECK

    panel = open_panel(qtbot, window)
    before = panel.header.sortIndicatorSection()
    panel.header.setSortIndicator(COL_CHECK, Qt.SortOrder.AscendingOrder)  # what a click there would do
    assert panel.header.sortIndicatorSection() == before != COL_CHECK


@pytest.mark.qt_log_ignore("does not support grabbing the keyboard")
def test_a_name_typed_and_left_with_one_match_is_taken_as_that_person(qtbot, window, demo_db) -> None:
    from db.queries.people_search import search_people

    panel = open_panel(qtbot, window)
    user = panel.context.user.id
    names = (panel.model.row_at(r).individual for r in range(panel.model.loaded))
    name = next(n for n in names if len(search_people(demo_db, user, n)) == 1)
    edit = panel.bar.person_edit
    edit.setFocus()
    qtbot.keyClicks(edit, name)
    qtbot.waitUntil(lambda: edit._generation_done and edit.completer_.model().rowCount() == 1, timeout=10_000)
    edit.editingFinished.emit()
    qtbot.waitUntil(lambda: panel.filter.person_id is not None, timeout=5_000)
    assert panel.filter.person_id == edit.person_id and edit.text() == panel.bar.person_label
    assert edit.text().startswith(name)
