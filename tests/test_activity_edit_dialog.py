"""Editing dates and costs from the activity detail in the real window (C5)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

import desktop.modules.partnership_cpd.activity_edit_dialog as edit_dialog_module
from db.errors import DatabaseBusy, StaleData
from db.models import Job, PartnershipState
from db.queries.activities import ActivityFilter
from desktop.modules.partnership_cpd.activity_detail import ActivityDetailDialog
from desktop.modules.partnership_cpd.activity_table_model import COL_PARTNERSHIP
from tests.gui_helpers import close_window, open_window, wait_for_window
from tests.test_activity_edits import decidable, reread


def show_person(qtbot, window, person_id: int):
    panel = window.panels["partnership_cpd"]
    panel.activate()
    qtbot.waitUntil(lambda: panel._lookups is not None, timeout=10_000)
    panel.show_filter(ActivityFilter(person_id=person_id))
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 and not panel.context.ops.running, timeout=10_000)
    return panel


def row_of(panel, activity_id: int) -> int:
    return next(i for i in range(panel.model.loaded) if panel.model.row_at(i).id == activity_id)


def open_detail(qtbot, panel, activity_id: int) -> ActivityDetailDialog:
    panel.open_details(row_of(panel, activity_id))
    detail = wait_for_window(qtbot, ActivityDetailDialog)
    qtbot.waitUntil(lambda: detail.detail is not None, timeout=10_000)
    return detail


def test_raising_the_fee_of_an_authorised_request_sends_it_back_for_reauthorisation(qtbot, demo_db, tmp_path) -> None:
    row = decidable(demo_db, "sam.patel", PartnershipState.AUTHORISED)
    window = open_window(qtbot, demo_db, tmp_path)
    panel = show_person(qtbot, window, _person(demo_db, row.job_id))
    detail = open_detail(qtbot, panel, row.id)
    assert detail.edit_button.isEnabled()

    qtbot.mouseClick(detail.edit_button, Qt.MouseButton.LeftButton)
    editor = detail.editor
    assert editor is not None and editor.isVisible()
    assert not editor.save_button.isEnabled() and "Nothing changed" in editor.preview_label.text()
    assert not editor.warning_label.isVisible()
    fee = editor.money_boxes["course_fee_pence"]
    fee.setValue(fee.value() + 45.5)
    assert "needs re-authorisation" in editor.warning_label.text() and editor.warning_label.isVisible()
    assert "Course fee" in editor.preview_label.text() and editor.save_button.isEnabled()
    editor.note_edit.setPlainText("Provider raised the fee")

    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "re-authorisation" in detail.status_label.text(), timeout=10_000)
    qtbot.waitUntil(
        lambda: panel.model.index(row_of(panel, row.id), COL_PARTNERSHIP).data() == "Needs re-authorisation",
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: detail.reauthorise_button.isEnabled(), timeout=10_000)
    saved = reread(demo_db, row.id)
    assert saved.course_fee_pence == row.course_fee_pence + 4_550
    assert saved.partnership_state is PartnershipState.NEEDS_REAUTHORISATION
    detail.close()
    close_window(window)


def test_a_busy_database_keeps_what_was_typed_and_a_stale_row_reloads(qtbot, demo_db, tmp_path, monkeypatch) -> None:
    row = decidable(demo_db, "sam.patel", PartnershipState.PENDING)
    window = open_window(qtbot, demo_db, tmp_path)
    panel = show_person(qtbot, window, _person(demo_db, row.job_id))
    detail = open_detail(qtbot, panel, row.id)
    detail.open_editor()
    editor = detail.editor

    def busy(*_args, **_kwargs):
        raise DatabaseBusy("The database is busy (another program is writing to it).")

    monkeypatch.setattr(edit_dialog_module, "edit_activity", busy)
    editor.money_boxes["travel_cost_pence"].setValue(12.34)
    editor.note_edit.setPlainText("Train fare")
    editor.submit()
    qtbot.waitUntil(lambda: "try again" in editor.error_label.text(), timeout=10_000)
    assert editor.isVisible() and editor.save_button.isEnabled()
    assert editor.edit().travel_cost_pence == 1_234 and editor.note == "Train fare"

    def stale(*_args, **_kwargs):
        raise StaleData("Someone else changed this activity since it was shown, so your edit was not saved.")

    monkeypatch.setattr(edit_dialog_module, "edit_activity", stale)
    editor.submit()
    qtbot.waitUntil(lambda: not editor.isVisible(), timeout=10_000)
    assert "Someone else changed" in detail.status_label.text()
    assert reread(demo_db, row.id).version == row.version
    detail.close()
    close_window(window)


def test_view_and_comment_users_get_a_disabled_button_that_says_why(qtbot, demo_db, tmp_path) -> None:
    row = decidable(demo_db, "sam.patel", PartnershipState.AUTHORISED)
    window = open_window(qtbot, demo_db, tmp_path, "jo.evans")
    panel = show_person(qtbot, window, _person(demo_db, row.job_id))
    detail = open_detail(qtbot, panel, row.id)
    assert not detail.edit_button.isEnabled()
    assert "Only someone who may decide" in detail.edit_button.toolTip()
    detail.open_editor()
    assert detail.editor is None
    detail.close()
    close_window(window)


def _person(db, job_id: int) -> int:
    with db.read() as session:
        return session.scalar(select(Job.person_id).where(Job.id == job_id))


def test_your_own_request_cannot_be_edited_by_you(qtbot, demo_db, tmp_path) -> None:
    row = decidable(demo_db, "sam.patel", PartnershipState.PENDING, own=True)
    window = open_window(qtbot, demo_db, tmp_path)
    panel = show_person(qtbot, window, _person(demo_db, row.job_id))
    detail = open_detail(qtbot, panel, row.id)
    assert not detail.edit_button.isEnabled() and "your own request" in detail.edit_button.toolTip()
    assert "Your own request" in detail.status_label.text()
    detail.close()
    close_window(window)
