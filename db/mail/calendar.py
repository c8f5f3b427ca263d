"""The ``.ics`` attachment: authorised activities with dates, one all-day event each (``icalendar``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    activity_id: int
    title: str
    starts_on: date
    ends_on: date
    provider: str = ""


def calendar_file(entries: Sequence[CalendarEntry], trust: str, domain: str, stamp: datetime) -> bytes:
    """One VCALENDAR; each event's UID is the activity's, so a second copy updates the diary, not doubles it."""
    calendar = Calendar()
    calendar.add("prodid", f"-//TrustDesk//{trust}//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    for entry in entries:
        event = Event()
        event.add("uid", f"activity-{entry.activity_id}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", entry.title)
        event.add("dtstart", entry.starts_on)
        event.add("dtend", entry.ends_on + timedelta(days=1))  # all-day events end the day after
        if entry.provider:
            event.add("location", entry.provider)
        event.add("description", f"CPD authorised by {trust}.")
        calendar.add_component(event)
    return calendar.to_ical()
