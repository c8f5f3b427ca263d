"""File › Export budget workbook… and File › Import decisions… in the real window."""

from __future__ import annotations

from dataclasses import replace

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from db.excel.import_decisions import Outcome
from db.excel.layout import DATA_SHEET
from db.models import PartnershipState
from db.queries.activities import ACTIVITIES
from desktop.modules.partnership_cpd.export_dialog import ExportDialog
from desktop.modules.partnership_cpd.import_decisions_dialog import ImportDecisionsDialog
from tests.excel_helpers import decidable, record_decisions, versions_in
from tests.gui_helpers import close_window, open_window, wait_for_window


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    win = open_window(qtbot, demo_db, tmp_path)
    yield win
    close_window(win)


def test_file_menu_offers_export_and_import(window) -> None:
    texts = [action.text() for action in window.menuBar().actions()[0].menu().actions()]
    assert "&Export budget workbook…" in texts and "&Import decisions…" in texts


def test_export_uses_the_panel_filter_and_import_applies_after_a_check(qtbot, qtmodeltester, window, tmp_path) -> None:
    panel = window.panels["partnership_cpd"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10_000)
    panel.show_filter(replace(panel.filter, partnership_state=PartnershipState.PENDING, search="phonics"))
    actions = panel.workbook

    actions.export()
    dialog = wait_for_window(qtbot, ExportDialog)
    qtbot.waitUntil(lambda: "activities" in dialog.count_label.text(), timeout=10_000)
    assert "phonics" in dialog.what_label.text()
    path = tmp_path / "review.xlsx"
    dialog.path_edit.setText(str(path))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    exported = wait_for_window(qtbot, QMessageBox, timeout=20_000)
    assert "Exported" in exported.text()
    exported.close()
    titles = {row[4].value for row in load_workbook(path, read_only=True)[DATA_SHEET].iter_rows(min_row=2)}
    assert titles and all("phonics" in title.lower() for title in titles)

    db = window.context.db
    ids = decidable(db, "sam.patel", path, 3)
    record_decisions(path, {ids[0]: ("Authorise", ""), ids[1]: ("Reject", "Budget spent"), ids[2]: ("Maybe", "")})
    actions.check_import(path)
    check = wait_for_window(qtbot, ImportDecisionsDialog, timeout=20_000)
    assert check.result.dry_run and "Nothing has been changed yet." in check.summary_label.text()
    qtmodeltester.check(check.model, force_py=True)
    assert [r.outcome for r in check.model.rows] == [Outcome.INVALID]
    apply_button = check.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert apply_button.text() == "Apply 2 decisions"

    with qtbot.waitSignal(window.context.bus.changed, timeout=20_000) as published:
        apply_button.click()
    assert published.args[0].kind == ACTIVITIES and published.args[0].ids == {ids[0], ids[1]}
    done = wait_for_window(qtbot, ImportDecisionsDialog, other_than=check, timeout=20_000)
    assert not done.result.dry_run and done.result.count(Outcome.APPLIED) == 2
    assert "Applied 2 decisions (1 authorised, 1 rejected)." in done.summary_label.text()
    done.close()
    assert len(versions_in(path)) >= 3


def test_a_refused_workbook_is_explained_in_a_dialog(qtbot, window, tmp_path, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(
        "desktop.modules.partnership_cpd.workbook_actions.show_error",
        lambda _parent, error: shown.append(error.message),
    )
    bad = tmp_path / "locked.xlsx"
    bad.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 512)
    window.panels["partnership_cpd"].workbook.check_import(bad)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "password-protected" in shown[0]
