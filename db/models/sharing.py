"""Data sharing agreements between the trust and each school (D1-D6)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned, enum_column, utcnow
from db.models.enums import SharingLevel, SharingRecipientRole, SharingRequestState


class DataSharingAgreement(Versioned, Base):
    """The level currently approved for one organisation (NONE until approved).

    Only ever raised (D4); the school side approves (D3).
    """

    __tablename__ = "data_sharing_agreements"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    level: Mapped[SharingLevel] = mapped_column(Integer, nullable=False, default=SharingLevel.NONE)
    approved_at: Mapped[datetime | None] = mapped_column()
    approved_by_name: Mapped[str | None] = mapped_column(String(200))


class DataSharingRequest(Base):
    __tablename__ = "data_sharing_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False, index=True)
    level: Mapped[SharingLevel] = mapped_column(Integer, nullable=False)
    state: Mapped[SharingRequestState] = mapped_column(
        enum_column(SharingRequestState), nullable=False, default=SharingRequestState.PENDING
    )
    recipient_role: Mapped[SharingRecipientRole] = mapped_column(enum_column(SharingRecipientRole), nullable=False)
    recipient_job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    recipient_email: Mapped[str] = mapped_column(String(200), nullable=False)
    sent_by_user_id: Mapped[int] = mapped_column(ForeignKey("app_users.id"), nullable=False)
    sent_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column()
