"""Academic periods (C1) and trust-wide settings such as the year's start month."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, Versioned


class AcademicPeriod(Base):
    """A stored period so that budgets and filters can refer to it by id.

    Periods are derived from an activity's start date and the configured start
    month (default September), see ``db.periods``.
    """

    __tablename__ = "academic_periods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(9), nullable=False, unique=True)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False, unique=True)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)


class TrustSetting(Versioned, Base):
    __tablename__ = "trust_settings"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class CoverLimit(Versioned, Base):
    """The cover-day limit for everyone whose job has this role title ("Teacher"), unless set per person."""

    __tablename__ = "cover_limits"

    role: Mapped[str] = mapped_column(String(80), primary_key=True)
    days: Mapped[float] = mapped_column(Float, nullable=False)
