""" "Tick all N matching" gets its sign-off figures worked out at once, alongside the ticking.

The budget and cover figures of 200,000 rows take the database a moment (C7). Started
when "Tick all" is pressed, the impact and then the refusals, on one read lane while the
other reads which rows are ticked (the versions wait for both: ticking.py), they are
usually there by the time the sign-off dialog opens, which then shows them straight away
instead of adding up again.  They are of the rows matching the filter
up to the highest id the user may decide, read with them: they stand for the ticks only
while the ticking read the same highest id, nothing has been unticked or ticked by hand
since, and no change has been made in the program meanwhile (the panel drops them on
any); older than ``FRESH_SECONDS``, the dialog works its own out as before.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from db.errors import TrustDeskError
from db.queries.activities import ActivityFilter
from db.queries.budget_context import AuthorisationImpact
from db.queries.refusals import RefusedBelow
from db.queries.ticked_matching import MatchingTicks, matching_figures_now, matching_refused_now
from desktop.kit.context import AppContext

#: how long figures worked out when ticking stand in for the dialog's own
FRESH_SECONDS = 60.0
UNREAD = -1


class TickFigures(QObject):
    """The impact and refusals of ticking all rows matching one filter; ``changed`` as each arrives."""

    changed = Signal()
    completed = Signal()  # once both are in (or failed): "tick all" then reads its versions (ticking.py)

    def __init__(self, context: AppContext, filt: ActivityFilter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.filter = filt
        self.started = time.monotonic()
        self.impact: AuthorisationImpact | None = None
        self.impact_error: TrustDeskError | None = None
        self.refused: RefusedBelow | None = None
        #: the highest id each figure was worked out to (0: no rows; ``UNREAD`` until it arrives)
        self.impact_ceiling = UNREAD
        self.refused_ceiling = UNREAD
        self._refused_failed = False
        self._context = context
        db, user_id = context.db, context.user.id
        context.ops.query(lambda: matching_figures_now(db, user_id, filt), self._impact_loaded, self._impact_failed)

    def _read_refusals(self) -> None:
        """After the impact, not beside it: the ticking's own read already takes the other lane, and a
        third busy thread on a two-core laptop kept the window from painting for 80-130 ms."""
        db, user_id, filt = self._context.db, self._context.user.id, self.filter
        self._context.ops.query(
            lambda: matching_refused_now(db, user_id, filt), self._refused_loaded, self._refusals_failed
        )

    @property
    def complete(self) -> bool:
        impact = self.impact_ceiling != UNREAD or self.impact_error is not None
        return impact and (self.refused_ceiling != UNREAD or self._refused_failed)

    def fresh(self) -> bool:
        return time.monotonic() - self.started < FRESH_SECONDS

    def of(self, selection: object) -> bool:
        """True while ``selection`` is exactly "all matching this filter" as the figures were read (as far
        as known yet: a figure still to come is checked again when it arrives)."""
        if not isinstance(selection, MatchingTicks) or selection.filter != self.filter:
            return False
        if selection.minus or selection.extra:
            return False
        ceilings = {c for c in (self.impact_ceiling, self.refused_ceiling) if c != UNREAD}
        return all(c == (selection.ceiling or 0) for c in ceilings)

    def impact_for(self, selection: object) -> AuthorisationImpact | None:
        return self.impact if self.impact_ceiling != UNREAD and self.of(selection) else None

    def refused_for(self, selection: object) -> RefusedBelow | None:
        return self.refused if self.refused_ceiling != UNREAD and self.of(selection) else None

    def _impact_loaded(self, found: tuple[int | None, AuthorisationImpact]) -> None:
        self.impact_ceiling, self.impact = found[0] or 0, found[1]
        self._read_refusals()
        self._arrived()

    def _impact_failed(self, error: TrustDeskError) -> None:
        self.impact_error = error
        self._read_refusals()
        self._arrived()

    def _refused_loaded(self, found: tuple[int | None, RefusedBelow]) -> None:
        self.refused_ceiling, self.refused = found[0] or 0, found[1]
        self._arrived()

    def _refusals_failed(self, _error: TrustDeskError) -> None:
        self._refused_failed = True  # the dialog works its own out
        self._arrived()

    def _arrived(self) -> None:
        self.changed.emit()
        if self.complete:
            self.completed.emit()
