"""Organisations as a CPD lead uses them: filter, open a page, edit, drill into activities, import from GIAS."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from db.models import Budget, Organisation
from desktop.modules.organisations.gias_import_dialog import GiasImportDialog
from desktop.modules.organisations.gias_plan_table_model import GiasPlanTableModel
from desktop.modules.organisations.organisation_dialog import OrganisationDialog
from tests.gui_helpers import close_window, open_window

FIXTURES = Path(__file__).parent / "fixtures" / "gias"


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    win = open_window(qtbot, demo_db, tmp_path, "alex.morgan")
    yield win
    for page in list(win.panels["organisations"].open_pages.values()):
        page.close()
    close_window(win)


def _index(qtbot, window):
    panel = window.panels["organisations"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() >= 10, timeout=10_000)
    qtbot.waitUntil(lambda: panel.phase_box.count() > 1, timeout=10_000)
    return panel


def test_filters_narrow_the_index(qtbot, window) -> None:
    panel = _index(qtbot, window)
    everyone = panel.model.rowCount()
    panel.grade_box.setCurrentIndex(panel.grade_box.findData(1))
    qtbot.waitUntil(lambda: 0 < panel.model.rowCount() < everyone, timeout=10_000)
    assert all(row.inspection_grade == 1 for row in panel.model.rows)
    panel.grade_box.setCurrentIndex(0)
    panel.phase_box.setCurrentIndex(panel.phase_box.findData("Primary"))
    qtbot.waitUntil(lambda: all(row.phase == "Primary" for row in panel.model.rows), timeout=10_000)
    panel.phase_box.setCurrentIndex(0)
    panel.show_every_status()
    qtbot.waitUntil(lambda: panel.model.rowCount() > everyone, timeout=10_000)
    panel.search_box.setText("no such school anywhere")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0, timeout=10_000)
    assert panel.count_label.text() == "No organisations match."


def test_double_click_opens_the_page_and_it_drills_into_activities(qtbot, window) -> None:
    panel = _index(qtbot, window)
    row = next(i for i, r in enumerate(panel.model.rows) if r.name == "Bramblehurst All-Through Academy")
    index = panel.model.index(row, 0)
    panel.table.scrollTo(index)
    rect = panel.table.visualRect(index)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: len(panel.open_pages) == 1, timeout=10_000)
    page = next(iter(panel.open_pages.values()))
    assert isinstance(page, OrganisationDialog)
    qtbot.waitUntil(lambda: page.page is not None and page.staff_model.rowCount() == 100, timeout=10_000)
    assert page.heading.text() == "Bramblehurst All-Through Academy"
    assert page.more_button.isVisible()
    qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.staff_model.rowCount() > 100, timeout=10_000)

    qtbot.mouseClick(page.activities_button, Qt.MouseButton.LeftButton)
    cpd = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.filter.organisation_id == page.organisation_id, timeout=10_000)

    def only_bramblehurst() -> bool:
        shown = {cpd.model.row_at(i).organisation for i in range(cpd.model.loaded)}
        return shown == {"Bramblehurst All-Through Academy"}

    qtbot.waitUntil(only_bramblehurst, timeout=10_000)


def test_enter_opens_the_selected_organisations_page(qtbot, window) -> None:
    panel = _index(qtbot, window)
    panel.table.setFocus()
    panel.table.selectRow(2)
    panel.table.setCurrentIndex(panel.model.index(2, 0))
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.model.row_at(2).id in panel.open_pages, timeout=10_000)


def test_navigator_opens_one_page_per_organisation(qtbot, window) -> None:
    panel = window.panels["organisations"]
    org_id = 5
    window.context.navigator.go("organisation", org_id)
    window.context.navigator.go("organisation", org_id)
    qtbot.waitUntil(lambda: org_id in panel.open_pages, timeout=10_000)
    assert len(panel.open_pages) == 1
    page = panel.open_pages[org_id]
    qtbot.waitUntil(lambda: page.page is not None, timeout=10_000)
    page.close()
    qtbot.waitUntil(lambda: org_id not in panel.open_pages, timeout=10_000)


def _open_page(qtbot, window, urn: str) -> OrganisationDialog:
    db = window.context.db
    with db.read() as session:
        org_id = session.scalar(select(Organisation.id).where(Organisation.urn == urn))
    window.panels["organisations"].open_page(org_id)
    page = window.panels["organisations"].open_pages[org_id]
    qtbot.waitUntil(lambda: page.page is not None, timeout=10_000)
    return page


def test_setting_a_budget_from_the_page(qtbot, window, monkeypatch) -> None:
    page = _open_page(qtbot, window, "965643")
    page.tabs.setCurrentIndex(1)
    assert not page.budget_button.isEnabled()
    page.budget_table.selectRow(0)
    assert page.budget_button.isEnabled()
    row = page.budget_model.row_at(0)
    monkeypatch.setattr(page, "ask_amount", lambda _row: 12_345.67)
    with qtbot.waitSignal(window.context.bus.changed, timeout=10_000):
        qtbot.mouseClick(page.budget_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(r.period_id == row.period_id and r.amount_pence == 1_234_567 for r in page.budget_model.rows),
        timeout=10_000,
    )
    with window.context.db.read() as session:
        amounts = session.scalars(
            select(Budget.amount_pence).where(
                Budget.organisation_id == page.organisation_id, Budget.period_id == row.period_id
            )
        ).all()
    assert amounts == [1_234_567]


def test_editing_leader_and_expertise_from_the_page(qtbot, window) -> None:
    page = _open_page(qtbot, window, "965643")
    page.tabs.setCurrentIndex(2)
    assert page.save_details_button.isEnabled()
    page.leader_edit.setText("Ann Lee")
    page.expertise_edit.setPlainText("Oracy\nEarly reading")
    index_panel = window.panels["organisations"]
    qtbot.mouseClick(page.save_details_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.page.organisation.leader == "Ann Lee", timeout=10_000)
    assert page.page.organisation.expertise == "Oracy; Early reading"
    index_panel.activate()
    qtbot.waitUntil(lambda: any(r.expertise == "Oracy; Early reading" for r in index_panel.model.rows), timeout=10_000)


def test_a_viewer_cannot_edit(qtbot, demo_db, tmp_path) -> None:
    win = open_window(qtbot, demo_db, tmp_path, "jo.evans")
    try:
        page = _open_page(qtbot, win, "965643")
        assert not page.save_details_button.isEnabled() and not page.leader_edit.isEnabled()
        page.budget_table.selectRow(0)
        assert not page.budget_button.isEnabled()
        assert page.budget_label.text() == "Budgets are not shared with you for this organisation."
        page.close()
    finally:
        close_window(win)


def test_page_models_pass_the_model_tester(qtbot, check_model, window) -> None:
    page = _open_page(qtbot, window, "965643")
    qtbot.waitUntil(lambda: page.staff_model.rowCount() > 0, timeout=10_000)
    check_model(page.staff_model)
    check_model(page.budget_model)


def test_import_from_gias_menu_previews_then_applies(qtbot, window) -> None:
    assert window.module_actions["import_gias"].text() == "Import from &GIAS…"
    dialog = GiasImportDialog(window.context, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.trust_box.count() == 1, timeout=10_000)
    assert dialog.trust_box.currentText() == "TR09471"
    dialog.extract_edit.setText(str(FIXTURES / "establishments.csv"))
    dialog.grades_edit.setText(str(FIXTURES / "grades.csv"))
    assert not dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 7, timeout=10_000)
    assert "will be 2 added, 2 updated, 2 unchanged, 1 skipped" in dialog.status_label.text()
    assert dialog.import_button.isEnabled()
    with window.context.db.read() as session:
        assert session.scalar(select(Organisation.id).where(Organisation.urn == "990001")) is None

    index_panel = _index(qtbot, window)
    with qtbot.waitSignal(window.context.bus.changed, timeout=10_000):
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10_000)
    assert "Imported: 2 added, 2 updated" in dialog.status_label.text()
    assert "990002 Old Mill Infant School: closed" in dialog.status_label.text()
    qtbot.waitUntil(lambda: any(r.name == "Ashcombe Primary Academy" for r in index_panel.model.rows), timeout=10_000)
    dialog.close()


def test_gias_dialog_shows_bad_files_and_imports_nothing(qtbot, window, tmp_path) -> None:
    dialog = GiasImportDialog(window.context, window)
    qtbot.addWidget(dialog)
    dialog.show()
    bad = tmp_path / "extract.csv"
    bad.write_bytes((FIXTURES / "establishments.csv").read_text("iso-8859-1").encode("utf-16"))
    dialog.extract_edit.setText(str(bad))
    qtbot.waitUntil(lambda: dialog.trust_box.count() == 1, timeout=10_000)
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "UTF-16" in dialog.status_label.text(), timeout=10_000)
    assert not dialog.import_button.isEnabled() and dialog.model.rowCount() == 0
    dialog.close()


def test_gias_plan_model_passes_the_model_tester(qtmodeltester, demo_db) -> None:
    from db.queries.gias_import import preview_gias_import
    from tests.helpers import user_id

    plan = preview_gias_import(
        demo_db, user_id(demo_db, "alex.morgan"), FIXTURES / "establishments.csv", "TR09471", FIXTURES / "grades.csv"
    )
    model = GiasPlanTableModel()
    model.set_rows(plan.entries)
    qtmodeltester.check(model, force_py=True)
