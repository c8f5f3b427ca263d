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
    """Outbox row; ``db.mail.outbox`` claims, sends and stamps ``sent_at`` (or ``failed_at`` with the reason).

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
    # -- the outbox (N1, db/mail/outbox.py): claimed before sending, retried, then sent or failed --
    #: the action that wrote the row (one per ``db.actions.begin``): one e-mail per person per action
    batch_key: Mapped[str | None] = mapped_column(String(40))
    claimed_at: Mapped[datetime | None] = mapped_column()
    #: which running program holds the claim ("host:pid:token"), until ``lease_until``
    claimed_by: Mapped[str | None] = mapped_column(String(120))
    lease_until: Mapped[datetime | None] = mapped_column()
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column()
    failed_at: Mapped[datetime | None] = mapped_column()
    #: the last failure in one sentence (kept after a later success for the history)
    failure: Mapped[str | None] = mapped_column(Text)
    smtp_response: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(200))


#: the drain's question: what is waiting (neither sent nor failed), oldest first
Index("ix_notifications_waiting", Notification.sent_at, Notification.failed_at, Notification.id)
#: the digest: every row of one action
Index("ix_notifications_batch_key", Notification.batch_key)
#: the panel's default order, newest first
Index("ix_notifications_created_at", Notification.created_at)
