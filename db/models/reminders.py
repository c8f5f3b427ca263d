"""Reminders already sent (issue 17, item 4): nobody is reminded twice of the same thing on the same day."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models.base import Base, utcnow


class ReminderSent(Base):
    """One reminder of one thing to one person on one day.

    ``recipient`` names the person the way the reminder service groups its digests
    ("user:12", "job:345", "email:head@school.example"); ``kind`` and ``item_id`` name the
    thing (a request awaiting a line manager, the CPD team or the partnership, or a data
    sharing request).  The unique constraint is the guarantee, not a convenience: two
    programs reminding at the same moment both try to insert the row, and only the one
    whose insert lands sends the reminder.  Its index is also the one the check reads.
    Rows are only ever added (linked PostgreSQL logins may not change or delete them).
    """

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("day", "recipient", "kind", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    recipient: Mapped[str] = mapped_column(String(220), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    item_id: Mapped[int] = mapped_column(Integer, nullable=False)
    sent_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
