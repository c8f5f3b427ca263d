"""What the New request… and Edit request… dialogs need (C1): jobs to enter a request for, the
lists to choose from, and a request as it stands, for whoever may enter requests at comment level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.activity_types import ACTIVITY_TYPES
from db.engine import Database
from db.errors import NotFound
from db.models import (
    ActivitySession,
    AppUser,
    CpdActivity,
    CpdTeamState,
    Job,
    LearningModule,
    Level,
    LineManagerState,
    Module,
    Organisation,
    PartnershipState,
    Person,
    TrainingEvent,
)
from db.queries.activity_comments import CommentRow, comment_thread
from db.queries.lookups import Choice
from db.queries.text_search import any_contains
from db.scope import scope_for
from db.services.requests import COLUMNS, RequestDetails


@dataclass(frozen=True, slots=True)
class JobChoice:
    """One job offered in the "For" box: a person may hold several, one per organisation (P1)."""

    id: int  # the job's
    name: str
    role: str
    organisation: str

    @property
    def label(self) -> str:
        return f"{self.name} — {self.role}, {self.organisation}"


@dataclass(frozen=True, slots=True)
class RequestChoices:
    types: tuple[str, ...]
    training_events: tuple[Choice, ...]
    learning_modules: tuple[Choice, ...]
    #: whether the user may enter requests anywhere (the New request… action is offered)
    may_enter: bool


@dataclass(frozen=True, slots=True)
class EditableRequest:
    activity_id: int
    version: int
    job: JobChoice
    details: RequestDetails
    #: some layer has answered: only dates and costs may change now (C5)
    decided: bool
    withdrawn: bool


def search_jobs(db: Database, user_id: int, text: str, limit: int = 20) -> list[JobChoice]:
    """Active jobs whose person's name or e-mail contains ``text``, where the user may enter requests."""
    text = text.strip()
    if not text:
        return []
    full_name = Person.first_name + " " + Person.last_name
    with db.read() as session:
        scope = scope_for(session, user_id)
        rows = session.execute(
            select(Job.id, full_name, Job.role, Organisation.name)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .where(
                scope.rows_in_reach(Module.PARTNERSHIP_CPD, Job.organisation_id, Job.id, Level.COMMENT),
                Job.active.is_(True),
                any_contains(text, full_name, Person.email, Job.email),
            )
            .order_by(Person.last_name, Person.first_name, Organisation.name, Job.id)
            .limit(limit)
        ).all()
    return [JobChoice(*row) for row in rows]


def job_choice(db: Database, job_id: int) -> JobChoice | None:
    with db.read() as session:
        return _job_choice(session, job_id)


def _job_choice(session: Session, job_id: int) -> JobChoice | None:
    found = session.execute(
        select(Job.id, Person.first_name + " " + Person.last_name, Job.role, Organisation.name)
        .join(Person, Person.id == Job.person_id)
        .join(Organisation, Organisation.id == Job.organisation_id)
        .where(Job.id == job_id)
    ).first()
    return JobChoice(*found) if found else None


def request_choices(db: Database, user_id: int) -> RequestChoices:
    with db.read() as session:
        scope = scope_for(session, user_id)
        events = session.execute(
            select(TrainingEvent.id, TrainingEvent.title, TrainingEvent.starts_on).order_by(
                TrainingEvent.starts_on.desc()
            )
        ).all()
        modules = session.execute(select(LearningModule.id, LearningModule.title).order_by(LearningModule.title)).all()
        return RequestChoices(
            types=ACTIVITY_TYPES,
            training_events=tuple(Choice(i, f"{title} ({on:%d %b %Y})") for i, title, on in events),
            learning_modules=tuple(Choice(i, title) for i, title in modules),
            may_enter=scope.best_level(Module.PARTNERSHIP_CPD) >= Level.COMMENT,
        )


def editable_request(db: Database, user_id: int, activity_id: int) -> EditableRequest:
    """The request as it stands, for the edit dialog (the service checks again who may change it)."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        row = session.get(CpdActivity, activity_id)
        if row is None or not scope.reaches_job(Module.PARTNERSHIP_CPD, row.organisation_id, row.job_id):
            raise NotFound("That request no longer exists, or you may not see it.")
        sessions = tuple(
            session.scalars(
                select(ActivitySession.on_date)
                .where(ActivitySession.activity_id == activity_id)
                .order_by(ActivitySession.on_date)
            )
        )
        job = _job_choice(session, row.job_id)
        assert job is not None  # an activity's job is never deleted
        details = RequestDetails(**{name: getattr(row, name) for name in COLUMNS}, sessions=sessions)
        decided = (
            row.line_manager_state is not LineManagerState.PENDING
            or row.cpd_team_state is not CpdTeamState.PENDING
            or row.partnership_state is not PartnershipState.PENDING
        )
        return EditableRequest(
            activity_id, row.version, job, details, decided, row.partnership_state is PartnershipState.WITHDRAWN
        )


@dataclass(frozen=True, slots=True)
class RequestExtras:
    """What the activity's detail shows beside its layers: the justification, the comments, and
    which request actions this user has (the services check each again)."""

    activity_id: int
    version: int
    entered_by: str
    intended_outcome: str
    impact_measure: str
    sharing_plan: str
    sessions: tuple[date, ...]
    line_manager_reason: str
    cpd_team_reason: str
    comments: tuple[CommentRow, ...]
    can_comment: bool
    #: the user is the job's line manager (answers as themselves, not on anyone's behalf)
    is_line_manager: bool
    #: the user entered this request (may withdraw or edit it without deciding rights)
    entered_it: bool


def request_extras(db: Database, user_id: int, activity_id: int) -> RequestExtras:
    thread = comment_thread(db, user_id, activity_id)  # raises NotFound when out of sight
    with db.read() as session:
        row = session.get(CpdActivity, activity_id)
        if row is None:
            raise NotFound("That activity no longer exists.")
        own_job = session.scalar(select(AppUser.job_id).where(AppUser.id == user_id))
        manager = session.scalar(select(Job.line_manager_job_id).where(Job.id == row.job_id))
        entered_by = (
            session.scalar(select(AppUser.display_name).where(AppUser.id == row.entered_by_user_id))
            if row.entered_by_user_id is not None
            else None
        )
        sessions = tuple(
            session.scalars(
                select(ActivitySession.on_date)
                .where(ActivitySession.activity_id == activity_id)
                .order_by(ActivitySession.on_date)
            )
        )
        return RequestExtras(
            activity_id=activity_id,
            version=row.version,
            entered_by=entered_by or "",
            intended_outcome=row.intended_outcome,
            impact_measure=row.impact_measure,
            sharing_plan=row.sharing_plan,
            sessions=sessions,
            line_manager_reason=row.line_manager_reason or "",
            cpd_team_reason=row.cpd_team_reason or "",
            comments=thread.comments,
            can_comment=thread.can_comment,
            is_line_manager=own_job is not None and manager == own_job,
            entered_it=row.entered_by_user_id == user_id,
        )
