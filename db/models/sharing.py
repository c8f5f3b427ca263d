"""Data sharing agreements between the trust and each school (D1-D6)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned, enum_column, utcnow
from db.models.enums import SharingLevel, SharingRecipientRole, SharingRequestState


class DataSharingAgreement(Versioned, Base):
    """The level currently approved for one organisation (NONE until approved).

    Only ever raised (D4): on PostgreSQL and SQLite a trigger refuses an UPDATE that lowers
    ``level`` and any DELETE (migration 0006); the school side approves (D3).
    """

    __tablename__ = "data_sharing_agreements"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    level: Mapped[SharingLevel] = mapped_column(Integer, nullable=False, default=SharingLevel.NONE)
    approved_at: Mapped[datetime | None] = mapped_column()
    approved_by_name: Mapped[str | None] = mapped_column(String(200))


class DataSharingRequest(Base):
    """One request to one person at one school for one level (D1).

    The recipient is a job (staff imported from the MIS), a contact the central team added by
    hand (``DataSharingContact``), or both unset for rows made before either existed; their name
    and e-mail address are copied here so the request still says who it went to if either
    changes.  Reminders are counted (D2); a decline keeps its reason and who gave it.
    """

    __tablename__ = "data_sharing_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False, index=True)
    level: Mapped[SharingLevel] = mapped_column(Integer, nullable=False)
    state: Mapped[SharingRequestState] = mapped_column(
        enum_column(SharingRequestState), nullable=False, default=SharingRequestState.PENDING
    )
    recipient_role: Mapped[SharingRecipientRole] = mapped_column(enum_column(SharingRecipientRole), nullable=False)
    recipient_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    recipient_contact_id: Mapped[int | None] = mapped_column(ForeignKey("data_sharing_contacts.id"))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    recipient_email: Mapped[str] = mapped_column(String(200), nullable=False)
    sent_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_users.id"), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column()
    reminder_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))
    decided_at: Mapped[datetime | None] = mapped_column()
    decline_reason: Mapped[str | None] = mapped_column(Text)


class DataSharingContact(Base):
    """A school leader the central team adds by hand: who may receive a request before any staff import (D1).

    GIAS names a school's head but gives no e-mail address; a contact completes it, or adds an
    executive head, deputy head or data manager the MIS has not told us about yet.
    """

    __tablename__ = "data_sharing_contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    role: Mapped[SharingRecipientRole] = mapped_column(enum_column(SharingRecipientRole), nullable=False)
    email: Mapped[str] = mapped_column(String(200), nullable=False)
    added_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_users.id"))
    added_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
