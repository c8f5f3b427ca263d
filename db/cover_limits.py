"""The cover-day limit that applies to a job (C7), decided in this one place.

A job's own limit wins; without one, the limit set for its role title in Trust settings
(``cover_limits``); without that, the trust's default (setting ``default_cover_limit_days``,
5 days when never set). Queries use ``effective_limit`` (SQL, so a list of thousands of jobs
needs no look-up per job); code holding a single job uses ``limit_for_job``, which runs the
same expression.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, cast, func, literal, select
from sqlalchemy.orm import Session

from db.models import CoverLimit, Job, TrustSetting

DEFAULT_LIMIT_KEY = "default_cover_limit_days"
#: the trust default before anyone sets one
DEFAULT_LIMIT_DAYS = 5.0
#: the largest limit anyone may set, and its step: half days
MAX_LIMIT_DAYS = 60.0
STEP_DAYS = 0.5


def effective_limit(job_limit: Any = Job.cover_limit_days, job_role: Any = Job.role) -> ColumnElement[float]:
    """SQL: the job's own limit, else its role's, else the trust default, else 5 days."""
    role_limit = select(CoverLimit.days).where(CoverLimit.role == job_role).scalar_subquery()
    trust_default = (
        select(cast(TrustSetting.value, Float)).where(TrustSetting.key == DEFAULT_LIMIT_KEY).scalar_subquery()
    )
    return func.coalesce(job_limit, role_limit, trust_default, literal(DEFAULT_LIMIT_DAYS, Float))


def limit_for_job(session: Session, job_id: int) -> float | None:
    """The limit that applies to one job; None when the job does not exist."""
    found = session.scalar(select(effective_limit()).where(Job.id == job_id))
    return None if found is None else float(found)


def default_limit(session: Session) -> float:
    """The trust's default limit, as stored or 5 days."""
    value = session.scalar(select(TrustSetting.value).where(TrustSetting.key == DEFAULT_LIMIT_KEY))
    return float(value) if value else DEFAULT_LIMIT_DAYS


def check_days(days: float) -> str | None:
    """Why ``days`` is not a limit anyone may set (a sentence), or None when it is fine."""
    if not 0 <= days <= MAX_LIMIT_DAYS:
        return f"A cover-day limit must be between 0 and {MAX_LIMIT_DAYS:g} days."
    if not float(days / STEP_DAYS).is_integer():
        return "A cover-day limit is set in whole or half days (for example 4.5)."
    return None
