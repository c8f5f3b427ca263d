"""The panel's partnership sign-off flow (C3, C4): the ticked rows (or the row menu's one row) into
the sign-off dialog, its result into the non-modal undo bar, and the bar's Details… into the
result dialog.  Kept out of panel.py, which only holds the table, its filters and ticks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from db.models import PartnershipState
from db.services.signoff import SignOffResult
from desktop.modules.partnership_cpd.sign_off_dialog import SignOffDialog

if TYPE_CHECKING:
    from desktop.modules.partnership_cpd.panel import PartnershipCpdPanel


def sign_off_rows(panel: PartnershipCpdPanel, decision: PartnershipState, rows: Mapping[int, int] | None) -> None:
    """Decide the ticked rows, or only ``rows`` (id → version)."""
    # After "tick all" the selection is the filter less the rows unticked since: nothing is copied here.
    ticked = panel.model.selection() if rows is None else dict(rows)
    count = panel.model.ticked_count if rows is None else len(rows)
    if not panel.can_decide or not count:
        panel.context.navigator.tell("Tick the activities to decide first.")
        return
    figures = panel.tick_figures if rows is None else None
    dialog = SignOffDialog(panel.context, ticked, decision, panel, figures=figures)
    if dialog.reading:  # opened in the moment after "tick all": the versions follow
        panel.model.all_versions_read.connect(dialog.take_versions)
    dialog.signed_off.connect(lambda result: _signed_off(panel, result, clear_ticks=rows is None))
    dialog.left_out.connect(panel.model.untick)
    dialog.open()


def _signed_off(panel: PartnershipCpdPanel, result: SignOffResult, *, clear_ticks: bool) -> None:
    """Report in the non-modal undo bar: nothing for Enter to press by mistake."""
    if clear_ticks:
        panel.model.clear_ticks()
    panel.undo_bar.show_result(result)


def open_sign_off_result(panel: PartnershipCpdPanel, result: SignOffResult | None) -> None:
    """Every row the decision left alone (the undo bar keeps the Undo)."""
    # imported here, not with the flow: it brings printing (Qt's PDF writer), 25 ms the first Authorise…
    # would otherwise spend before its dialog could paint
    from desktop.modules.partnership_cpd.sign_off_result_dialog import SignOffResultDialog

    if result is not None:
        SignOffResultDialog(panel.context, result, panel, undo_offered=False).open()
