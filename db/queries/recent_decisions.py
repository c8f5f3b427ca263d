"""The newest partnership decision batches, for "Recent decisions" (C4): the user's own, or everyone's
for the primary user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from db.engine import Database
from db.models import AppUser, DecisionBatch, PartnershipState
from db.scope import scope_for


@dataclass(frozen=True, slots=True)
class DecisionBatchRow:
    id: int
    decided_at: datetime
    decided_by: str
    decision: PartnershipState
    reason: str
    activity_count: int
    source: str
    reverted_at: datetime | None


def recent_batches(db: Database, user_id: int, limit: int = 30) -> list[DecisionBatchRow]:
    """The newest decision batches: the user's own, or everyone's for the primary user."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        query = (
            select(
                DecisionBatch.id,
                DecisionBatch.decided_at,
                AppUser.display_name,
                DecisionBatch.decision,
                DecisionBatch.reason,
                DecisionBatch.activity_count,
                DecisionBatch.source,
                DecisionBatch.reverted_at,
            )
            .join(AppUser, AppUser.id == DecisionBatch.user_id)
            .order_by(DecisionBatch.decided_at.desc(), DecisionBatch.id.desc())
            .limit(limit)
        )
        if not scope.is_primary:
            query = query.where(DecisionBatch.user_id == user_id)
        return [DecisionBatchRow(*row) for row in session.execute(query)]
