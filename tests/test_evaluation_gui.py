"""Attendance, completion and evaluation through the window, and the dashboard's evaluation figures."""

from __future__ import annotations

import csv
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton
from sqlalchemy import func, select

from db.models import ActivityEvaluation, CompletionState, CpdActivity, Module, PartnershipState
from db.scope import scope_for
from desktop.modules.partnership_cpd.evaluation_dialog import EvaluationDialog
from desktop.modules.partnership_cpd.evaluation_import_dialog import EvaluationImportDialog
from desktop.modules.partnership_cpd.follow_up_actions import CompletionDateDialog
from desktop.modules.partnership_cpd.follow_up_filter import PENDING_STARTED
from tests.gui_helpers import close_window, open_window, wait_for_window
from tests.helpers import activities, user_id


def cpd_panel(qtbot, window):
    panel = window.panels["partnership_cpd"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 and "Counting" not in panel.summary_label.text(), timeout=10_000)
    return panel


def startable(db, limit: int) -> dict[int, int]:
    with db.read() as session:
        orgs = scope_for(session, user_id(db, "sam.patel")).orgs(Module.PARTNERSHIP_CPD, at_least=3)
    return activities(
        db,
        CpdActivity.organisation_id.in_(orgs),
        CpdActivity.starts_on <= date.today() - timedelta(days=1),
        CpdActivity.completion_state == CompletionState.NOT_COMPLETED,
        CpdActivity.partnership_state == PartnershipState.AUTHORISED,
        CpdActivity.line_manager_state != "denied",
        CpdActivity.cpd_team_state != "declined",
        limit=limit,
    )


def completion_states(db, ids) -> set[CompletionState]:
    with db.read() as session:
        return set(session.scalars(select(CpdActivity.completion_state).where(CpdActivity.id.in_(ids))))


def test_ticked_rows_marked_attended_then_one_completed_and_evaluated(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    panel = cpd_panel(qtbot, window)
    rows = startable(demo_db, 3)

    panel.follow_up.attendance(True, rows)
    qtbot.waitUntil(lambda: completion_states(demo_db, rows) == {CompletionState.ATTENDED}, timeout=10_000)

    first = min(rows)
    version = activities(demo_db, CpdActivity.id == first)[first]
    panel.follow_up.completion({first: version})
    dialog = wait_for_window(qtbot, CompletionDateDialog)
    dialog.accept()
    qtbot.waitUntil(lambda: completion_states(demo_db, [first]) == {CompletionState.COMPLETED}, timeout=10_000)

    evaluation = EvaluationDialog(panel.context, first, panel.table)
    qtbot.addWidget(evaluation)
    evaluation.open()
    qtbot.waitUntil(lambda: evaluation.save_button.isEnabled(), timeout=10_000)
    evaluation.hours.setValue(0)
    evaluation.save()
    assert "more than 0" in evaluation.error_label.text()  # one sentence, the form kept
    evaluation.hours.setValue(5.5)
    evaluation.rating.setCurrentIndex(4)
    evaluation.impact.setPlainText("Better questioning")
    with qtbot.waitSignal(evaluation.saved, timeout=10_000):
        evaluation.save()
    with demo_db.read() as session:
        stored = session.get(ActivityEvaluation, first)
        assert (stored.hours, stored.rating, stored.impact) == (5.5, 4, "Better questioning")
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)  # every reply reached the window
    close_window(window)


def test_a_stale_evaluation_says_so_and_keeps_the_typing(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    panel = cpd_panel(qtbot, window)
    with demo_db.read() as session:
        activity_id = session.scalar(select(ActivityEvaluation.activity_id).limit(1))
    evaluation = EvaluationDialog(panel.context, activity_id, panel.table)
    qtbot.addWidget(evaluation)
    evaluation.open()
    qtbot.waitUntil(lambda: evaluation.save_button.isEnabled(), timeout=10_000)
    from db.services.evaluations import check_evaluation, record_evaluation

    record_evaluation(demo_db, user_id(demo_db, "alex.morgan"), activity_id, 1, check_evaluation(1, 1, "x", ""))
    evaluation.impact.setPlainText("Mine")
    evaluation.save()
    qtbot.waitUntil(lambda: "since it was shown" in evaluation.error_label.text(), timeout=10_000)
    assert evaluation.impact.toPlainText() == "Mine" and evaluation.isVisible()
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)  # every reply reached the window
    close_window(window)


def test_importing_evaluations_previews_then_applies(qtbot, qtmodeltester, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    panel = cpd_panel(qtbot, window)
    with demo_db.read() as session:
        done = session.scalars(
            select(CpdActivity.id)
            .where(CpdActivity.completion_state == CompletionState.COMPLETED, CpdActivity.evaluation.is_(None))
            .limit(2)
        ).all()
    path = tmp_path / "evaluations.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerows([["Activity ID", "Hours", "Rating", "Impact"], [done[0], 3, 5, "Great"], [done[1], 3, 0, ""]])

    panel.follow_up.check_import(path)
    preview = wait_for_window(qtbot, EvaluationImportDialog)
    qtmodeltester.check(preview.model, force_py=True)
    assert "1 to add" in preview.summary_label.text() and "1 invalid" in preview.summary_label.text()
    preview.accept()
    done_dialog = wait_for_window(qtbot, EvaluationImportDialog, other_than=preview)
    assert done_dialog.windowTitle().endswith("done")
    with demo_db.read() as session:
        assert session.get(ActivityEvaluation, done[0]).rating == 5
        assert session.get(ActivityEvaluation, done[1]) is None
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)  # every reply reached the window
    close_window(window)


def test_the_follow_up_filter_lists_pending_requests_already_started(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    panel = cpd_panel(qtbot, window)
    generation = panel._generation
    box = panel.bar.follow_up_box
    box.setCurrentIndex(box.findData(PENDING_STARTED))
    qtbot.waitUntil(lambda: panel._generation > generation, timeout=5_000)
    qtbot.waitUntil(lambda: not panel.context.ops.running and "activit" in panel.summary_label.text(), timeout=10_000)
    assert panel.filter.pending_started
    assert "Pending and already started" in panel.chips.texts()
    for row in range(panel.model.loaded):
        activity = panel.model.row_at(row)
        assert activity.starts_on <= date.today()
        assert activity.partnership_state in (PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION)
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)  # every reply reached the window
    close_window(window)


def test_dashboard_shows_hours_and_ratings_and_drills_to_a_person(qtbot, qtmodeltester, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    panel = window.panels["dashboard"]
    panel.activate()
    tabs = panel.evaluation_tabs
    qtbot.waitUntil(lambda: panel.figures is not None and tabs.figures is not None, timeout=10_000)
    for model in (tabs.org_model, tabs.person_model, tabs.provider_model, tabs.type_model):
        qtmodeltester.check(model, force_py=True)
    figures = tabs.figures
    assert tabs.org_model.rowCount() == len(figures.hours_by_organisation) > 0
    assert panel.cards["hours"].value_label.text().replace(",", "") == f"{figures.hours:.1f}".removesuffix(".0")
    rate = panel.figures.evaluation_rate
    assert panel.cards["evaluation_rate"].value_label.text() == f"{rate:.0%}"
    person = tabs.person_model.row_at(0)
    tabs._person_activated(tabs.person_model.index(0, 0))
    cpd = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.filter.person_id == person.key, timeout=10_000)
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)  # every reply reached the window
    close_window(window)


def test_a_completion_left_alone_is_explained(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    panel = cpd_panel(qtbot, window)
    with demo_db.read() as session:
        rejected = session.scalar(
            select(func.min(CpdActivity.id)).where(CpdActivity.partnership_state == PartnershipState.REJECTED)
        )
    panel.follow_up.attendance(True, activities(demo_db, CpdActivity.id == rejected))
    box = wait_for_window(qtbot, QMessageBox)
    assert "turned down" in box.detailedText() or "turned down" in box.informativeText() + box.text()
    box.close()
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)  # every reply reached the window
    close_window(window)


def test_the_details_open_the_evaluation_and_show_it_once_saved(qtbot, demo_db, tmp_path) -> None:
    from desktop.modules.partnership_cpd.activity_detail import ActivityDetailDialog

    window = open_window(qtbot, demo_db, tmp_path)
    panel = cpd_panel(qtbot, window)
    with demo_db.read() as session:
        activity_id = session.scalar(
            select(CpdActivity.id)
            .where(CpdActivity.completion_state == CompletionState.COMPLETED, CpdActivity.evaluation.is_(None))
            .limit(1)
        )
    details = ActivityDetailDialog(panel.context, activity_id, panel.table)
    details.open()
    qtbot.waitUntil(lambda: details.detail is not None, timeout=10_000)
    button = next(b for b in details.findChildren(QPushButton) if b.text() == "Evaluation…")
    button.click()
    dialog = wait_for_window(qtbot, EvaluationDialog)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10_000)
    dialog.hours.setValue(2)
    dialog.rating.setCurrentIndex(5)
    dialog.impact.setPlainText("Shared at a staff meeting")
    dialog.save()
    qtbot.waitUntil(lambda: details.detail.evaluation == "Shared at a staff meeting", timeout=10_000)
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)  # every reply reached the window
    close_window(window)


def test_a_view_and_comment_user_may_evaluate_but_not_record_attendance(qtbot, demo_db, tmp_path) -> None:
    from desktop.modules.partnership_cpd.row_menu import build_row_menu

    window = open_window(qtbot, demo_db, tmp_path, "jo.evans")
    panel = cpd_panel(qtbot, window)
    menu = build_row_menu(panel, 0, panel.table)
    entries = {action.text(): action for action in menu.actions() if action.text()}
    assert entries["&Evaluation…"].isEnabled()
    assert not entries["Mark a&ttended"].isEnabled() and not entries["Mark completed…"].isEnabled()
    assert "not record attendance" in entries["Mark a&ttended"].toolTip()
    menu.close()
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)  # every reply reached the window
    close_window(window)


def test_a_training_event_register_from_the_follow_up_button(qtbot, demo_db, tmp_path) -> None:
    from sqlalchemy import update

    from db.models import AuditEntry, TrainingEvent
    from desktop.modules.partnership_cpd.follow_up_actions import EventRegisterDialog

    rows = sorted(startable(demo_db, 3))
    sam = user_id(demo_db, "sam.patel")
    yesterday = date.today() - timedelta(days=1)
    with demo_db.transaction() as session:
        org = session.get(CpdActivity, rows[0]).organisation_id
        event = TrainingEvent(organisation_id=org, title="Zz twilight register", starts_on=yesterday, ends_on=yesterday)
        session.add(event)
        session.flush()
        session.execute(update(CpdActivity).where(CpdActivity.id.in_(rows)).values(training_event_id=event.id))
        for activity_id in rows:
            session.add(AuditEntry(user_id=sam, action="test", entity="cpd_activity", entity_id=activity_id))
    window = open_window(qtbot, demo_db, tmp_path)
    panel = cpd_panel(qtbot, window)
    panel.follow_up.event_register()
    dialog = wait_for_window(qtbot, EventRegisterDialog)
    index = dialog.event_box.findText("Zz twilight register", Qt.MatchFlag.MatchContains)
    assert index >= 0
    dialog.event_box.setCurrentIndex(index)
    dialog.absent.setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: completion_states(demo_db, rows) == {CompletionState.DID_NOT_ATTEND}, timeout=10_000)
    qtbot.waitUntil(lambda: not panel.context.ops.running, timeout=10_000)  # every reply reached the window
    close_window(window)
