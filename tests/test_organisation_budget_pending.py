"""The organisation page's budget tab shows Pending beside Authorised (C7), as the Budget sheet counts it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from db.models import Organisation
from db.queries.budget_summary import budget_lines
from db.queries.organisation_page import BudgetRow, organisation_page
from db.scope import scope_for
from desktop.kit.formatting import money
from desktop.modules.organisations.budget_table_model import BudgetTableModel
from tests.gui_helpers import close_window, open_window
from tests.helpers import user_id

URN = "965643"  # Bramblehurst: group actions shared, activity in several periods


def org_id(db) -> int:
    with db.read() as session:
        return session.scalar(select(Organisation.id).where(Organisation.urn == URN))


def test_budget_rows_carry_pending_as_the_budget_sheet_counts_it(demo_db) -> None:
    org, alex = org_id(demo_db), user_id(demo_db, "alex.morgan")
    page = organisation_page(demo_db, alex, org)
    with demo_db.read() as session:
        lines = budget_lines(session, scope_for(session, alex), None, org)
    expected = {line.period_id: (line.authorised_pence, line.pending_pence) for line in lines}
    shown = {b.period_id: (b.authorised_pence, b.pending_pence) for b in page.budgets if b.period_id in expected}
    assert shown == expected
    assert any(b.pending_pence > 0 for b in page.budgets)
    assert all(b.pending_pence == 0 for b in page.budgets if b.period_id not in expected)


def test_budget_tab_has_a_pending_column(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path, "alex.morgan")
    try:
        panel = window.panels["organisations"]
        panel.open_page(org_id(demo_db))
        dialog = panel.open_pages[org_id(demo_db)]
        qtbot.waitUntil(lambda: dialog.page is not None, timeout=10_000)
        model = dialog.budget_model
        titles = [model.headerData(n, Qt.Orientation.Horizontal) for n in range(model.columnCount())]
        assert titles == ["Period", "Budget", "Authorised", "Pending", "Remaining"]
        n = next(n for n in range(model.rowCount()) if model.row_at(n).pending_pence > 0)
        assert model.index(n, 3).data() == money(model.row_at(n).pending_pence)
        dialog.close()
    finally:
        close_window(window)


def test_budget_model_with_pending_passes_the_model_tester(qapp, check_model) -> None:
    """Rows by hand: a period with a budget and pending costs, one with no budget set, one with nothing spent."""
    model = BudgetTableModel()
    model.set_rows(
        [
            BudgetRow(1, "2025/26", 2_000_000, 3, 1_250_000, pending_pence=400_000),
            BudgetRow(2, "2024/25", None, None, 90_000),
            BudgetRow(3, "2026/27", 500_000, 1, 0),
        ]
    )
    check_model(model)
    assert model.index(0, 3).data() == money(400_000) and model.rowCount() == 3
