"""What a training event was worth (T1): its evaluations summarised, cost per attendee, spend against budget.

The event's activities are its places: those linked to it (``training_event_id``)
that were not withdrawn or rejected.  The spend is the cost per place times those
places, whoever pays (C7 decides only whose budget carries it: the trust's central
budget, or each school's through the activity's course fee).  Cost per attendee
divides that spend by the people recorded as attended or completed, so
no-shows raise it.  Figures count every activity; the comments in words are
shown only for activities the user may see (D6).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from db.engine import Database
from db.models import (
    ActivityEvaluation,
    CompletionState,
    CpdActivity,
    EventPayer,
    Module,
    Organisation,
    PartnershipState,
)
from db.queries.training_bookings import EventHeader, event_header
from db.scope import scope_for

GONE = (PartnershipState.WITHDRAWN, PartnershipState.REJECTED)
ATTENDED = (CompletionState.ATTENDED, CompletionState.COMPLETED)
MAX_COMMENTS = 200


@dataclass(frozen=True, slots=True)
class ImpactComment:
    organisation: str
    rating: int | None
    hours: float | None
    impact: str
    practice_change: str


@dataclass(frozen=True, slots=True)
class ImpactSummary:
    event: EventHeader
    places_taken: int
    attendees: int
    evaluated: int
    average_rating: float | None
    total_hours: float
    spend_pence: int
    comments: tuple[ImpactComment, ...]

    @property
    def cost_per_attendee_pence(self) -> int | None:
        return None if not self.attendees else round(self.spend_pence / self.attendees)

    @property
    def remaining_pence(self) -> int | None:
        budget = self.event.budget_pence
        return None if budget is None else budget - self.spend_pence

    @property
    def paid_by(self) -> str:
        return "the trust's central budget" if self.event.payer is EventPayer.CENTRAL else "each school's budget"


def impact_summary(db: Database, user_id: int, event_id: int) -> ImpactSummary:
    with db.read() as session:
        scope = scope_for(session, user_id)
        event = event_header(session, scope, event_id)
        a, e = CpdActivity, ActivityEvaluation
        of_event = (a.training_event_id == event_id, a.partnership_state.not_in(GONE))
        places, attendees = session.execute(
            select(func.count(), func.coalesce(func.sum(case((a.completion_state.in_(ATTENDED), 1), else_=0)), 0))
            .select_from(a)
            .where(*of_event)
        ).one()
        evaluated, average, hours = session.execute(
            select(func.count(), func.avg(e.rating), func.coalesce(func.sum(e.hours), 0))
            .select_from(e)
            .join(a, a.id == ActivityEvaluation.activity_id)
            .where(*of_event)
        ).one()
        in_reach = scope.rows_in_reach(Module.PARTNERSHIP_CPD, a.organisation_id, a.job_id)
        comments = tuple(
            ImpactComment(org, rating, hours_, impact, change)
            for org, rating, hours_, impact, change in session.execute(
                select(
                    Organisation.name,
                    ActivityEvaluation.rating,
                    ActivityEvaluation.hours,
                    ActivityEvaluation.impact,
                    ActivityEvaluation.practice_change,
                )
                .join(a, a.id == ActivityEvaluation.activity_id)
                .join(Organisation, Organisation.id == a.organisation_id)
                .where(*of_event, in_reach, (e.impact != "") | (e.practice_change != ""))
                .order_by(ActivityEvaluation.recorded_at.desc(), a.id)
                .limit(MAX_COMMENTS)
            )
        )
        return ImpactSummary(
            event=event,
            places_taken=int(places),
            attendees=int(attendees),
            evaluated=int(evaluated),
            average_rating=None if average is None else round(float(average), 2),
            total_hours=round(float(hours or 0), 2),
            spend_pence=event.cost_pence * int(places),
            comments=comments,
        )
