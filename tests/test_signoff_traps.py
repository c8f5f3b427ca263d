"""The Partnership CPD traps a day of real use found, one test each so none comes back."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QMenu, QPushButton
from sqlalchemy import select, update

from db.models import CpdActivity, CpdTeamState, LineManagerState, PartnershipState
from db.queries.decidability import NOT_SHARED, OWN_REQUEST
from db.services.signoff import sign_off
from desktop.modules.partnership_cpd.activity_detail import ActivityDetailDialog
from desktop.modules.partnership_cpd.activity_table_model import COL_CHECK
from desktop.modules.partnership_cpd.recent_decisions import RecentDecisionsDialog
from desktop.modules.partnership_cpd.sign_off_dialog import SignOffDialog
from desktop.modules.partnership_cpd.sign_off_result_dialog import SignOffResultDialog
from tests.gui_helpers import close_window, open_window, shown_windows, wait_all_ticked, wait_for_window
from tests.test_partnership_cpd_panel import choose, cpd_panel, states


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    win = open_window(qtbot, demo_db, tmp_path)
    yield win
    close_window(win)


def pending_panel(qtbot, window):
    panel = cpd_panel(qtbot, window)
    choose(qtbot, panel, panel.bar.partnership_box, PartnershipState.PENDING)
    return panel


def tick_all_pending(qtbot, window):
    """The pending queue, "Tick all N matching" pressed once N is counted, and its versions read."""
    panel = pending_panel(qtbot, window)
    qtbot.waitUntil(lambda: panel.decidable_total is not None, timeout=10_000)
    qtbot.mouseClick(panel.tick_all_button, Qt.MouseButton.LeftButton)
    wait_all_ticked(qtbot, panel)
    return panel


def rows_where(panel, decidable: bool, why: str | None = None) -> list[int]:
    found = []
    for row in range(panel.model.loaded):
        reason = panel.model.why_not_decidable(row)
        if (reason is None) == decidable and (why is None or reason == why):
            found.append(row)
    return found


def authorise_in_dialog(qtbot, panel) -> None:
    dialog = wait_for_window(qtbot, SignOffDialog)
    qtbot.waitUntil(lambda: dialog.impact is not None and dialog.refused is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.reading, timeout=10_000)  # after "tick all": its versions are in
    dialog.confirm_box.setChecked(True)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.undo_bar.isVisible(), timeout=20_000)


# -- 1. Enter never undoes a sign-off ---------------------------------------------------------------
def test_enter_dismisses_the_result_and_undo_lives_in_a_bar(qtbot, window, demo_db) -> None:
    panel = pending_panel(qtbot, window)
    decidable = rows_where(panel, True)[:3]
    for row in decidable:
        panel.model.set_ticked(row, True)
    ticked = panel.model.ticked
    panel.table.setFocus()
    panel.sign_off(PartnershipState.AUTHORISED)
    authorise_in_dialog(qtbot, panel)

    bar = panel.undo_bar
    assert bar.label.text().startswith("Authorised 3")
    assert not bar.isAncestorOf(QGuiApplication.focusObject())  # the bar takes no focus when it appears
    assert not bar.undo_button.autoDefault() and not bar.undo_button.isDefault()
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # what a lead presses to "dismiss"
    for dialog in shown_windows(QDialog):
        dialog.close()  # Enter on the table opens the row's details; that is all
    assert states(demo_db, ticked) == {PartnershipState.AUTHORISED}
    window.activateWindow()
    panel.table.setFocus()
    qtbot.waitUntil(lambda: window.isActiveWindow() and panel.table.hasFocus(), timeout=5_000)

    qtbot.keyClick(panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # keyboard undo
    qtbot.waitUntil(lambda: "Undone" in bar.label.text(), timeout=20_000)
    assert states(demo_db, ticked) == {PartnershipState.PENDING}
    qtbot.mouseClick(bar.close_button, Qt.MouseButton.LeftButton)
    assert not bar.isVisible()


def test_the_result_dialog_closes_on_enter_without_undoing(qtbot, window, demo_db) -> None:
    panel = pending_panel(qtbot, window)
    ticked = {panel.model.row_at(r).id: panel.model.row_at(r).version for r in rows_where(panel, True)[:2]}
    ticked.update({panel.model.row_at(r).id: panel.model.row_at(r).version for r in rows_where(panel, False)[:2]})
    result = sign_off(demo_db, window.context.user.id, ticked, PartnershipState.AUTHORISED)
    dialog = SignOffResultDialog(window.context, result, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.close_button.isDefault() and not dialog.undo_button.autoDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert states(demo_db, result.applied) == {PartnershipState.AUTHORISED}
    # 14: each left-alone row names its organisation.
    column = [dialog.skipped_model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)].index("Organisation")
    names = {dialog.skipped_model.index(r, column).data() for r in range(dialog.skipped_model.rowCount())}
    assert names == {s.organisation for s in result.skipped} and all(names)


def test_no_reversing_button_is_what_enter_presses(qtbot, window) -> None:
    dialog = RecentDecisionsDialog(window.context)
    qtbot.addWidget(dialog)
    risky = [b for b in dialog.findChildren(QPushButton) if "undo" in b.text().lower()]
    assert risky and not any(b.autoDefault() or b.isDefault() for b in risky)


# -- 10. Completion only for a request nobody turned down, on a day already here ---------------------
def test_mark_completed_is_disabled_with_the_reason_for_a_rejected_request(qtbot, window, demo_db) -> None:
    with demo_db.read() as session:
        activity_id = session.scalar(
            select(CpdActivity.id).where(CpdActivity.partnership_state == PartnershipState.REJECTED).limit(1)
        )
    dialog = ActivityDetailDialog(window.context, activity_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    assert not dialog.completed_button.isEnabled()
    assert "rejected" in dialog.completed_button.toolTip()
    assert dialog.completed_date.maximumDate() == QDate.currentDate()
    dialog.completed_date.setDate(QDate(date.today().year + 1, 1, 1))
    assert dialog.completed_date.date() == QDate.currentDate()  # the editor goes no further than today


def test_mark_completed_waits_for_the_day_and_then_records_it(qtbot, window, demo_db) -> None:
    with demo_db.read() as session:
        activity_id = session.scalar(
            select(CpdActivity.id)
            .where(
                CpdActivity.partnership_state == PartnershipState.PENDING,
                CpdActivity.starts_on > date.today(),
                CpdActivity.line_manager_state != LineManagerState.DENIED,
                CpdActivity.cpd_team_state != CpdTeamState.DECLINED,
            )
            .limit(1)
        )
    dialog = ActivityDetailDialog(window.context, activity_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.detail is not None, timeout=10_000)
    assert not dialog.completed_button.isEnabled() and "starts on" in dialog.completed_button.toolTip()

    with demo_db.transaction() as session:
        today = date.today()
        session.execute(update(CpdActivity).where(CpdActivity.id == activity_id).values(starts_on=today, ends_on=today))
    dialog.load()
    qtbot.waitUntil(lambda: dialog.completed_button.isEnabled(), timeout=10_000)  # pending, not refused: allowed
    dialog.show()
    dialog.completed_button.setFocus()
    qtbot.keyClick(dialog.completed_button, Qt.Key.Key_Return)  # Enter closes; it records nothing
    assert not dialog.isVisible() and dialog.status_label.text() != "Completion recorded."
    qtbot.mouseClick(dialog.completed_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.status_label.text() == "Completion recorded.", timeout=10_000)


# -- 14. Rows you may not decide cannot be ticked -----------------------------------------------------
def test_rows_you_may_not_decide_have_no_box_and_tick_all_leaves_them_out(qtbot, window, check_model) -> None:
    panel = pending_panel(qtbot, window)
    check_model(panel.model)
    own = rows_where(panel, False, OWN_REQUEST) or rows_where(panel, False, NOT_SHARED)
    assert own, "the demo's first page has rows sam.patel may not decide"
    index = panel.model.index(own[0], COL_CHECK)
    assert not panel.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert index.data(Qt.ItemDataRole.CheckStateRole) is None  # no checkbox to tick …
    assert index.data(Qt.ItemDataRole.ToolTipRole).startswith("Not yours to decide: ")  # … and the reason why
    panel.model.toggle(own[0])
    panel.model.tick_page()
    assert panel.model.row_at(own[0]).id not in panel.model.ticked
    assert panel.model.ticked_count == len(rows_where(panel, True))

    qtbot.waitUntil(lambda: panel.decidable_total is not None, timeout=10_000)
    assert panel.tick_all_button.text() == f"Tick all {panel.decidable_total:,} matching"
    assert "leaves out" in panel.tick_all_button.toolTip()
    qtbot.mouseClick(panel.tick_all_button, Qt.MouseButton.LeftButton)
    wait_all_ticked(qtbot, panel)
    assert "Left out" in panel.tick_banner.label.text()
    match = panel._all_match
    assert len(match.versions) == panel.decidable_total
    assert panel.model.ticked_count == len(match.versions) < panel.model.total
    assert f"{match.left_out_count:,} left out" in panel.ticked_label.text()
    assert OWN_REQUEST in panel.tick_banner.label.text() and NOT_SHARED in panel.tick_banner.label.text()


# -- 16. Refusals below the partnership and cover past the limit ---------------------------------------
def test_sign_off_warns_of_refused_rows_and_leaves_them_out_in_one_click(qtbot, window, demo_db) -> None:
    panel = pending_panel(qtbot, window)
    rows = rows_where(panel, True)[:4]
    ids = [panel.model.row_at(r).id for r in rows]
    with demo_db.transaction() as session:
        session.execute(
            update(CpdActivity)
            .where(CpdActivity.id.in_(ids))
            .values(line_manager_state=LineManagerState.AGREED, cpd_team_state=CpdTeamState.APPROVED)
        )
        session.execute(
            update(CpdActivity).where(CpdActivity.id == ids[0]).values(line_manager_state=LineManagerState.DENIED)
        )
        session.execute(
            update(CpdActivity).where(CpdActivity.id == ids[1]).values(cpd_team_state=CpdTeamState.DECLINED)
        )
        session.execute(update(CpdActivity).where(CpdActivity.id == ids[2]).values(cover_days=9))
    for row in rows:
        panel.model.set_ticked(row, True)
    panel.sign_off(PartnershipState.AUTHORISED)
    dialog = wait_for_window(qtbot, SignOffDialog)
    qtbot.waitUntil(lambda: dialog.refused is not None and dialog.impact is not None, timeout=10_000)
    assert dialog.refusal_label.isVisible()
    assert "2 ticked activities were turned down" in dialog.refusal_label.text()
    assert "1 denied by the line manager" in dialog.refusal_label.text()
    assert "1 declined by the CPD team" in dialog.refusal_label.text()
    assert dialog.cover_label.isVisible() and dialog.cover_label.property("warning") is True
    assert "<b>9</b> of 5 cover days" in dialog.cover_label.text()

    qtbot.mouseClick(dialog.leave_out_button, Qt.MouseButton.LeftButton)
    assert set(dialog.ticked) == set(ids[2:]) and set(panel.model.ticked) == set(ids[2:])
    assert not dialog.refusal_label.isVisible() and "2 left out" in dialog.count_label.text()
    qtbot.waitUntil(lambda: dialog.impact is not None and dialog.impact.count == 2, timeout=10_000)
    dialog.reject()


# -- 20. Shift-click ranges and the "tick all N matching?" banner -------------------------------------
def test_shift_click_ticks_a_range_and_a_full_page_offers_all_matching(qtbot, window) -> None:
    panel = pending_panel(qtbot, window)
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(2, 1))
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)
    target = panel.table.visualRect(panel.model.index(9, COL_CHECK)).center()
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, target)
    wanted = {panel.model.row_at(r).id for r in range(2, 10) if panel.model.why_not_decidable(r) is None}
    assert set(panel.model.ticked) == wanted and len(wanted) > 1
    assert not panel.tick_banner.isVisible()

    qtbot.waitUntil(lambda: panel.decidable_total is not None, timeout=10_000)
    qtbot.keyClick(panel.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    total = panel.decidable_total  # only the rows sam may decide
    assert panel.tick_banner.isVisible()
    on_page = panel.model.decidable_loaded()
    assert panel.tick_banner.label.text() == f"{on_page:,} ticked on this page —"
    assert panel.tick_banner.action_button.text() == f"Tick all {total:,} matching?"
    qtbot.mouseClick(panel.tick_banner.action_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.ticked_count > on_page, timeout=10_000)
    qtbot.mouseClick(panel.tick_banner.action_button, Qt.MouseButton.LeftButton)  # now "Untick all"
    assert panel.model.ticked == {} and not panel.tick_banner.isVisible()


# -- 22. The row's context menu, from the keyboard ------------------------------------------------------
@pytest.mark.qt_log_ignore("This plugin does not support grabbing the keyboard")  # offscreen menus only
def test_the_menu_key_opens_the_row_menu_with_its_actions(qtbot, window) -> None:
    panel = pending_panel(qtbot, window)
    own = rows_where(panel, False)[0]
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.model.index(own, 1))
    qtbot.keyClick(panel.table, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = wait_for_window(qtbot, QMenu)
    texts = [a.text().replace("&", "") for a in menu.actions() if not a.isSeparator()]
    assert texts[:3] == ["Authorise…", "Reject…", "Details…"]
    assert any(t.startswith("Open organisation") for t in texts) and any(t.startswith("All requests of") for t in texts)
    authorise = menu.actions()[0]
    assert not authorise.isEnabled() and authorise.toolTip().startswith("Not yours to decide")
    activity = panel.model.row_at(own)
    with qtbot.waitSignal(panel.context.navigator.route_requested) as opened:
        next(a for a in menu.actions() if a.text().startswith("Open")).trigger()
    assert opened.args == ["organisation", activity.organisation_id]
    menu.close()

    mine = rows_where(panel, True)[0]
    panel.table.setCurrentIndex(panel.model.index(mine, 1))
    qtbot.keyClick(panel.table, Qt.Key.Key_Menu)
    menu = wait_for_window(qtbot, QMenu)
    assert menu.actions()[0].isEnabled()
    next(a for a in menu.actions() if a.text().replace("&", "") == "Copy row").trigger()
    copied = QGuiApplication.clipboard().text().split("\t")
    activity = panel.model.row_at(mine)
    assert activity.individual in copied and activity.organisation in copied and activity.title in copied
    shown = [c for c in range(1, panel.model.columnCount()) if not panel.table.isColumnHidden(c)]
    assert len(copied) == len(shown)  # the checkbox column is not copied
    menu.actions()[0].trigger()  # Authorise… this one row, not the ticked ones
    dialog = wait_for_window(qtbot, SignOffDialog)
    assert dialog.ticked == {activity.id: activity.version}
    dialog.reject()
    menu.close()
