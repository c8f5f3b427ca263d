"""One activity in full (C1-C3, C7, A2): its layers with who/when/why, its audit
history and the budget and cover context a CPD lead needs before deciding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from db.engine import Database
from db.errors import NotFound
from db.models import AppUser, AuditEntry, CpdActivity, Job, Level, Module, Person
from db.queries.activities import ActivityRow, _row_select
from db.queries.budget_context import BudgetContext, CoverContext, budget_contexts, cover_contexts
from db.scope import own_person_id, scope_for


@dataclass(frozen=True, slots=True)
class AuditLine:
    at: datetime
    who: str
    action: str
    before: dict | None
    after: dict | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class ActivityDetail:
    row: ActivityRow
    evaluation: str | None
    line_manager: str | None
    line_manager_at: datetime | None
    cpd_team_user: str | None
    cpd_team_at: datetime | None
    partnership_user: str | None
    partnership_at: datetime | None
    partnership_reason: str | None
    decision_batch_id: int | None
    completed_on: date | None
    audit: tuple[AuditLine, ...]
    budget: BudgetContext
    cover: CoverContext
    can_decide: bool
    is_own: bool


_lm_job = aliased(Job)
_lm_person = aliased(Person)
_team_user = aliased(AppUser)
_partnership_user = aliased(AppUser)


def load_activity_detail(db: Database, user_id: int, activity_id: int) -> ActivityDetail:
    with db.read() as session:
        scope = scope_for(session, user_id)
        found = session.execute(_row_select().where(CpdActivity.id == activity_id)).first()
        if found is None or not scope.reaches_job(Module.PARTNERSHIP_CPD, found.organisation_id, found.job_id):
            raise NotFound("That activity no longer exists, or you may not see it.")
        row = ActivityRow(*found)
        extra = session.execute(
            select(
                CpdActivity.evaluation,
                _lm_person.first_name + " " + _lm_person.last_name,
                CpdActivity.line_manager_decided_at,
                _team_user.display_name,
                CpdActivity.cpd_team_decided_at,
                _partnership_user.display_name,
                CpdActivity.partnership_decided_at,
                CpdActivity.partnership_reason,
                CpdActivity.decision_batch_id,
                CpdActivity.completed_on,
                CpdActivity.period_id,
            )
            .outerjoin(_lm_job, _lm_job.id == CpdActivity.line_manager_job_id)
            .outerjoin(_lm_person, _lm_person.id == _lm_job.person_id)
            .outerjoin(_team_user, _team_user.id == CpdActivity.cpd_team_user_id)
            .outerjoin(_partnership_user, _partnership_user.id == CpdActivity.partnership_user_id)
            .where(CpdActivity.id == activity_id)
        ).one()
        audit = tuple(
            AuditLine(at, who or "", action, before, after, reason)
            for at, who, action, before, after, reason in session.execute(
                select(
                    AuditEntry.at,
                    AppUser.display_name,
                    AuditEntry.action,
                    AuditEntry.before,
                    AuditEntry.after,
                    AuditEntry.reason,
                )
                .outerjoin(AppUser, AppUser.id == AuditEntry.user_id)
                .where(and_(AuditEntry.entity == "cpd_activity", AuditEntry.entity_id == activity_id))
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            )
        )
        period_id = extra[10]
        budget = budget_contexts(session, [(row.organisation_id, period_id)])[(row.organisation_id, period_id)]
        cover = cover_contexts(session, [(row.job_id, period_id)])[(row.job_id, period_id)]
        own_person = own_person_id(session, scope)
        return ActivityDetail(
            row=row,
            evaluation=extra[0],
            line_manager=extra[1],
            line_manager_at=extra[2],
            cpd_team_user=extra[3],
            cpd_team_at=extra[4],
            partnership_user=extra[5],
            partnership_at=extra[6],
            partnership_reason=extra[7],
            decision_batch_id=extra[8],
            completed_on=extra[9],
            audit=audit,
            budget=budget,
            cover=cover,
            can_decide=scope.reaches_job(Module.PARTNERSHIP_CPD, row.organisation_id, row.job_id, Level.DECIDE),
            is_own=own_person is not None and own_person == row.person_id,
        )
