"""The ``.ics`` attachment: authorised activities with dates, one all-day event each.

The lines are written by the shared iCalendar builder (``db.ics``), which the calendar's exports
use too; tests/test_outbox.py reads the result back with ``icalendar.Calendar``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from db.ics import IcsEvent, calendar_bytes


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    activity_id: int
    title: str
    starts_on: date
    ends_on: date
    provider: str = ""


def calendar_file(entries: Sequence[CalendarEntry], trust: str, domain: str, stamp: datetime) -> bytes:
    """One VCALENDAR; each event's UID is the activity's, so a second copy updates the diary, not doubles it."""
    return calendar_bytes(
        (
            IcsEvent(
                uid=f"activity-{entry.activity_id}@{domain}",
                summary=entry.title,
                starts=entry.starts_on,
                ends=entry.ends_on,
                location=entry.provider,
                description=f"CPD authorised by {trust}.",
            )
            for entry in entries
        ),
        trust,
        stamp,
    )
