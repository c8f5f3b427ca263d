"""The main window as a CPD lead first sees it: five docks, each with real data."""

from __future__ import annotations

import pytest

from desktop.modules import MODULES
from tests.gui_helpers import close_window, open_window


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    win = open_window(qtbot, demo_db, tmp_path)
    yield win
    close_window(win)


def test_a_dock_per_module_with_stable_names(window) -> None:
    assert list(window.panels) == [module.name for module in MODULES]
    assert [panel.objectName() for panel in window.panels.values()] == [module.name for module in MODULES]
    first = window.view_menu.actions()[0]
    listed = first.menu().actions() if first.menu() is not None else window.view_menu.actions()  # "Panels" past nine
    assert [a.text() for a in listed[: len(MODULES)]] == [module.title for module in MODULES]


def test_every_panel_shows_data(qtbot, window) -> None:
    panels = window.panels
    panels["partnership_cpd"].activate()
    qtbot.waitUntil(lambda: panels["partnership_cpd"].model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: "activities" in panels["partnership_cpd"].summary_label.text(), timeout=10_000)

    panels["dashboard"].activate()
    qtbot.waitUntil(lambda: panels["dashboard"].spend_model.rowCount() > 0, timeout=10_000)
    assert panels["dashboard"].cards["pending_partnership"].value_label.text() != "…"

    panels["organisations"].activate()
    qtbot.waitUntil(lambda: panels["organisations"].model.rowCount() >= 10, timeout=10_000)

    panels["users_groups"].activate()
    qtbot.waitUntil(lambda: panels["users_groups"].group_model.rowCount() > 0, timeout=10_000)
    panels["users_groups"].group_table.selectRow(0)
    qtbot.waitUntil(lambda: panels["users_groups"].member_model.rowCount() > 0, timeout=10_000)

    panels["flood_fill"].activate()
    qtbot.waitUntil(lambda: panels["flood_fill"].model.rowCount() > 0, timeout=10_000)


def test_table_models_pass_the_model_tester(qtbot, check_model, window) -> None:
    panels = window.panels
    for name in panels:
        panels[name].activate()
    qtbot.waitUntil(lambda: panels["partnership_cpd"].model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: panels["organisations"].model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: panels["dashboard"].spend_model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: panels["users_groups"].group_model.rowCount() > 0, timeout=10_000)
    qtbot.waitUntil(lambda: panels["flood_fill"].model.rowCount() > 0, timeout=10_000)
    for model in (
        panels["organisations"].model,
        panels["dashboard"].spend_model,
        panels["users_groups"].group_model,
        panels["users_groups"].member_model,
        panels["flood_fill"].model,
    ):
        check_model(model)
    # The paged model last: the tester calls fetchMore, and the page it asks for
    # must arrive while the tester is still watching this model.
    activity_model = panels["partnership_cpd"].model
    before = activity_model.loaded
    check_model(activity_model)
    qtbot.waitUntil(lambda: activity_model.loaded > before, timeout=10_000)


def test_scrolling_fetches_more_pages(qtbot, window) -> None:
    panel = window.panels["partnership_cpd"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10_000)
    panel.show_filter(type(panel.filter)())  # every period: more than one page
    qtbot.waitUntil(lambda: panel.model.total > panel.model.loaded > 0, timeout=10_000)
    first = panel.model.loaded
    panel.table.scrollToBottom()
    qtbot.waitUntil(lambda: panel.model.loaded > first, timeout=10_000)


def test_dashboard_figure_drills_into_matching_activities(qtbot, window) -> None:
    dashboard = window.panels["dashboard"]
    dashboard.activate()
    qtbot.waitUntil(lambda: dashboard.spend_model.rowCount() > 0, timeout=10_000)
    expected = int(dashboard.cards["pending_partnership"].value_label.text().replace(",", ""))
    dashboard.cards["pending_partnership"].clicked.emit()
    cpd = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.filter.partnership_state is not None and cpd.model.total == expected, timeout=10_000)


def test_layout_is_saved_and_restored(qtbot, demo_db, tmp_path) -> None:
    first = open_window(qtbot, demo_db, tmp_path)
    first.panels["users_groups"].setFloating(True)
    close_window(first)
    second = open_window(qtbot, demo_db, tmp_path)
    assert second.panels["users_groups"].isFloating()
    close_window(second)
