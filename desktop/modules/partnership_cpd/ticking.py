"""The Partnership CPD panel's ticks (C4): who sees the tick boxes, what the tick buttons and label
say as the ticks change, and "Tick all N matching" — its N (only rows the user may decide), the
ticking of every matching row without loading them, and its sign-off figures read meanwhile
(``TickFigures``).

Kept out of panel.py, which builds the buttons and connects them here.  Functions taking the
panel: ``can_decide``, ``decidable_total``, ``tick_figures`` and the last "tick all" (``_all_match``)
stay on the panel, where the sign-off flow, the row menu and the tests read them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from db.errors import TrustDeskError
from db.queries.activities import ActivityFilter
from db.queries.decidability import DecidableMatch
from db.queries.ticked_matching import tick_all_head, ticked_versions
from desktop.modules.partnership_cpd.activity_table_model import COL_CHECK
from desktop.modules.partnership_cpd.tick_figures import TickFigures

if TYPE_CHECKING:
    from desktop.modules.partnership_cpd.panel import PartnershipCpdPanel

TICK_ALL_KEYS = "Ctrl+Shift+T"


def set_can_decide(panel: PartnershipCpdPanel, can_decide: bool) -> None:
    """Who may only view and comment sees no checkboxes and no decision buttons at all."""
    panel.can_decide = can_decide
    panel.model.set_checkable(can_decide)
    panel.table.setColumnHidden(COL_CHECK, not can_decide)
    panel.header.check_visible = can_decide
    for widget in (panel.tick_all_button, panel.untick_button, panel.ticked_label):
        widget.setVisible(can_decide)
    for widget in (panel.authorise_button, panel.reject_button):
        widget.setVisible(can_decide)
    panel.requests.sync(can_decide, panel.model.ticked_count)


def ticks_changed(panel: PartnershipCpdPanel) -> None:
    """The header's box, the ticked count and which buttons may be pressed, after any tick or load."""
    count = panel.model.ticked_count
    panel.header.set_state(panel.model.page_check_state())
    panel.ticked_label.setText(f"{count:,} ticked" if count else "Nothing ticked")
    panel.untick_button.setEnabled(count > 0)
    panel.authorise_button.setEnabled(count > 0)
    panel.reject_button.setEnabled(count > 0)
    panel.requests.sync(panel.can_decide, count)
    panel.tick_all_button.setEnabled(panel.model.total > 0)
    panel._all_match = panel.tick_banner.follow(
        panel.model, panel.ticked_label, panel.can_decide, panel.decidable_total, panel._all_match
    )


def decidable_counted(panel: PartnershipCpdPanel, generation: int, matching: int, decidable: int) -> None:
    """The N of "Tick all N matching" counts only rows the user may decide, and says how many it leaves out."""
    if generation != panel._generation:
        return
    panel.decidable_total = decidable
    panel.tick_all_button.setText(f"Tick all {decidable:,} matching")
    left_out = matching - decidable
    tip = f"Tick every activity matching the filters that you may decide, loaded or not ({TICK_ALL_KEYS})"
    if left_out:
        tip += f"; leaves out {left_out:,} you may not decide (hover over a row's dash for why)"
    panel.tick_all_button.setToolTip(tip)
    panel._ticks_changed()


def tick_all_matching(panel: PartnershipCpdPanel) -> None:
    """Tick every row matching the filter that the user may decide, loaded or not (id → version only).

    Two reads: the highest id ticked and the rows left out come first (a few milliseconds), and the
    rows are ticked then; their versions, a second at a million rows, follow (``versions_read``).  The
    sign-off dialog's figures start at once on the other lane (``TickFigures``): neither they nor the
    dialog wait for the versions; only the sign-off does."""
    if not panel.can_decide:
        return
    generation = panel._generation
    db, user_id, filt = panel.context.db, panel.context.user.id, panel.filter
    expected = panel.decidable_total if panel.decidable_total is not None else panel.model.total
    panel.ticked_label.setText(f"Ticking all {expected:,}…")
    panel.tick_all_button.setEnabled(False)
    panel.context.ops.query(
        lambda: tick_all_head(db, user_id, filt),
        lambda match: _head_read(panel, generation, match, filt, expected),
        lambda error: panel._failed(generation, error),
    )
    # the sign-off dialog's figures, on the other read lane meanwhile (``TickFigures``)
    panel._drop_tick_figures()
    panel.tick_figures = TickFigures(panel.context, filt, panel)


def _head_read(
    panel: PartnershipCpdPanel, generation: int, match: DecidableMatch, filt: ActivityFilter, expected: int
) -> None:
    """Tick the rows up to the highest id at once, and read their versions.  Another filter since drops
    them; the same filter read again (a change elsewhere) keeps ticks, so it keeps these too."""
    if panel.filter != filt:
        panel._ticks_changed()
        return
    panel._all_match = replace(match, expected=expected)
    panel.model.tick_all(None, filt, match.ceiling, expected)
    panel._ticks_changed()
    db, user_id, ceiling = panel.context.db, panel.context.user.id, match.ceiling
    started = False

    def read() -> None:
        nonlocal started
        if started:
            return
        started = True
        panel.context.ops.query(
            lambda: ticked_versions(db, user_id, filt, ceiling),
            lambda versions: versions_read(panel, replace(match, versions=versions), filt),
            lambda error: _versions_failed(panel, generation, error),
        )

    # After the dialog's figures, which the user waits for: read beside them, the versions (a million
    # rows turned into a mapping) took the cores and the interpreter from them, and they came half a
    # second later.  Figures dropped unfinished (a change meanwhile) let the versions go at once.
    figures = panel.tick_figures
    if figures is None or figures.complete:
        read()
    else:
        figures.completed.connect(read)
        figures.destroyed.connect(read)


def versions_read(panel: PartnershipCpdPanel, match: DecidableMatch, filt: ActivityFilter) -> None:
    """The ticked rows' versions: the ticks become exact (their count, rows gone from the filter since),
    and a sign-off dialog open on them may go ahead (the model's ``all_versions_read``).  The model takes
    them only while it still holds that "tick all" (same filter and highest id), whatever was read since:
    the list read again after a change elsewhere keeps its ticks."""
    if panel.model.versions_read(match.versions, filt, match.ceiling):
        panel._all_match = match
        panel._ticks_changed()


def _versions_failed(panel: PartnershipCpdPanel, generation: int, error: TrustDeskError) -> None:
    """Without the versions nothing can be signed off: the ticks go, and the window says why."""
    if panel.model.reading_ticks:
        panel.model.clear_ticks()
    panel._failed(generation, error)
