"""CPD activities and what they hang off: learning modules, flood-fill batches
and decision batches (C1-C5, F1-F6).  Training events are in ``db.models.training``."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Computed,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned, enum_column, utcnow
from db.models.enums import CompletionState, CpdTeamState, LineManagerState, PartnershipState


class LearningModule(Base):
    __tablename__ = "learning_modules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    provider: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")


class FloodFillBatch(Base):
    """F3/F6: one flood fill; immutable once created, so it carries no version."""

    __tablename__ = "flood_fill_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    run_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_users.id"), nullable=False)
    creator_job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    parameters: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    activity_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    pre_authorised: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)


class DecisionBatch(Base):
    """One partnership decision taken on one or many activities at once (C4).

    Kept so that a bulk decision made in error can be reverted as a whole.
    """

    __tablename__ = "decision_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decided_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_users.id"), nullable=False, index=True)
    decision: Mapped[PartnershipState] = mapped_column(enum_column(PartnershipState), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    activity_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    source: Mapped[str] = mapped_column(String(40), nullable=False, default="panel", server_default="panel")
    reverted_at: Mapped[datetime | None] = mapped_column()
    reverted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))


def _individual_sort_of_job(context: DefaultExecutionContext) -> str:
    """The safety net for an insert that does not give ``individual_sort``: one look-up per row.

    The services give it (a flood fill reads all its jobs' names at once); this keeps any other
    insert correct, only slower.
    """
    job_id = context.get_current_parameters().get("job_id")
    statement = sql_text("SELECT p.last_name FROM jobs j JOIN people p ON p.id = j.person_id WHERE j.id = :job")
    return str(context.connection.scalar(statement, {"job": job_id}) or "")


def _organisation_sort_of_row(context: DefaultExecutionContext) -> str:
    """The safety net for an insert that does not give ``organisation_sort``: one look-up per row."""
    organisation_id = context.get_current_parameters().get("organisation_id")
    statement = sql_text("SELECT name FROM organisations WHERE id = :org")
    return str(context.connection.scalar(statement, {"org": organisation_id}) or "")


class CpdActivity(Versioned, Base):
    """One CPD activity requested for (or pushed onto) one job (C1).

    ``organisation_id`` repeats the job's organisation: a job never changes
    organisation, and having it on the row lets the trust-wide filters use one
    composite index instead of a join over a million rows.  Money is held in
    whole pence.
    """

    __tablename__ = "cpd_activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    #: the individual's last name, as the Individual column sorts: kept here (like ``organisation_id``) so
    #: an index gives that order; set by whoever inserts, refreshed when a person's last name changes
    #: (db.services.sort_keys), and looked up per row by the default when an insert leaves it out
    individual_sort: Mapped[str] = mapped_column(
        String(80), nullable=False, default=_individual_sort_of_job, server_default=""
    )
    #: the organisation's name, as the Organisation column shows and sorts it: kept here for the same
    #: reason; set by whoever inserts, refreshed when an organisation is renamed (db.services.sort_keys)
    organisation_sort: Mapped[str] = mapped_column(
        String(200), nullable=False, default=_organisation_sort_of_row, server_default=""
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    activity_type: Mapped[str] = mapped_column(String(60), nullable=False)
    provider: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    period_id: Mapped[int] = mapped_column(ForeignKey("academic_periods.id"), nullable=False)
    course_fee_pence: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    cover_cost_pence: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    travel_cost_pence: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    other_cost_pence: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    total_cost_pence: Mapped[int] = mapped_column(
        Integer,
        Computed("course_fee_pence + cover_cost_pence + travel_cost_pence + other_cost_pence", persisted=True),
    )
    cover_days: Mapped[float] = mapped_column(Float, nullable=False, default=0.0, server_default="0")
    training_event_id: Mapped[int | None] = mapped_column(ForeignKey("training_events.id"))
    learning_module_id: Mapped[int | None] = mapped_column(ForeignKey("learning_modules.id"))
    created_by_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    flood_fill_batch_id: Mapped[int | None] = mapped_column(ForeignKey("flood_fill_batches.id"))
    evaluation: Mapped[str | None] = mapped_column(Text)
    # the evaluation's hours and rating, kept on the activity by db.services.evaluations (migration 0018):
    # what the CPD was worth is then summed from one index, not from a join to every evaluation.
    # Hours are set (0 when none was given) exactly when the activity has an evaluation.
    evaluation_hours: Mapped[float | None] = mapped_column(Float)
    evaluation_rating: Mapped[int | None] = mapped_column(Integer)
    # whose hours they are: the job's person, kept beside them (migration 0023) so that the hours per
    # person are added up from an index in person order without joining every job; set with the hours,
    # moved when two records of one person are linked (db.services.job_lifecycle)
    evaluation_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # C1: who typed the request in on the individual's behalf, and the justification a CPD lead weighs.
    entered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))
    intended_outcome: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    impact_measure: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    sharing_plan: Mapped[str] = mapped_column(Text, nullable=False, server_default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    withdrawn_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))

    line_manager_state: Mapped[LineManagerState] = mapped_column(
        enum_column(LineManagerState), nullable=False, default=LineManagerState.PENDING
    )
    line_manager_decided_at: Mapped[datetime | None] = mapped_column()
    line_manager_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    line_manager_reason: Mapped[str | None] = mapped_column(Text)
    # the user who recorded it: the line manager themselves, or a CPD decider on their behalf
    line_manager_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))

    cpd_team_state: Mapped[CpdTeamState] = mapped_column(
        enum_column(CpdTeamState), nullable=False, default=CpdTeamState.PENDING
    )
    cpd_team_decided_at: Mapped[datetime | None] = mapped_column()
    cpd_team_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))
    cpd_team_reason: Mapped[str | None] = mapped_column(Text)

    partnership_state: Mapped[PartnershipState] = mapped_column(
        enum_column(PartnershipState), nullable=False, default=PartnershipState.PENDING
    )
    partnership_decided_at: Mapped[datetime | None] = mapped_column()
    partnership_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))
    partnership_reason: Mapped[str | None] = mapped_column(Text)
    decision_batch_id: Mapped[int | None] = mapped_column(ForeignKey("decision_batches.id"))
    # C7: the organisation charged, fixed at the moment of authorisation.
    charged_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))

    completion_state: Mapped[CompletionState] = mapped_column(
        enum_column(CompletionState), nullable=False, default=CompletionState.NOT_COMPLETED
    )
    completed_on: Mapped[date | None] = mapped_column(Date)


class ActivitySession(Base):
    """A further session date of a request that meets more than once (the first is ``starts_on``)."""

    __tablename__ = "activity_sessions"

    activity_id: Mapped[int] = mapped_column(ForeignKey("cpd_activities.id", ondelete="CASCADE"), primary_key=True)
    on_date: Mapped[date] = mapped_column(Date, primary_key=True)


class ActivityComment(Base):
    """One comment in an activity's thread: internal to the people who may see it at comment level."""

    __tablename__ = "activity_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("cpd_activities.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_users.id"), nullable=False)
    at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    text: Mapped[str] = mapped_column(Text, nullable=False)


class ActivityEvaluation(Versioned, Base):
    """What an activity was worth, recorded after it: hours, a rating from 1 to 5, impact and change."""

    __tablename__ = "activity_evaluations"

    activity_id: Mapped[int] = mapped_column(ForeignKey("cpd_activities.id", ondelete="CASCADE"), primary_key=True)
    hours: Mapped[float | None] = mapped_column(Float)
    rating: Mapped[int | None] = mapped_column(Integer)
    impact: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    practice_change: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    recorded_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_users.id"), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)


Index("ix_activity_comments_activity_at", ActivityComment.activity_id, ActivityComment.at)


# Indexes for the C6 filters: the common shapes are "one period, one state,
# optionally one organisation, newest first" and "everything for one job".
Index(
    "ix_cpd_activities_period_state_org_start",
    CpdActivity.period_id,
    CpdActivity.partnership_state,
    CpdActivity.organisation_id,
    CpdActivity.starts_on,
)
Index("ix_cpd_activities_org_period_start", CpdActivity.organisation_id, CpdActivity.period_id, CpdActivity.starts_on)
# the id rides along (migration 0021): PostgreSQL reads "newest first" in (start, id) order from it, instead of
# joining and sorting every row that shares the first start date (2,700 a day at five million activities)
Index("ix_cpd_activities_period_start", CpdActivity.period_id, CpdActivity.starts_on, CpdActivity.id)
Index("ix_cpd_activities_job_start", CpdActivity.job_id, CpdActivity.starts_on)
Index("ix_cpd_activities_training_event_id", CpdActivity.training_event_id)
Index("ix_cpd_activities_flood_fill_batch_id", CpdActivity.flood_fill_batch_id)
Index("ix_cpd_activities_decision_batch_id", CpdActivity.decision_batch_id)
# Sorting by a decision layer (migration 0004): the first page is read in index order, not sorted.
Index("ix_cpd_activities_line_manager_state_id", CpdActivity.line_manager_state, CpdActivity.id)
Index("ix_cpd_activities_cpd_team_state_id", CpdActivity.cpd_team_state, CpdActivity.id)
Index("ix_cpd_activities_partnership_state_id", CpdActivity.partnership_state, CpdActivity.id)
# A queue tab (one period, one partnership state) newest first, read in order (migration 0012).
Index(
    "ix_cpd_activities_period_state_start_id",
    CpdActivity.period_id,
    CpdActivity.partnership_state,
    CpdActivity.starts_on,
    CpdActivity.id,
)
#: the evaluated activities of a period, for what the CPD was worth (db.queries.evaluation_figures): the
#: dashboard sums that period's evaluations from this index alone, grouped by organisation, provider and
#: type, or by individual through their job (migration 0018; 0015's (period, organisation, id) before)
Index(
    "ix_cpd_activities_period_evaluations",
    CpdActivity.period_id,
    CpdActivity.organisation_id,
    CpdActivity.provider,
    CpdActivity.activity_type,
    CpdActivity.job_id,
    CpdActivity.evaluation_hours,
    CpdActivity.evaluation_rating,
    sqlite_where=CpdActivity.evaluation_hours.is_not(None),  # on PostgreSQL too (base.partial_on_postgresql)
)
#: the same evaluated activities in order of whose hours they are: the hours per person are added up
#: as the index is read, a person at a time, without a join to the jobs or a sort of every evaluation
#: (migration 0023); the organisation and job ride along for the user's reach
Index(
    "ix_cpd_activities_period_evaluation_people",
    CpdActivity.period_id,
    CpdActivity.evaluation_person_id,
    CpdActivity.organisation_id,
    CpdActivity.job_id,
    CpdActivity.evaluation_hours,
    sqlite_where=CpdActivity.evaluation_hours.is_not(None),
)
#: one index per other sort of the Partnership CPD table, (period, column, id): a period's first page is
#: read in order, and all periods' is merged from theirs (migration 0012; db.queries.activities).  The
#: partnership state and organisation ride along, so a queue tab and the user's reach are checked in the
#: index, and only the rows shown are read from the table.
SORT_INDEXES: dict[str, str] = {
    # a decision layer within a period (0004's indexes above read the ids across periods, and the ids
    # follow the periods: one period's rows came after every later period's)
    "ix_cpd_activities_period_line_manager_id": "line_manager_state",
    "ix_cpd_activities_period_cpd_team_id": "cpd_team_state",
    "ix_cpd_activities_period_partnership_id": "partnership_state",
    "ix_cpd_activities_period_end_id": "ends_on",  # from migration 0004, widened in 0012
    "ix_cpd_activities_period_created_id": "created_at",
    "ix_cpd_activities_period_title_id": "title",
    "ix_cpd_activities_period_cost_id": "total_cost_pence",
    "ix_cpd_activities_period_individual_id": "individual_sort",
    "ix_cpd_activities_period_organisation_id": "organisation_sort",  # migration 0013
    "ix_cpd_activities_period_type_id": "activity_type",
    "ix_cpd_activities_period_cover_days_id": "cover_days",
    "ix_cpd_activities_period_course_fee_id": "course_fee_pence",
    "ix_cpd_activities_period_cover_cost_id": "cover_cost_pence",
    "ix_cpd_activities_period_travel_id": "travel_cost_pence",
    "ix_cpd_activities_period_other_id": "other_cost_pence",
}
#: orders that follow the start date, so that "pending and started" (db.queries.activity_filter) walks
#: past every row not started yet to reach its page: the start date rides along too, and each row is
#: checked in the index, not in the table (migration 0019: 0.8 s -> 0.1 s at five million activities)
STARTED_ORDERS = frozenset({"ends_on", "created_at"})
for _name, _column in SORT_INDEXES.items():
    _carried = [CpdActivity.partnership_state, CpdActivity.organisation_id]
    if _column == "partnership_state":
        _carried = [CpdActivity.organisation_id]
    if _column in STARTED_ORDERS:
        _carried.append(CpdActivity.starts_on)
    Index(_name, CpdActivity.period_id, CpdActivity.__table__.c[_column], CpdActivity.id, *_carried)


#: everything "tick all" and the sign-off dialog add up for a period's matching rows, answered from the
#: index alone (migration 0014; db.queries.ticked_matching): the four costs rather than their generated
#: total, which SQLite reads from the table; the id, which PostgreSQL's indexes do not end with (0022)
Index(
    "ix_cpd_activities_period_org_decide",
    CpdActivity.period_id,
    CpdActivity.organisation_id,
    CpdActivity.job_id,
    CpdActivity.partnership_state,
    CpdActivity.cover_days,
    CpdActivity.course_fee_pence,
    CpdActivity.cover_cost_pence,
    CpdActivity.travel_cost_pence,
    CpdActivity.other_cost_pence,
    CpdActivity.line_manager_state,
    CpdActivity.cpd_team_state,
    CpdActivity.version,
    CpdActivity.id,
)
