"""People and their jobs (P1, P2).

A person holds one job per organisation; activities, group memberships and
budgets attach to the job, so lists show one row per job.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned


class Person(Versioned, Base):
    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_name: Mapped[str] = mapped_column(String(80), nullable=False)
    last_name: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(20))  # Mr, Ms, Dr …
    # Teacher Reference Number (7 digits): how a staff import knows one person across schools (P1).
    trn: Mapped[str | None] = mapped_column(String(7), index=True)
    #: no reminder e-mails (decisions about their own requests still reach them)
    reminders_opt_out: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="0")
    #: the address the mail server refused for good (a permanent SMTP error), when and why
    bounced_address: Mapped[str | None] = mapped_column(String(200))
    bounced_at: Mapped[datetime | None] = mapped_column()
    bounce_reason: Mapped[str | None] = mapped_column(Text)


class Job(Versioned, Base):
    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("person_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(80), nullable=False)
    email: Mapped[str | None] = mapped_column(String(200))
    line_manager_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    is_line_manager: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default="0")
    # P2: a partnership job brought up from a member-school job.
    brought_up_from_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    unique_id: Mapped[str | None] = mapped_column(String(40))
    pay_scale: Mapped[str | None] = mapped_column(String(40))
    # C7: cover days this individual may take per academic period before a warning; None takes the
    # limit set for their role, else the trust's default (Trust settings, ``db.cover_limits``).
    cover_limit_days: Mapped[float | None] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default="1")
    # The school's own key for the job (MIS staff code, payroll or employee number): a staff import
    # matches a row to a job by organisation and this code, else by work e-mail.
    staff_code: Mapped[str | None] = mapped_column(String(40))
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)  # a leaver: inactive from this day, history kept


Index("ix_jobs_organisation_staff_code", Job.organisation_id, Job.staff_code)
Index("ix_jobs_email", Job.email)
