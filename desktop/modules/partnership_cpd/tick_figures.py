""" "Tick all N matching" gets its sign-off figures worked out at once, before Authorise… is pressed.

The budget and cover figures of 200,000 rows take the database a moment (C7). Started
when the rows are ticked, on the read lanes, they are usually there by the time the
sign-off dialog opens, which then shows them straight away instead of adding up again.
Figures older than ``FRESH_SECONDS``, or of a selection changed since (a row unticked),
are not used: the dialog works its own out as before.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from db.errors import TrustDeskError
from db.queries.budget_context import AuthorisationImpact
from db.queries.refusals import RefusedBelow
from db.queries.ticked_matching import MatchingTicks, matching_impact, matching_refused
from desktop.kit.context import AppContext

#: how long figures worked out when ticking stand in for the dialog's own
FRESH_SECONDS = 60.0


class TickFigures(QObject):
    """The impact and refusals of one "tick all" selection; ``changed`` as each arrives."""

    changed = Signal()

    def __init__(self, context: AppContext, selection: MatchingTicks, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.selection = selection
        self.started = time.monotonic()
        self.impact: AuthorisationImpact | None = None
        self.impact_error: TrustDeskError | None = None
        self.refused: RefusedBelow | None = None
        db, user_id = context.db, context.user.id
        context.ops.query(lambda: matching_impact(db, user_id, selection), self._impact_loaded, self._impact_failed)
        context.ops.query(lambda: matching_refused(db, user_id, selection), self._refused_loaded, lambda _error: None)

    def serves(self, selection: object) -> bool:
        """True when these figures are of ``selection`` and recent enough to show for it."""
        return time.monotonic() - self.started < FRESH_SECONDS and selection == self.selection

    def _impact_loaded(self, impact: AuthorisationImpact) -> None:
        self.impact = impact
        self.changed.emit()

    def _impact_failed(self, error: TrustDeskError) -> None:
        self.impact_error = error
        self.changed.emit()

    def _refused_loaded(self, refused: RefusedBelow) -> None:
        self.refused = refused
        self.changed.emit()
