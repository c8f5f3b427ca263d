"""Running totals of the activities, kept by the database itself, for the dashboard (DB1).

One row holds the sums the dashboard reads for the activities of one period, one organisation and
one month of their start date.  Triggers on ``cpd_activities`` keep them (migration 0015), so every
way of writing an activity — a service, a bulk path, a script — moves the totals with it.  On SQLite
there is one row per (period, organisation, month); on PostgreSQL each writing statement adds a row
of its own changes (writers never wait for each other on a shared row), and
``db.services.activity_totals`` folds them back into one row per key now and then.  Readers always
sum the rows of a key, so either shape gives the same figures.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Float, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base


def _count() -> Mapped[int]:
    return mapped_column(Integer, nullable=False, default=0, server_default="0")


class ActivityTotal(Base):
    """The dashboard's sums for (period, organisation, month of ``starts_on``); see the module's docstring.

    No foreign keys: the rows are derived data, and a key whose activities have all gone may keep
    a row of zeros.  ``month`` is the first day of the month.
    """

    __tablename__ = "activity_totals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(Integer, nullable=False)
    organisation_id: Mapped[int] = mapped_column(Integer, nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    activities: Mapped[int] = _count()
    #: line manager or CPD team still to decide, on a request that is not withdrawn
    pending_line_manager: Mapped[int] = _count()
    pending_cpd_team: Mapped[int] = _count()
    pending_partnership: Mapped[int] = _count()
    needs_reauthorisation: Mapped[int] = _count()
    authorised: Mapped[int] = _count()
    authorised_pence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")
    #: pending or needing re-authorisation
    undecided_pence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")
    #: of the authorised activities
    cover_days: Mapped[float] = mapped_column(Float, nullable=False, default=0.0, server_default="0")
    completed: Mapped[int] = _count()
    without_evaluation: Mapped[int] = _count()


Index(
    "ix_activity_totals_period_id_organisation_id_month",
    ActivityTotal.period_id,
    ActivityTotal.organisation_id,
    ActivityTotal.month,
)
