"""Training events (T1): the event, its sessions, who is told of it, who opted in, who is booked,
and the register of each session.

An event belongs to the organisation that runs it (the trust's central team for
partnership training, or a school for its own).  Publishing shows it to every
member organisation; the notify targets only narrow who is *told*, never who
may see it (T1).  A booking is one job on one event: booked, waiting (in the
order ``queued_at`` gives) or cancelled; a booked place carries the CPD activity
that goes through the layers and sign-off like any request.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, Time, text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned, enum_column, utcnow


class EventPayer(enum.StrEnum):
    """Who pays an event's cost per place: the central budget, or the attendee's school."""

    CENTRAL = "central"
    SCHOOL = "school"


class BookingState(enum.StrEnum):
    BOOKED = "booked"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class TrainingEvent(Versioned, Base):
    """A training event run by one organisation; published, it is visible to every member (T1).

    ``starts_on`` and ``ends_on`` are the first and last session's dates, kept by the services,
    so that lists and the activity filters need no join to the sessions.
    """

    __tablename__ = "training_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    places: Mapped[int | None] = mapped_column(Integer)  # None: no limit
    cost_pence: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")  # per place
    budget_pence: Mapped[int | None] = mapped_column(Integer)  # the event's own budget
    impact: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="0")
    # migration 0011
    description: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    provider: Mapped[str] = mapped_column(String(200), nullable=False, default="", server_default="")
    activity_type: Mapped[str] = mapped_column(String(60), nullable=False, default="", server_default="")
    learning_module_id: Mapped[int | None] = mapped_column(ForeignKey("learning_modules.id"))
    payer: Mapped[EventPayer] = mapped_column(
        enum_column(EventPayer), nullable=False, default=EventPayer.SCHOOL, server_default=EventPayer.SCHOOL.value
    )
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))
    created_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancelled_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))
    cancelled_reason: Mapped[str | None] = mapped_column(Text)


class TrainingEventSession(Base):
    """One meeting of an event: a day, optionally its times, and where (a room or an online link)."""

    __tablename__ = "training_event_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("training_events.id", ondelete="CASCADE"), nullable=False)
    on_date: Mapped[date] = mapped_column(Date, nullable=False)
    starts_at: Mapped[time | None] = mapped_column(Time)
    ends_at: Mapped[time | None] = mapped_column(Time)
    location: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    online_link: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")

    __table_args__ = (
        CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", name="session_times"),
    )


class TrainingEventOptIn(Base):
    """T1: a member organisation opting into a published event."""

    __tablename__ = "training_event_opt_ins"

    event_id: Mapped[int] = mapped_column(ForeignKey("training_events.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    opted_in_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    # migration 0011: who opted in (a user at the school, or the central team on its behalf)
    opted_in_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))


class TrainingEventNotifyTarget(Base):
    """Who is told of a published event: an organisation or a group.  No rows: every member is told."""

    __tablename__ = "training_event_notify_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("training_events.id", ondelete="CASCADE"), nullable=False)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"))

    __table_args__ = (CheckConstraint("(organisation_id IS NULL) <> (group_id IS NULL)", name="one_target"),)


class TrainingEventBooking(Versioned, Base):
    """One job's place on an event: booked, waiting in ``queued_at`` order, or cancelled.

    A job holds at most one live (booked or waiting) booking per event: the partial unique index
    below is what makes two people booking the same person at once end in one booking.
    """

    __tablename__ = "training_event_bookings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("training_events.id", ondelete="CASCADE"), nullable=False)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), nullable=False)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)  # the job's
    state: Mapped[BookingState] = mapped_column(enum_column(BookingState), nullable=False)
    queued_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("cpd_activities.id"))
    booked_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_users.id"), nullable=False)
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancelled_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))


class TrainingEventAttendance(Base):
    """The register: one booking at one session, present or absent, and who took it."""

    __tablename__ = "training_event_attendance"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_event_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    booking_id: Mapped[int] = mapped_column(
        ForeignKey("training_event_bookings.id", ondelete="CASCADE"), primary_key=True
    )
    attended: Mapped[bool] = mapped_column(Boolean, nullable=False)
    recorded_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_users.id"), nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)


LIVE_BOOKING = text("state <> 'cancelled'")

Index("ix_training_events_starts_on_id", TrainingEvent.starts_on, TrainingEvent.id)
Index("ix_training_events_ends_on", TrainingEvent.ends_on)
Index("ix_training_event_sessions_event_date", TrainingEventSession.event_id, TrainingEventSession.on_date)
Index("ix_training_event_sessions_on_date", TrainingEventSession.on_date)
Index("ix_training_event_notify_targets_event_id", TrainingEventNotifyTarget.event_id)
Index(
    "uq_training_event_bookings_live_job",
    TrainingEventBooking.event_id,
    TrainingEventBooking.job_id,
    unique=True,
    sqlite_where=LIVE_BOOKING,  # on PostgreSQL too (db.models.base.partial_on_postgresql)
)
Index(
    "ix_training_event_bookings_event_state_queued",
    TrainingEventBooking.event_id,
    TrainingEventBooking.state,
    TrainingEventBooking.queued_at,
    TrainingEventBooking.id,
)
Index("ix_training_event_bookings_job_id", TrainingEventBooking.job_id)
Index("ix_training_event_bookings_activity_id", TrainingEventBooking.activity_id)
