"""Folding the running totals back into one row per key (PostgreSQL; migrations 0015–0017).

On PostgreSQL every statement that writes activities adds rows of its own changes to
``activity_totals`` rather than updating shared rows (two bulk sign-offs would otherwise wait for
each other, and deadlock).  The sums stay right however many rows there are; folding only keeps
the dashboard's read short.  ``activity_totals_fold(period)`` does it in one statement, as the
tables' owner, and skips a period another program is folding at that moment; rows that writers
add meanwhile are left for the next fold, so nothing is counted twice or lost.  On SQLite each key
has one row already and there is nothing to do.

The search's totals per title and provider (``activity_text_totals``, 0017) are kept the same way and
folded with them, by ``activity_text_totals_fold(period)``.

Called by the dashboard after a refresh that summed many surplus rows, and by every running
program's background step (desktop/modules/notifications/drainer.py).
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from db.engine import Database
from db.models import ActivityTextTotal, ActivityTotal

log = logging.getLogger(__name__)

#: rows beyond one per key that a period may gather before it is worth folding
SURPLUS_TO_FOLD = 500


def fold_period(db: Database, period_id: int) -> int:
    """Fold one period's rows of both totals into one per key; returns how many rows were folded (0 on SQLite)."""
    if db.target.is_sqlite:
        return 0
    with db.transaction() as session:
        folded = session.scalar(
            text("SELECT activity_totals_fold(:period) + activity_text_totals_fold(:period)"), {"period": period_id}
        )
        return int(folded or 0)


def fold_where_due(db: Database) -> int:
    """Fold every period with more than ``SURPLUS_TO_FOLD`` surplus rows; returns the rows folded."""
    if db.target.is_sqlite:
        return 0
    try:
        return _fold_where_due(db)
    except SQLAlchemyError as exc:  # background tidying: the sums are right regardless, so try again later
        log.warning("Folding the dashboard's totals failed: %s", exc)
        return 0


def _fold_where_due(db: Database) -> int:
    t, x = ActivityTotal, ActivityTextTotal
    states = (t.partnership_state, t.line_manager_state, t.cpd_team_state)
    text_states = (x.partnership_state, x.line_manager_state, x.cpd_team_state)
    due: set[int] = set()
    with db.read() as session:
        for period, key in (
            (t.period_id, (t.period_id, t.organisation_id, t.month, *states)),
            (x.period_id, (x.period_id, x.organisation_id, x.text_id, *text_states)),
        ):
            per_key = select(period.label("period_id"), func.count().label("rows")).group_by(*key).subquery()
            due.update(
                session.scalars(
                    select(per_key.c.period_id)
                    .group_by(per_key.c.period_id)
                    .having(func.sum(per_key.c.rows) - func.count() > SURPLUS_TO_FOLD)
                )
            )
    return sum(fold_period(db, period_id) for period_id in sorted(due))
