"""Tampered workbooks in the real window: refused in a dialog, or their rows listed with why."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from db.excel.export import export_workbook
from db.excel.import_decisions import Outcome
from db.excel.layout import ID_COL
from db.models import PartnershipState
from db.queries.activities import ActivityFilter
from desktop.modules.partnership_cpd.import_decisions_dialog import ImportDecisionsDialog
from tests.excel_helpers import decidable, record_decisions
from tests.excel_tamper import edit_cells, set_identity
from tests.gui_helpers import close_window, open_window, wait_for_window
from tests.helpers import user_id

PENDING = ActivityFilter(partnership_state=PartnershipState.PENDING, search="phonics")


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    win = open_window(qtbot, demo_db, tmp_path)
    yield win
    close_window(win)


@pytest.fixture
def review(demo_db, tmp_path):
    path = export_workbook(demo_db, user_id(demo_db, "sam.patel"), PENDING, tmp_path / "review.xlsx").path
    ids = decidable(demo_db, "sam.patel", path, 3)
    record_decisions(path, {i: ("Authorise", "") for i in ids})
    return path, ids


def test_a_workbook_from_another_database_is_refused_in_a_dialog(qtbot, window, demo_db, review, monkeypatch) -> None:
    shown = []
    monkeypatch.setattr(
        "desktop.modules.partnership_cpd.workbook_actions.show_error",
        lambda _parent, error: shown.append(error.message),
    )
    path, _ids = review
    set_identity(demo_db, str(uuid.uuid4()))
    window.panels["partnership_cpd"].workbook.check_import(path)
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert "exported from another TrustDesk database" in shown[0] and "Nothing was imported" in shown[0]


def test_swapped_ids_are_listed_as_not_matching_and_not_offered(qtbot, qtmodeltester, window, review) -> None:
    path, ids = review
    edit_cells(path, {ids[0]: {ID_COL: ids[1]}, ids[1]: {ID_COL: ids[0]}})
    actions = window.panels["partnership_cpd"].workbook
    actions.check_import(path)
    check = wait_for_window(qtbot, ImportDecisionsDialog, timeout=20_000)
    qtmodeltester.check(check.model, force_py=True)
    not_applied = {r.activity_id: r for r in check.model.rows}
    assert set(not_applied) == {ids[0], ids[1]}
    assert all(r.outcome in (Outcome.INVALID, Outcome.CHANGED) for r in not_applied.values())
    assert check.buttons.button(QDialogButtonBox.StandardButton.Ok).text() == "Apply 1 decisions"
    check.close()
