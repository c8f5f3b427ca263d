"""CPD budgets per organisation per academic period (C7)."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned


class Budget(Versioned, Base):
    """The trust's own row is the central budget."""

    __tablename__ = "budgets"
    __table_args__ = (UniqueConstraint("organisation_id", "period_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), nullable=False)
    period_id: Mapped[int] = mapped_column(ForeignKey("academic_periods.id"), nullable=False)
    amount_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)  # a trust's central budget may pass £21m
