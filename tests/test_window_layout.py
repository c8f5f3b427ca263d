"""The window as a CPD lead drives it: Ctrl+1…5 bring panels forward, Reset layout fits the screen,
the title names TrustDesk once, and a sort keeps the row the user had selected."""

from __future__ import annotations

from itertools import pairwise

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from db.models import CpdActivity, Module
from db.queries.activities import ActivityFilter
from db.queries.organisations import OrganisationRow
from db.scope import scope_for
from desktop.kit.row_table_model import RowRole
from desktop.main_window import fit_to_screen
from desktop.modules.partnership_cpd.activity_table_model import COL_TITLE
from tests.gui_helpers import close_window, open_window
from tests.helpers import user_id


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    win = open_window(qtbot, demo_db, tmp_path)
    yield win
    close_window(win)


def _in_front(panel) -> bool:
    return panel.isVisible() and not panel.visibleRegion().isEmpty()


def test_ctrl_number_brings_a_tabbed_panel_forward_and_never_hides_it(qtbot, window) -> None:
    panels = window.panels
    qtbot.waitUntil(lambda: _in_front(panels["partnership_cpd"]))
    groups = panels["users_groups"]
    assert not _in_front(groups)  # tabbed behind Partnership CPD
    shortcut = window.panel_actions["users_groups"]
    assert shortcut.shortcut().toString() == "Ctrl+3"
    for _press in range(2):  # pressing it again keeps it in front: it is not a toggle
        shortcut.trigger()
        qtbot.waitUntil(lambda: _in_front(groups))
        assert not _in_front(panels["partnership_cpd"])


def test_view_menu_reopens_a_closed_panel_and_close_panel_hides_the_one_in_front(qtbot, window) -> None:
    flood = window.panels["flood_fill"]
    window.panel_actions["flood_fill"].trigger()
    qtbot.waitUntil(lambda: _in_front(flood))
    flood.widget().setFocus()
    window.close_panel_action.trigger()
    qtbot.waitUntil(lambda: not flood.isVisible())
    assert all(p.isVisible() for name, p in window.panels.items() if name != "flood_fill")
    window.panel_actions["flood_fill"].trigger()
    qtbot.waitUntil(lambda: _in_front(flood))


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_fit_to_screen_keeps_the_whole_window_on_a_small_screen(window, size) -> None:
    available = QRect(0, 0, *size).adjusted(0, 0, 0, -40)  # a taskbar at the bottom
    window.resize(1900, 1200)
    window.move(200, 150)
    fit_to_screen(window, available)
    assert available.contains(window.frameGeometry())


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_reset_layout_fits_the_available_screen(qtbot, window, size) -> None:
    """Re-docking a floating panel used to widen the window past the screen's edge."""
    available = QRect(0, 0, *size).adjusted(0, 0, 0, -40)
    window.panels["users_groups"].setFloating(True)
    window.reset_layout(available)
    assert available.contains(window.frameGeometry())
    assert not window.panels["users_groups"].isFloating()
    qtbot.waitUntil(lambda: _in_front(window.panels["partnership_cpd"]))


def test_reset_layout_uses_the_window_screen(window) -> None:
    window.resize(5000, 3000)
    next(a for a in window.view_menu.actions() if a.text() == "&Reset layout").trigger()
    available = window.screen().availableGeometry()
    assert window.frameGeometry().height() <= available.height()
    # the offscreen screen (800 wide) is narrower than Partnership CPD's minimum width
    assert window.geometry().width() <= max(available.width(), window.minimumSizeHint().width())


def test_the_default_layout_fits_a_1280_by_720_screen(window) -> None:
    """Fitting cannot help if the panels' minimum sizes are larger than a small laptop's screen."""
    minimum = window.minimumSizeHint()
    assert minimum.width() <= 1280 and minimum.height() <= 720 - 40


def test_window_title_names_trustdesk_once_and_the_database(window, demo_db) -> None:
    """Qt appends the application's display name to the title, as the platform shows it."""
    title = window.windowTitle()
    shown = title if title.endswith(QApplication.applicationDisplayName()) else f"{title} — TrustDesk"
    assert shown.count("TrustDesk") == 1
    assert demo_db.target.short_name in shown
    assert "[*]" not in title and "Sam Patel" in title


def _current_organisation(panel) -> int:
    row = panel.table.currentIndex().data(RowRole)
    assert isinstance(row, OrganisationRow)
    return row.id


def test_sorting_organisations_keeps_the_selected_school_and_enter_opens_it(qtbot, window) -> None:
    panel = window.panels["organisations"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 10, timeout=10_000)
    panel.table.selectRow(2)
    panel.table.setFocus()
    chosen = _current_organisation(panel)
    panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert _current_organisation(panel) == chosen
    assert panel.table.currentIndex().row() != 2  # the row moved, and the selection with it
    selected = panel.table.selectionModel().selectedRows()
    assert [index.data(RowRole).id for index in selected] == [chosen]
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: chosen in panel.open_pages, timeout=10_000)
    assert list(panel.open_pages) == [chosen]
    for page in panel.open_pages.values():
        page.close()


def _smallest_organisation(db, username: str) -> int:
    """The organisation with the fewest activities (more than three) the user sees: all on one page.

    Not the first row's: which school that is depends on the day the demo is built, and a large one's
    rows fill several pages."""
    with db.read() as session:
        seen = scope_for(session, user_id(db, username)).orgs(Module.PARTNERSHIP_CPD)
        found = session.execute(
            select(CpdActivity.organisation_id)
            .where(CpdActivity.organisation_id.in_(sorted(seen)))
            .group_by(CpdActivity.organisation_id)
            .having(func.count() > 3)
            .order_by(func.count(), CpdActivity.organisation_id)
            .limit(1)
        ).scalar_one()
    return int(found)


def test_sorting_partnership_cpd_in_sql_reselects_the_same_activity(qtbot, window, demo_db) -> None:
    panel = window.panels["partnership_cpd"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 5, timeout=10_000)
    # one organisation's activities in every period: all on the first page whatever the order
    organisation = _smallest_organisation(demo_db, "sam.patel")
    panel.show_filter(ActivityFilter(organisation_id=organisation, sort="title", descending=False))

    def only_that_organisation() -> bool:
        shown = {panel.model.row_at(i).organisation_id for i in range(panel.model.rowCount())}
        return panel.model.rowCount() > 3 and shown == {organisation}

    qtbot.waitUntil(only_that_organisation, timeout=10_000)
    assert panel.model.total == panel.model.rowCount()
    panel.table.selectRow(1)
    chosen = panel.table.currentIndex().data(RowRole).id
    with qtbot.waitSignal(panel.model.modelReset, timeout=10_000):
        panel.table.sortByColumn(COL_TITLE, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: panel.filter.descending and panel.table.currentIndex().isValid(), timeout=10_000)
    assert panel.table.currentIndex().data(RowRole).id == chosen


def test_a_window_saved_on_a_larger_screen_opens_within_this_one(qtbot, tmp_path) -> None:
    """A size saved at a docking station's monitor (or the 1360×820 default) must not hang off a laptop's screen."""
    from desktop.main_window import MainWindow
    from desktop.paths import AppPaths
    from desktop.settings_file import open_settings

    paths = AppPaths.under(tmp_path / "app")
    paths.ensure()
    settings = open_settings(paths)
    big = MainWindow(settings=settings)
    qtbot.addWidget(big)
    big.setGeometry(0, 0, 1900, 1150)
    settings.setValue("window/geometry", big.saveGeometry())
    frame = MainWindow(settings=settings)
    qtbot.addWidget(frame)
    frame.show()
    qtbot.waitExposed(frame)
    available = frame.screen().availableGeometry()
    assert available.contains(frame.frameGeometry())


def test_the_action_buttons_break_onto_two_lines_rather_than_squeeze(qtbot, window) -> None:
    """At 1280 pixels the thirteen buttons under the queue tabs do not fit one line: none may be cut short."""
    panel = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: panel.summary_label.text() != "Loading…")
    buttons = [panel.tick_all_button, panel.untick_button, panel.authorise_button, panel.export_view_button]

    def lines() -> int:
        """How many lines the buttons stand on (a button with an icon is a pixel or two taller)."""
        middles = sorted(button.mapTo(panel, button.rect().center()).y() for button in buttons)
        return 1 + sum(1 for above, below in pairwise(middles) if below - above > 10)

    def whole(button) -> bool:
        corner = button.mapTo(panel, button.rect().bottomRight())
        return button.isVisible() and button.width() >= button.sizeHint().width() and panel.rect().contains(corner)

    window.resize(1280, 700)
    qtbot.waitUntil(lambda: lines() == 2 and all(whole(button) for button in buttons))
    window.resize(1900, 900)
    qtbot.waitUntil(lambda: lines() == 1 and all(whole(button) for button in buttons))
