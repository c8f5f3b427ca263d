"""New request…, the line-manager and CPD-team answers and comments, through the real window (C1, C2)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMenu
from sqlalchemy import select

from db.models import CpdActivity, CpdTeamState, Job, LineManagerState, PartnershipState, SharingLevel
from db.queries.activities import ActivityFilter
from db.services.comments import add_comment
from db.services.layer_decisions import Layer, decide_layer
from db.services.requests import enter_request
from desktop.modules.partnership_cpd.activity_detail import ActivityDetailDialog
from desktop.modules.partnership_cpd.layer_dialog import LayerDecisionDialog
from desktop.modules.partnership_cpd.request_dialog import RequestDialog
from desktop.modules.partnership_cpd.request_section import WithdrawDialog
from desktop.modules.partnership_cpd.row_menu import build_row_menu
from tests.gui_helpers import close_window, open_window, wait_for_window
from tests.helpers import user_id
from tests.request_helpers import details, job_at, school_sharing


def entered_rows(db, job_id: int) -> list[CpdActivity]:
    with db.read() as session:
        rows = session.scalars(
            select(CpdActivity).where(CpdActivity.job_id == job_id, CpdActivity.entered_by_user_id.is_not(None))
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def panel_of(qtbot, window):
    panel = window.panels["partnership_cpd"]
    panel.activate()
    qtbot.waitUntil(lambda: panel._lookups is not None, timeout=10_000)
    return panel


def test_new_request_refuses_an_end_before_the_start_and_warns_past_the_cover_limit(qtbot, demo_db, tmp_path) -> None:
    job = job_at(demo_db, school_sharing(demo_db, SharingLevel.GROUP_ACTIONS))
    window = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    panel = panel_of(qtbot, window)
    window.context.navigator.go("new_request", job)  # as Users & Groups' "New CPD request for …" does
    dialog = wait_for_window(qtbot, RequestDialog)
    qtbot.waitUntil(lambda: dialog.choices is not None and dialog.job_id == job, timeout=10_000)
    assert not dialog.save_button.isEnabled()  # no title yet

    dialog.title_edit.setText("Maths mastery programme")
    dialog.type_box.setCurrentText("Course")
    dialog.starts_edit.setDate(QDate(2026, 10, 5))
    dialog.ends_edit.setDate(QDate(2026, 10, 2))
    assert dialog.error_label.text() == (
        "The end date is before the start date: an activity must end on or after its start."
    )
    assert not dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert entered_rows(demo_db, job) == []

    dialog.ends_edit.setDate(QDate(2026, 10, 5))
    dialog.money_boxes["course_fee_pence"].setValue(350.0)
    dialog.cover_days_box.setValue(40.0)
    dialog.outcome_edit.setPlainText("Fewer gaps in number sense by Year 3")
    assert dialog.error_label.text() == "" and dialog.save_button.isEnabled()
    assert dialog.total_label.text() == "£350.00"

    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.save_button.text() == "Save anyway", timeout=10_000)
    assert "past their limit" in dialog.warning_label.text() and dialog.warning_label.isVisible()
    assert entered_rows(demo_db, job) == []  # a warning first, nothing saved

    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [row] = entered_rows(demo_db, job)
    assert row.title == "Maths mastery programme" and row.cover_days == 40.0 and row.course_fee_pence == 35_000
    assert row.starts_on == date(2026, 10, 5) and row.intended_outcome.startswith("Fewer gaps")
    assert row.entered_by_user_id == user_id(demo_db, "sam.patel")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert panel.requests.new_button.isVisible()
    close_window(window)


def test_the_line_manager_layer_on_ticked_rows_reports_what_it_left_alone(qtbot, demo_db, tmp_path) -> None:
    alex = user_id(demo_db, "alex.morgan")
    job = job_at(demo_db, school_sharing(demo_db, SharingLevel.GROUP_ACTIONS))
    first = enter_request(demo_db, alex, job, details(title="First")).activity_id
    second = enter_request(demo_db, alex, job, details(title="Second")).activity_id
    window = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    panel = panel_of(qtbot, window)
    with demo_db.read() as session:
        person = session.scalar(select(Job.person_id).where(Job.id == job))
    panel.show_filter(ActivityFilter(person_id=person))
    qtbot.waitUntil(lambda: panel.model.loaded > 0 and not panel.context.ops.running, timeout=10_000)
    rows = {panel.model.row_at(i).id: i for i in range(panel.model.loaded)}
    assert not panel.requests.line_manager_button.isEnabled()
    panel.model.toggle(rows[first])
    panel.model.toggle(rows[second])
    assert panel.requests.line_manager_button.isEnabled() and panel.requests.cpd_team_button.isVisible()

    # the second row changes under the ticks: someone else answers for the CPD team
    decide_layer(demo_db, alex, Layer.CPD_TEAM, {second: 1}, CpdTeamState.APPROVED)

    qtbot.mouseClick(panel.requests.line_manager_button, Qt.MouseButton.LeftButton)
    dialog = wait_for_window(qtbot, LayerDecisionDialog)
    dialog.answer_buttons[LineManagerState.DENIED].setChecked(True)
    assert not dialog.save_button.isEnabled() and "needed" in dialog.reason_label.text()
    dialog.reason_edit.setPlainText("Year 11 mocks that week")
    with qtbot.waitSignal(dialog.decided, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.status_label.text() == (
        "Denied 1 activity (1 recorded on the line manager's behalf). "
        "Left alone 1: 1 because changed since it was shown."
    )
    assert dialog.skipped_table.isVisible() and dialog.skipped_model.rowCount() == 1
    # the dialog grew for the result and the table: not squeezed into the size it opened at
    assert dialog.height() >= dialog.heightForWidth(dialog.width())
    with demo_db.read() as session:
        states = dict(
            session.execute(
                select(CpdActivity.id, CpdActivity.line_manager_state).where(CpdActivity.id.in_([first, second]))
            )
            .tuples()
            .all()
        )
    assert states == {first: LineManagerState.DENIED, second: LineManagerState.PENDING}
    dialog.close()
    close_window(window)


def test_a_view_and_comment_user_sees_no_decisions_but_comments(qtbot, demo_db, tmp_path, check_model) -> None:
    alex = user_id(demo_db, "alex.morgan")
    activity = enter_request(
        demo_db, alex, job_at(demo_db, school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)), details()
    ).activity_id
    add_comment(demo_db, alex, activity, "Checked with the hub: places left.")
    window = open_window(qtbot, demo_db, tmp_path, "jo.evans")
    detail = ActivityDetailDialog(window.context, activity, window)
    qtbot.addWidget(detail)
    detail.open()
    section = detail.request_section
    qtbot.waitUntil(lambda: section.extras is not None, timeout=10_000)
    check_model(section.comment_model)
    assert section.comment_model.rowCount() == 1
    assert section.comment_model.index(0, 1).data() == "Alex Morgan"
    for button in (section.line_manager_button, section.cpd_team_button, section.withdraw_button):
        assert not button.isEnabled()

    section.comment_edit.setPlainText("Cover is tight that week: worth a word with the head?")
    with qtbot.waitSignal(section.changed, timeout=10_000):
        qtbot.mouseClick(section.comment_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: section.comment_model.rowCount() == 2, timeout=10_000)
    assert section.comment_model.index(1, 1).data() == "Jo Evans"
    assert section.comment_edit.toPlainText() == ""
    detail.close()
    close_window(window)


def test_whoever_entered_a_request_withdraws_it_from_its_detail(qtbot, demo_db, tmp_path) -> None:
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    activity = enter_request(demo_db, user_id(demo_db, "jo.evans"), job_at(demo_db, school), details()).activity_id
    window = open_window(qtbot, demo_db, tmp_path, "jo.evans")
    detail = ActivityDetailDialog(window.context, activity, window)
    qtbot.addWidget(detail)
    detail.open()
    section = detail.request_section
    qtbot.waitUntil(lambda: section.extras is not None and section.withdraw_button.isEnabled(), timeout=10_000)
    assert section.edit_request_button.isEnabled()
    qtbot.mouseClick(section.withdraw_button, Qt.MouseButton.LeftButton)
    dialog = wait_for_window(qtbot, WithdrawDialog)
    dialog.reason_edit.setPlainText("The course was cancelled")
    with qtbot.waitSignal(dialog.withdrawn, timeout=10_000):
        qtbot.mouseClick(dialog.withdraw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Withdrawn" in section.status_label.text(), timeout=10_000)
    with demo_db.read() as session:
        assert session.get(CpdActivity, activity).partnership_state is PartnershipState.WITHDRAWN
    qtbot.waitUntil(lambda: not section.withdraw_button.isEnabled(), timeout=10_000)
    detail.close()
    close_window(window)


def test_the_row_menu_answers_for_one_row_only(qtbot, demo_db, tmp_path) -> None:
    job = job_at(demo_db, school_sharing(demo_db, SharingLevel.GROUP_ACTIONS))
    activity = enter_request(demo_db, user_id(demo_db, "alex.morgan"), job, details()).activity_id
    window = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    panel = panel_of(qtbot, window)
    with demo_db.read() as session:
        person = session.scalar(select(Job.person_id).where(Job.id == job))
    panel.show_filter(ActivityFilter(person_id=person))
    qtbot.waitUntil(lambda: panel.model.loaded > 0 and not panel.context.ops.running, timeout=10_000)
    row = next(i for i in range(panel.model.loaded) if panel.model.row_at(i).id == activity)
    menu: QMenu = build_row_menu(panel, row, panel.table)
    team = next(a for a in menu.actions() if a.text().replace("&", "") == "CPD team…")
    assert team.isEnabled()
    team.trigger()
    dialog = wait_for_window(qtbot, LayerDecisionDialog)
    assert dialog.shown_versions == {activity: 1}
    with qtbot.waitSignal(dialog.decided, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.status_label.text() == "Approved 1 activity."
    dialog.close()
    menu.close()
    close_window(window)


def test_edit_request_shows_the_request_as_it_stands_and_saves_a_change(qtbot, demo_db, tmp_path) -> None:
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    activity = enter_request(demo_db, user_id(demo_db, "jo.evans"), job_at(demo_db, school), details()).activity_id
    window = open_window(qtbot, demo_db, tmp_path, "jo.evans")
    detail = ActivityDetailDialog(window.context, activity, window)
    qtbot.addWidget(detail)
    detail.open()
    section = detail.request_section
    qtbot.waitUntil(lambda: section.edit_request_button.isEnabled(), timeout=10_000)
    qtbot.mouseClick(section.edit_request_button, Qt.MouseButton.LeftButton)
    dialog = wait_for_window(qtbot, RequestDialog)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10_000)
    assert dialog.title_edit.text() == "Phonics leadership course" and dialog.type_box.currentText() == "Course"
    assert dialog.sessions() == (date(2026, 11, 10), date(2026, 11, 24))
    assert dialog.money_boxes["course_fee_pence"].value() == 450.0 and dialog.total_label.text() == "£654.00"
    dialog.title_edit.setText("Phonics for KS1 leaders")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Request saved" in section.status_label.text(), timeout=10_000)
    with demo_db.read() as session:
        assert session.get(CpdActivity, activity).title == "Phonics for KS1 leaders"
    detail.close()
    close_window(window)


def test_a_view_only_user_is_told_they_may_not_enter_requests(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path, "pat.kim")
    panel_of(qtbot, window).new_request()
    dialog = wait_for_window(qtbot, RequestDialog)
    qtbot.waitUntil(lambda: dialog.choices is not None, timeout=10_000)
    assert dialog.error_label.text().startswith("You may not enter CPD requests")
    assert not dialog.save_button.isEnabled()
    dialog.reject()
    close_window(window)
