"""Users & Groups in the real window: staff paged from SQL (P1), ticks saved one by one (G2)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from db.models import GroupMembership
from db.queries.staff import StaffRow
from db.services.groups import set_membership
from desktop.modules.users_groups.member_choice_table_model import MemberChoiceTableModel
from tests.gui_helpers import close_window, open_window
from tests.helpers import user_id


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    window = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    yield window
    close_window(window)


def test_staff_list_pages_searches_and_shows_related_jobs(qtbot, window) -> None:
    panel = window.panels["users_groups"]
    panel.activate()
    staff = panel.staff_view
    qtbot.waitUntil(lambda: staff.model.rowCount() > 0, timeout=10_000)
    assert staff.model.total > staff.model.rowCount()  # paged, not everything at once
    assert any(staff.model.row_at(n).also_at for n in range(staff.model.rowCount()))
    first_total = staff.model.total
    staff.model.fetchMore()
    qtbot.waitUntil(lambda: staff.model.rowCount() > 200, timeout=10_000)

    qtbot.keyClicks(staff.search, "Atkinson")
    qtbot.waitUntil(lambda: 0 < staff.model.total < first_total, timeout=10_000)
    assert all("Atkinson" in staff.model.row_at(n).name for n in range(staff.model.rowCount()))
    assert staff.count_label.text() == f"{staff.model.total:,} jobs"


def tick(model, row: int, checked: bool) -> None:
    state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
    assert model.setData(model.index(row, 0), state.value, Qt.ItemDataRole.CheckStateRole)


def test_member_ticks_save_one_by_one_and_conflicts_refresh(qtbot, window, demo_db) -> None:
    panel = window.panels["users_groups"]
    panel.activate()
    editor = panel.group_editor
    panel.tabs.setCurrentWidget(editor)
    qtbot.waitUntil(lambda: editor.group_model.rowCount() > 0, timeout=10_000)
    ks2 = next(n for n, row in enumerate(editor.group_model.rows) if row.name == "KS2")
    group_id = editor.group_model.row_at(ks2).id
    editor.group_table.selectRow(ks2)
    model = editor.member_model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)

    qtbot.keyClicks(editor.search, "Class teacher")
    qtbot.waitUntil(
        lambda: all(model.row_at(n).role == "Class teacher" for n in range(model.rowCount())), timeout=10_000
    )
    row = next(n for n in range(model.rowCount()) if not model.row_at(n).is_member)
    job_id = model.row_at(row).job_id
    tick(model, row, True)
    assert model.data(model.index(row, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    qtbot.waitUntil(lambda: editor.saved_label.text() == "✓ Saved", timeout=10_000)
    with demo_db.read() as session:
        assert session.get(GroupMembership, (group_id, job_id)) is not None

    # someone else adds another job meanwhile; ticking it here is refused and the list reloads
    other = next(n for n in range(model.rowCount()) if not model.row_at(n).is_member and n != row)
    other_job = model.row_at(other).job_id
    set_membership(demo_db, user_id(demo_db, "alex.morgan"), group_id, other_job, True)
    messages: list[str] = []
    window.context.navigator.status_message.connect(messages.append)
    tick(model, other, True)
    qtbot.waitUntil(lambda: editor.saved_label.text() == "Not saved", timeout=10_000)
    assert any("Someone else changed this" in text for text in messages)
    qtbot.waitUntil(
        lambda: any(model.row_at(n).job_id == other_job and model.row_at(n).is_member for n in range(model.rowCount())),
        timeout=10_000,
    )


def test_viewers_see_groups_but_cannot_edit(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path, "jo.evans")
    try:
        panel = window.panels["users_groups"]
        panel.activate()
        editor = panel.group_editor
        qtbot.waitUntil(lambda: editor.group_model.rowCount() > 0, timeout=10_000)
        assert not editor.new_category_button.isEnabled()
        assert not panel.staff_view.bring_up_button.isEnabled()
    finally:
        close_window(window)


def test_staff_and_member_models_pass_the_model_tester(qtbot, check_model, window) -> None:
    panel = window.panels["users_groups"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.staff_view.model.rowCount() > 0, timeout=10_000)
    check_model(panel.staff_view.model)
    editor = panel.group_editor
    qtbot.waitUntil(lambda: editor.group_model.rowCount() > 0, timeout=10_000)
    editor.group_table.selectRow(0)
    qtbot.waitUntil(lambda: editor.member_model.rowCount() > 0, timeout=10_000)
    check_model(editor.member_model)


def test_a_reload_keeps_ticks_still_being_saved(qapp) -> None:
    model = MemberChoiceTableModel()
    row = StaffRow(1, 1, "Ann Lee", "", 1, "School", "Class teacher", "", "", "", False)
    model.reset(1, [row])
    model.set_override(1, True)
    model.reset(1, [row])  # e.g. the group list refreshed while the tick is saving
    assert model.data(model.index(0, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    model.saved(1)
    model.reset(1, [row])  # the reload after the save is the truth again
    assert model.data(model.index(0, 0), Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
