"""The ``.ics`` attachment: authorised activities with dates, one all-day event each.

Values are written by the ``icalendar`` library's value types (text escaping, dates, UTC stamps);
the few fixed lines around them are joined and folded here, because building a ``Calendar``
object and calling ``to_ical`` costs ~2.5 ms a message, a third of the whole send
(bench/outbox.py). tests/test_outbox.py reads the result back with ``icalendar.Calendar``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from icalendar import vDate, vDDDTypes, vText


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    activity_id: int
    title: str
    starts_on: date
    ends_on: date
    provider: str = ""


def _text(value: str) -> str:
    return vText(value).to_ical().decode("utf-8")


def _fold(line: str) -> str:
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


def calendar_file(entries: Sequence[CalendarEntry], trust: str, domain: str, stamp: datetime) -> bytes:
    """One VCALENDAR; each event's UID is the activity's, so a second copy updates the diary, not doubles it."""
    when = vDDDTypes(stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp).to_ical().decode("ascii")
    lines = ["BEGIN:VCALENDAR", f"PRODID:-//TrustDesk//{_text(trust)}//EN", "VERSION:2.0", "METHOD:PUBLISH"]
    for entry in entries:
        lines += [
            "BEGIN:VEVENT",
            f"UID:activity-{entry.activity_id}@{domain}",
            f"DTSTAMP:{when}",
            f"SUMMARY:{_text(entry.title)}",
            f"DTSTART;VALUE=DATE:{vDate(entry.starts_on).to_ical().decode('ascii')}",
            # all-day events end the day after
            f"DTEND;VALUE=DATE:{vDate(entry.ends_on + timedelta(days=1)).to_ical().decode('ascii')}",
        ]
        if entry.provider:
            lines.append(f"LOCATION:{_text(entry.provider)}")
        lines += [f"DESCRIPTION:{_text(f'CPD authorised by {trust}.')}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
