"""Running totals per title and provider, for the count of a search (migration 0017).

A search of the Partnership CPD list ("coaching") matches an activity by its title or provider.
Counting the matches used to read every activity of the period (4.7 s at five million).  Titles and
providers repeat — a trust books the same courses again and again — so each distinct pair is kept
once in ``activity_texts``, and ``activity_text_totals`` holds how many activities of each pair there
are, and their cost, per period, organisation and decision states.  A search then tests each distinct
pair once and adds up the totals of those that match (``db/queries/activity_counts.py``).

Kept like ``activity_totals`` (``db/models/totals.py``): triggers on ``cpd_activities`` follow every
write, one row per key on SQLite, rows of each statement's changes on PostgreSQL folded back now and
then (``db/services/activity_totals.py``).  A pair stays in ``activity_texts`` after its last activity
goes: its totals are zeros, and a search that matches it adds nothing.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base
from db.models.enums import CpdTeamState, LineManagerState, PartnershipState


class ActivityText(Base):
    """One distinct (title, provider) of the activities."""

    __tablename__ = "activity_texts"
    __table_args__ = (UniqueConstraint("title", "provider"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    provider: Mapped[str] = mapped_column(String(200), nullable=False)


class ActivityTextTotal(Base):
    """How many activities with one title and provider there are, and their cost, per period, organisation
    and the three decision states.  No foreign keys: derived data, as ``ActivityTotal``."""

    __tablename__ = "activity_text_totals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text_id: Mapped[int] = mapped_column(Integer, nullable=False)
    period_id: Mapped[int] = mapped_column(Integer, nullable=False)
    organisation_id: Mapped[int] = mapped_column(Integer, nullable=False)
    partnership_state: Mapped[PartnershipState] = mapped_column(String(40), nullable=False)
    line_manager_state: Mapped[LineManagerState] = mapped_column(String(40), nullable=False)
    cpd_team_state: Mapped[CpdTeamState] = mapped_column(String(40), nullable=False)
    activities: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    total_pence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default="0")


Index(
    "ix_activity_text_totals_text_id_period_id_organisation_id",
    ActivityTextTotal.text_id,
    ActivityTextTotal.period_id,
    ActivityTextTotal.organisation_id,
)
