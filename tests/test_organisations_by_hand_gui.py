"""Organisations by hand in the real window (O1): the editor, closing with a confirmation, clusters."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from db.models import OrgKind, OrgStatus
from db.queries.organisations import OrganisationFilter, list_organisations
from desktop.modules.organisations.cluster_dialog import ClusterDialog
from desktop.modules.organisations.organisation_editor import OrganisationEditor
from tests.gui_helpers import close_window, open_window, wait_for_window
from tests.helpers import user_id


@pytest.fixture
def panel(qtbot, demo_db, tmp_path):
    window = open_window(qtbot, demo_db, tmp_path, "alex.morgan")
    panel = window.panels["organisations"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 and panel.org_actions.add_button.isEnabled(), timeout=10_000)
    yield panel
    close_window(window)


def row_named(panel, name: str) -> int:
    return next(n for n, row in enumerate(panel.model.rows) if row.name == name)


def test_add_an_organisation_refusals_keep_what_was_typed(qtbot, panel, demo_db) -> None:
    qtbot.mouseClick(panel.org_actions.add_button, Qt.MouseButton.LeftButton)
    editor = wait_for_window(qtbot, OrganisationEditor)
    editor.kind_box.setCurrentIndex(editor.kind_box.findData(OrgKind.CENTRAL))
    qtbot.keyClicks(editor.urn_edit, "12AB")
    editor.save_button.click()
    assert editor.isVisible() and editor.error_text == "Give the name."

    existing = panel.model.row_at(1).name
    qtbot.keyClicks(editor.name_edit, existing.upper())
    editor.save_button.click()
    assert "6 digits" in editor.error_text  # checked before the database is asked
    editor.urn_edit.clear()
    editor.save_button.click()  # the name is refused by the service, under its field
    qtbot.waitUntil(lambda: "already an organisation called" in editor.error_text, timeout=10_000)
    assert editor.isVisible() and editor.name_edit.text() == existing.upper()

    editor.name_edit.setText("Oakfield Maths Hub")
    editor.cluster_box.setCurrentText("Maths hubs")
    editor.leader_edit.setText("Ada Byrne")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    qtbot.waitUntil(lambda: any(r.name == "Oakfield Maths Hub" for r in panel.model.rows), timeout=10_000)
    row = panel.model.row_at(row_named(panel, "Oakfield Maths Hub"))
    assert (row.kind, row.cluster, row.leader) == (OrgKind.CENTRAL, "Maths hubs", "Ada Byrne")
    qtbot.waitUntil(lambda: panel.cluster_box.findData("Maths hubs") >= 0, timeout=10_000)


def test_editing_a_gias_school_warns_and_saves(qtbot, panel, demo_db) -> None:
    school = next(r for r in panel.model.rows if r.urn and r.kind == OrgKind.SCHOOL)
    panel.table.selectRow(row_named(panel, school.name))
    qtbot.mouseClick(panel.org_actions.edit_button, Qt.MouseButton.LeftButton)
    editor = wait_for_window(qtbot, OrganisationEditor)
    assert "next GIAS import may write over" in editor.intro.text() and editor.intro.isVisible()
    assert editor.name_edit.text() == school.name
    editor.leader_edit.setText("Mrs Jo Bright")
    with qtbot.waitSignal(editor.saved, timeout=10_000):
        editor.save_button.click()
    qtbot.waitUntil(lambda: panel.model.row_at(row_named(panel, school.name)).leader == "Mrs Jo Bright", timeout=10_000)


def test_close_asks_first_and_the_organisation_leaves_the_open_list(qtbot, panel, demo_db) -> None:
    school = next(r for r in panel.model.rows if r.kind == OrgKind.SCHOOL)
    panel.table.selectRow(row_named(panel, school.name))
    qtbot.mouseClick(panel.org_actions.close_button, Qt.MouseButton.LeftButton)
    box = wait_for_window(qtbot, QMessageBox)
    assert "stay in history and reports" in box.informativeText()
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert school.id in {r.id for r in list_organisations(demo_db, user_id(demo_db, "alex.morgan"))}

    qtbot.mouseClick(panel.org_actions.close_button, Qt.MouseButton.LeftButton)
    box = wait_for_window(qtbot, QMessageBox)
    next(b for b in box.buttons() if b.text() == "Close organisation").click()
    qtbot.waitUntil(lambda: all(r.id != school.id for r in panel.model.rows), timeout=10_000)
    closed = list_organisations(demo_db, user_id(demo_db, "alex.morgan"), OrganisationFilter(status=OrgStatus.CLOSED))
    assert school.id in {r.id for r in closed}


def test_rename_a_cluster_from_the_panel(qtbot, panel, demo_db) -> None:
    school = next(r for r in panel.model.rows if r.cluster)
    panel.table.selectRow(row_named(panel, school.name))
    qtbot.mouseClick(panel.org_actions.clusters_button, Qt.MouseButton.LeftButton)
    dialog = wait_for_window(qtbot, ClusterDialog)
    assert dialog.cluster_box.currentData() == school.cluster and dialog.new_name.text() == school.cluster
    dialog.new_name.setText("Riverside")
    with qtbot.waitSignal(dialog.saved, timeout=10_000):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: panel.model.row_at(row_named(panel, school.name)).cluster == "Riverside", timeout=10_000)


def test_who_may_not_manage_organisations_sees_the_buttons_off(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    try:
        panel = window.panels["organisations"]
        panel.activate()
        qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10_000)
        window.context.ops.wait_for_done(10_000)
        qtbot.waitUntil(lambda: "Only someone" in panel.org_actions.add_button.toolTip(), timeout=10_000)
        panel.table.selectRow(1)
        assert not any(
            b.isEnabled()
            for b in (panel.org_actions.add_button, panel.org_actions.edit_button, panel.org_actions.close_button)
        )
    finally:
        close_window(window)
