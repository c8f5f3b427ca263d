"""The group editor keeps your place (G2): a tick changes its own row, "tick all listed" asks first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from db.models import GroupMembership
from tests.gui_helpers import close_window, open_window


@pytest.fixture
def editor(qtbot, demo_db, tmp_path):
    window = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    window.resize(1366, 768)
    panel = window.panels["users_groups"]
    panel.activate()
    editor = panel.group_editor
    panel.tabs.setCurrentWidget(editor)
    qtbot.waitUntil(lambda: editor.group_model.rowCount() > 0, timeout=10_000)
    ks2 = next(n for n, row in enumerate(editor.group_model.rows) if row.name == "KS2")
    editor.group_table.selectRow(ks2)
    qtbot.waitUntil(lambda: editor.member_model.rowCount() > 0, timeout=10_000)
    yield editor
    close_window(window)


def check_state(model, row: int) -> Qt.CheckState:
    return model.data(model.index(row, 0), Qt.ItemDataRole.CheckStateRole)


def test_a_tick_past_the_first_page_keeps_the_view_where_it_is(qtbot, editor, demo_db) -> None:
    model, table = editor.member_model, editor.member_table
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() > 200, timeout=10_000)
    row = next(n for n in range(250, model.rowCount()) if not model.row_at(n).is_member)
    job_id, loaded = model.row_at(row).job_id, model.rowCount()
    table.scrollTo(model.index(row, 0))
    scrolled = table.verticalScrollBar().value()
    assert scrolled > 0
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, bottom, _roles: changed.append((top.row(), bottom.row())))
    count_before = editor.group.member_count

    assert model.setData(model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(lambda: editor.saved_label.text() == "✓ Saved", timeout=10_000)
    # the group list refreshes after the save (member counts); wait for it to come back
    qtbot.waitUntil(lambda: editor.group.member_count == count_before + 1, timeout=10_000)
    editor.context.ops.wait_for_done(10_000)
    qtbot.wait(50)  # let queued replies land

    assert resets == [] and model.rowCount() == loaded
    assert table.verticalScrollBar().value() == scrolled
    assert changed and all(top == bottom == row for top, bottom in changed)
    assert check_state(model, row) == Qt.CheckState.Checked and model.row_at(row).is_member
    with demo_db.read() as session:
        assert session.get(GroupMembership, (editor.group.id, job_id)) is not None


def test_tick_all_listed_confirms_with_the_count_and_members_only_narrows(qtbot, editor, demo_db, monkeypatch) -> None:
    model = editor.member_model
    qtbot.keyClicks(editor.search, "Atkinson")
    qtbot.waitUntil(lambda: all("Atkinson" in model.row_at(n).name for n in range(model.rowCount())), timeout=10_000)
    listed = model.total
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(
        QMessageBox, "question", lambda _parent, _title, text, *_args: (asked.append(text), answers.pop(0))[1]
    )

    editor.tick_all_button.click()
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=10_000)
    assert "jobs are listed" in asked[0]
    with demo_db.read() as session:
        before = session.query(GroupMembership).filter_by(group_id=editor.group.id).count()

    editor.tick_all_button.click()  # this time say Yes
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=10_000)
    qtbot.waitUntil(lambda: editor.saved_label.text() == "✓ Saved", timeout=10_000)
    to_add = int(asked[1].split()[1].replace(",", ""))
    with demo_db.read() as session:
        members = {m.job_id for m in session.query(GroupMembership).filter_by(group_id=editor.group.id)}
    assert len(members) == before + to_add > before
    shown = {model.row_at(n).job_id: check_state(model, n) == Qt.CheckState.Checked for n in range(model.rowCount())}
    assert shown == {job: job in members for job in shown}  # the rows say what is stored, without a reload
    assert sum(shown.values()) == len(members & set(shown)) > 0

    editor.members_only.setChecked(True)
    qtbot.waitUntil(lambda: model.total == len(members & set(shown)), timeout=10_000)
    assert model.total < listed or listed == len(members & set(shown))
    editor.search.clear()
    editor.search.search_changed.emit("")
    qtbot.waitUntil(lambda: model.total == editor.group.member_count, timeout=10_000)
    assert all(model.row_at(n).is_member for n in range(model.rowCount()))
