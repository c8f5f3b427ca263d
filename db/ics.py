"""iCalendar (.ics, RFC 5545) files: one builder for every VEVENT TrustDesk writes.

The outbox attaches authorised activities to its messages (``db.mail.calendar``) and the calendar
exports what it shows and one training event (``db.queries.calendar_ics``); both describe their
entries as ``IcsEvent`` and leave the lines to this module.  Values are written by the
``icalendar`` library's value types (text escaping, dates, stamps); the few fixed lines around them
are joined and folded here, because building a ``Calendar`` object and calling ``to_ical`` costs
~2.5 ms a message, a third of the whole send (bench/outbox.py).  The tests read the files back
with ``icalendar.Calendar``.

Times of day are written as *floating* local times (no time zone): a session at 09:00 at a school
is at 09:00 wherever the diary is opened, which is what a trust in one country means by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import vDate, vDatetime, vDDDTypes, vText


@dataclass(frozen=True, slots=True)
class IcsEvent:
    """One VEVENT. ``starts``/``ends`` as dates make an all-day event whose ``ends`` is the last day
    (inclusive, as people say it); as datetimes a timed one ending at ``ends``."""

    uid: str
    summary: str
    starts: date | datetime
    ends: date | datetime
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False


def text(value: str) -> str:
    return vText(value).to_ical().decode("utf-8")


def fold(line: str) -> str:
    """RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF and a space, never inside a character."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(data):
        end = min(start + limit, len(data))
        while end < len(data) and (data[end] & 0xC0) == 0x80:  # a UTF-8 continuation byte: step back
            end -= 1
        parts.append(data[start:end].decode("utf-8"))
        start, limit = end, 74  # continuation lines start with the space
    return "\r\n ".join(parts)


def _when(name: str, value: date | datetime) -> str:
    if isinstance(value, datetime):
        return f"{name}:{vDatetime(value.replace(tzinfo=None)).to_ical().decode('ascii')}"
    return f"{name};VALUE=DATE:{vDate(value).to_ical().decode('ascii')}"


def vevent_lines(event: IcsEvent, stamp: str) -> list[str]:
    """The lines of one VEVENT, unfolded; ``stamp`` is the DTSTAMP value already written."""
    all_day = not isinstance(event.starts, datetime)
    # an all-day event ends the day after its last day (RFC 5545 §3.6.1)
    ends = event.ends + timedelta(days=1) if all_day and not isinstance(event.ends, datetime) else event.ends
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{stamp}",
        f"SUMMARY:{text(event.summary)}",
        _when("DTSTART", event.starts),
        _when("DTEND", ends),
    ]
    if event.location:
        lines.append(f"LOCATION:{text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.cancelled:
        lines.append("STATUS:CANCELLED")
    lines.append("END:VEVENT")
    return lines


def calendar_bytes(events: Iterable[IcsEvent], producer: str, stamp: datetime) -> bytes:
    """One VCALENDAR of ``events``; ``producer`` names who publishes it (the trust) in PRODID."""
    when = vDDDTypes(stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp).to_ical().decode("ascii")
    lines = ["BEGIN:VCALENDAR", f"PRODID:-//TrustDesk//{text(producer)}//EN", "VERSION:2.0", "METHOD:PUBLISH"]
    for event in events:
        lines += vevent_lines(event, when)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
