"""Academic periods (C1): derived from a date and the trust's start month.

The default year runs 1 September to 31 August; a trust may start it in
another month (setting ``academic_year_start_month``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AcademicPeriod, TrustSetting

DEFAULT_START_MONTH = 9
START_MONTH_KEY = "academic_year_start_month"


@dataclass(frozen=True)
class Period:
    label: str
    starts_on: date
    ends_on: date


def period_containing(day: date, start_month: int = DEFAULT_START_MONTH) -> Period:
    """The academic period that ``day`` falls in, labelled like ``2025/26``."""
    first_year = day.year if day.month >= start_month else day.year - 1
    starts = date(first_year, start_month, 1)
    next_start = date(first_year + 1, start_month, 1)
    label = str(first_year) if start_month == 1 else f"{first_year}/{(first_year + 1) % 100:02d}"
    return Period(label, starts, next_start - timedelta(days=1))


def start_month(session: Session) -> int:
    value = session.scalar(select(TrustSetting.value).where(TrustSetting.key == START_MONTH_KEY))
    return int(value) if value else DEFAULT_START_MONTH


def ensure_period(session: Session, day: date, month: int | None = None) -> int:
    """Id of the stored period containing ``day``, creating it if needed."""
    period = period_containing(day, month or start_month(session))
    found = session.scalar(select(AcademicPeriod.id).where(AcademicPeriod.starts_on == period.starts_on))
    if found is not None:
        return found
    row = AcademicPeriod(label=period.label, starts_on=period.starts_on, ends_on=period.ends_on)
    session.add(row)
    session.flush()
    return row.id
