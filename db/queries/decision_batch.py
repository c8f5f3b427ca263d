"""One sign-off batch as finance wants it on paper: who decided what, when, why, and each activity's cost.

Only the activities the reader may see in Partnership CPD are listed (D6); the totals are of
those. Rows are capped by the caller; the count says how many there are in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select

from db.engine import Database
from db.errors import NotFound
from db.models import AppUser, CpdActivity, DecisionBatch, Job, Module, Organisation, PartnershipState, Person
from db.scope import scope_for


@dataclass(frozen=True, slots=True)
class BatchActivity:
    individual: str
    organisation: str
    title: str
    starts_on: date
    total_cost_pence: int
    partnership_state: PartnershipState


@dataclass(frozen=True, slots=True)
class BatchReport:
    batch_id: int
    decided_at: datetime  # UTC
    decided_by: str
    decision: PartnershipState
    reason: str
    count: int  # activities of the batch the reader may see
    total_cost_pence: int
    rows: tuple[BatchActivity, ...]


def batch_report(db: Database, user_id: int, batch_id: int, limit: int) -> BatchReport:
    with db.read() as session:
        found = session.execute(
            select(DecisionBatch, AppUser.display_name)
            .join(AppUser, AppUser.id == DecisionBatch.user_id)
            .where(DecisionBatch.id == batch_id)
        ).first()
        if found is None:
            raise NotFound("That sign-off no longer exists.")
        batch, by = found
        visible = sorted(scope_for(session, user_id).orgs(Module.PARTNERSHIP_CPD))
        where = (CpdActivity.decision_batch_id == batch_id, CpdActivity.organisation_id.in_(visible))
        count, total = session.execute(
            select(func.count(CpdActivity.id), func.coalesce(func.sum(CpdActivity.total_cost_pence), 0)).where(*where)
        ).one()
        rows = session.execute(
            select(
                (Person.first_name + " " + Person.last_name).label("individual"),
                Organisation.name,
                CpdActivity.title,
                CpdActivity.starts_on,
                CpdActivity.total_cost_pence,
                CpdActivity.partnership_state,
            )
            .join(Job, Job.id == CpdActivity.job_id)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == CpdActivity.organisation_id)
            .where(*where)
            .order_by(Organisation.name, Person.last_name, Person.first_name, CpdActivity.id)
            .limit(limit)
        ).all()
        return BatchReport(
            batch_id=batch.id,
            decided_at=batch.decided_at,
            decided_by=by,
            decision=batch.decision,
            reason=batch.reason,
            count=int(count),
            total_cost_pence=int(total),
            rows=tuple(BatchActivity(*row) for row in rows),
        )
