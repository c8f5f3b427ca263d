"""Audit log (A2) and the notifications outbox (C3)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class AuditEntry(Base):
    """Append-only: who did what to which row, with the before and after values."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))
    db_identity: Mapped[str | None] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), nullable=False)
    entity: Mapped[str] = mapped_column(String(60), nullable=False)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    decision_batch_id: Mapped[int | None] = mapped_column(ForeignKey("decision_batches.id"))


Index("ix_audit_log_entity_entity_id", AuditEntry.entity, AuditEntry.entity_id)
Index("ix_audit_log_at", AuditEntry.at)


class Notification(Base):
    """Outbox row; a mailer (outside this app) delivers and stamps ``sent_at``.

    The recipient is a job (C3), a user (a requester told of an approval), or only an e-mail
    address: a school leader the central team added by hand before any staff were imported (D1).
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    recipient_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"), index=True)
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))
    recipient_email: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(60), nullable=False)
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("cpd_activities.id"))
    sent_at: Mapped[datetime | None] = mapped_column()
