"""Running totals of the activities, kept by the database itself, for the dashboard (DB1) and the counts.

One row holds the sums of the activities of one period, one organisation, one month of their start
date and one combination of the three decision states: the dashboard sums them per period,
organisation and month, the Partnership CPD list's count, total and queue tabs per state
(``db/queries/activity_counts.py``).  Triggers on ``cpd_activities`` keep them (migrations 0015,
0016), so every way of writing an activity — a service, a bulk path, a script — moves the totals
with it.  On SQLite there is one row per key; on PostgreSQL each writing statement adds a row
of its own changes (writers never wait for each other on a shared row), and
``db.services.activity_totals`` folds them back into one row per key now and then.  Readers always
sum the rows of a key, so either shape gives the same figures.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Float, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base
from db.models.enums import CpdTeamState, LineManagerState, PartnershipState


def _count() -> Mapped[int]:
    return mapped_column(Integer, nullable=False, default=0, server_default="0")


class ActivityTotal(Base):
    """The sums for (period, organisation, month of ``starts_on``, the three states); see the module's docstring.

    No foreign keys: the rows are derived data, and a key whose activities have all gone may keep
    a row of zeros.  ``month`` is the first day of the month.
    """

    __tablename__ = "activity_totals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(Integer, nullable=False)
    organisation_id: Mapped[int] = mapped_column(Integer, nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    partnership_state: Mapped[PartnershipState] = mapped_column(String(40), nullable=False)
    line_manager_state: Mapped[LineManagerState] = mapped_column(String(40), nullable=False)
    cpd_team_state: Mapped[CpdTeamState] = mapped_column(String(40), nullable=False)
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
    #: every activity's total cost, whatever its state
    total_pence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")


Index(
    "ix_activity_totals_period_id_organisation_id_month",
    ActivityTotal.period_id,
    ActivityTotal.organisation_id,
    ActivityTotal.month,
)
