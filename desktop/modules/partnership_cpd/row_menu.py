"""The Partnership CPD row's context menu (right-click, the Menu key or Shift+F10).

Authorise and Reject act on that one row (not on the ticked ones) through the
same sign-off dialog as a bulk decision (and Line manager… / CPD team… through
the same answer dialog as the ticked rows' buttons), so budget warnings and reason rules
are the same; they are disabled, with the reason as tooltip, on a row the user
may not decide or that is already decided.  "Copy row" puts the row's visible
cells on the clipboard tab-separated, in the columns' on-screen order (without
the checkbox column), ready to paste into a spreadsheet.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QTableView, QWidget

from db.models import PartnershipState
from db.queries.activities import ActivityFilter, ActivityRow
from db.services.layer_decisions import Layer
from db.services.signoff import UNDECIDED
from desktop.modules.partnership_cpd.activity_table_model import COL_CHECK
from desktop.modules.partnership_cpd.follow_up_actions import add_row_entries

if TYPE_CHECKING:
    from desktop.modules.partnership_cpd.panel import PartnershipCpdPanel

MENU_KEYS = "Menu, Shift+F10"


def row_text(table: QTableView, row: int) -> str:
    """The row's visible cells, tab-separated, left to right as shown (the checkbox column has no text)."""
    model, header = table.model(), table.horizontalHeader()
    cells = []
    for visual in range(header.count()):
        column = header.logicalIndex(visual)
        if table.isColumnHidden(column) or column == COL_CHECK:
            continue
        text = model.index(row, column).data()
        cells.append(str(text or "").replace("\t", " ").replace("\n", " "))
    return "\t".join(cells)


def why_not_decide(panel: PartnershipCpdPanel, row: int, activity: ActivityRow) -> str | None:
    if not panel.can_decide:
        return "You may view partnership CPD but not decide it."
    if (why := panel.model.why_not_decidable(row)) is not None:
        return f"Not yours to decide: {why}."
    if activity.partnership_state not in UNDECIDED:
        return "Already decided: undo the decision from Recent decisions to decide it again."
    return None


def build_row_menu(panel: PartnershipCpdPanel, row: int, parent: QWidget) -> QMenu:
    activity = panel.model.row_at(row)
    menu = QMenu(parent)
    menu.setToolTipsVisible(True)
    why = why_not_decide(panel, row, activity)
    one = {activity.id: activity.version}
    for text, decision in (("&Authorise…", PartnershipState.AUTHORISED), ("&Reject…", PartnershipState.REJECTED)):
        action = menu.addAction(text, lambda d=decision: panel.sign_off(d, one))  # type: ignore[misc]  # mypy: a defaulted lambda vs overloads
        action.setEnabled(why is None)
        action.setToolTip(why or f"{text.replace('&', '').rstrip('…')} this activity only (not the ticked ones)")
    menu.addSeparator()
    menu.addAction("&Details…", lambda: panel.open_details(row))
    for text, layer, whose in (
        ("&Line manager…", Layer.LINE_MANAGER, "the line manager's agreement"),
        ("CPD &team…", Layer.CPD_TEAM, "the CPD team's approval"),
    ):
        action = menu.addAction(text, lambda chosen=layer: panel.requests.decide(chosen, one))  # type: ignore[misc]  # mypy: a defaulted lambda vs overloads
        action.setEnabled(panel.can_decide and panel.model.why_not_decidable(row) is None)
        action.setToolTip(f"Record {whose} for this activity only (not the ticked ones)")
    menu.addAction(
        f"Open &organisation ({activity.organisation})",
        lambda: panel.context.navigator.go("organisation", activity.organisation_id),
    )
    menu.addAction(
        f"All requests of {activity.individual}",
        lambda: panel.show_filter(ActivityFilter(person_id=activity.person_id), activity.individual),
    )
    add_row_entries(panel, menu, row)  # Evaluation…, Mark attended, Mark completed… (follow_up_actions.py)
    menu.addSeparator()
    menu.addAction("&Copy row", lambda: QGuiApplication.clipboard().setText(row_text(panel.table, row)))
    return menu
