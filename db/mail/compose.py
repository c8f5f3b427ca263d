"""One e-mail per person per action: the claimed notification rows of one action, grouped by
address, become one message (a digest) listing every item, or one clear refusal.

A refusal is final for its rows (no address, not an address, a line break that would forge a
header, an address that bounced, reminders opted out of); everything else is sent.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime, formataddr

from db.mail.calendar import CalendarEntry, calendar_file
from db.mail.settings import MailSettings, has_line_break, is_address
from db.mail.templates import template

#: kinds that are reminders: opting out stops these, never the decisions about one's own requests
REMINDER_WORD = "reminder"
#: kinds whose activities go into the calendar attachment
AUTHORISED_KINDS = frozenset({"partnership_authorised", "cpd_team_approved", "line_manager_approved"})
_CARRIAGE_RETURN = re.compile(r"\r")


def is_reminder(kind: str) -> bool:
    return REMINDER_WORD in kind


@dataclass(frozen=True, slots=True)
class ActivityFacts:
    title: str
    starts_on: date
    ends_on: date
    cost_pence: int
    provider: str = ""


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    """A notification row as the sender needs it, its address and person already looked up."""

    id: int
    batch_key: str | None
    kind: str
    subject: str
    body: str
    address: str | None
    name: str
    person_id: int | None = None
    opted_out: bool = False
    bounced_address: str | None = None
    bounced_at: datetime | None = None
    bounce_reason: str | None = None
    activity_id: int | None = None
    activity: ActivityFacts | None = None
    recipient: str = ""  # job/user/address when there is no address to group by
    attempts: int = 1

    @property
    def group(self) -> tuple[str, str]:
        action = self.batch_key or f"#{self.id}"
        return action, (self.address or "").lower() or self.recipient or f"row {self.id}"


@dataclass(slots=True)
class Outgoing:
    """One message to send, or the sentence why its rows are not sent."""

    ids: list[int]
    address: str | None
    name: str
    person_id: int | None
    message_id: str = ""
    refusal: str | None = None
    data: bytes = field(default=b"", repr=False)


def pounds(pence: int) -> str:
    return f"£{pence / 100:,.2f}"


def uk_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def uk_dates(starts: date, ends: date) -> str:
    if starts == ends:
        return f"{starts:%A} {uk_date(starts)}"
    if (starts.year, starts.month) == (ends.year, ends.month):
        return f"{starts.day} – {uk_date(ends)}"
    if starts.year == ends.year:
        return f"{starts.day} {starts:%B} – {uk_date(ends)}"
    return f"{uk_date(starts)} – {uk_date(ends)}"


def message_id(rows: Sequence[ClaimedRow], domain: str) -> str:
    """The same rows give the same Message-ID, however often they are sent: duplicates are recognisable."""
    first = min(row.id for row in rows)
    action = rows[0].batch_key or "n"
    return f"<trustdesk.{action}.{first}@{domain}>"


def group_messages(rows: Iterable[ClaimedRow]) -> list[list[ClaimedRow]]:
    """The rows of each (action, address) together, oldest first; reminders someone opted out of apart."""
    groups: dict[tuple[str, str, bool], list[ClaimedRow]] = {}
    for row in sorted(rows, key=lambda r: r.id):
        muted = row.opted_out and is_reminder(row.kind)
        groups.setdefault((*row.group, muted), []).append(row)
    return list(groups.values())


def _refusal(rows: Sequence[ClaimedRow]) -> str | None:
    first = rows[0]
    who = first.name or "This person"
    if first.opted_out and all(is_reminder(row.kind) for row in rows):
        return f"Not sent: {who} has opted out of reminder e-mails."
    if not first.address:
        return f"Not sent: {who} has no e-mail address."
    if has_line_break(first.address) or has_line_break(first.name):
        return "Refused: a line break in the recipient's name or address could add mail headers; nothing was sent."
    if not is_address(first.address):
        return f"Not sent: “{first.address}” is not an e-mail address."
    for row in rows:
        if has_line_break(row.subject) or _CARRIAGE_RETURN.search(row.body):
            return "Refused: a line break in the subject or a reason could add mail headers; nothing was sent."
    if first.bounced_address and first.bounced_address.lower() == first.address.lower():
        when = f" on {uk_date(first.bounced_at)}" if first.bounced_at else ""
        return (
            f"Not sent: the mail server refused {first.address} for good{when} ({first.bounce_reason or 'no reason'}); "
            "correct the address on the person."
        )
    return None


def _subject(rows: Sequence[ClaimedRow], trust: str) -> str:
    if len(rows) == 1:
        return rows[0].subject
    if all(row.kind.startswith("partnership_") for row in rows):
        return f"{len(rows)} decisions on your CPD requests from {trust}"
    if all(is_reminder(row.kind) for row in rows):
        return f"{len(rows)} reminders from {trust}"
    return f"{len(rows)} updates from {trust}"


def compose(rows: Sequence[ClaimedRow], settings: MailSettings, trust: str, now: datetime) -> Outgoing:
    """The digest for one group (``group_messages``), or its refusal."""
    first = rows[0]
    out = Outgoing([row.id for row in rows], first.address, first.name, first.person_id)
    out.message_id = message_id(rows, settings.domain)
    out.refusal = _refusal(rows)
    if out.refusal is not None:
        return out
    assert first.address is not None
    subject = _subject(rows, trust)
    entries = [
        CalendarEntry(row.activity_id, row.activity.title, row.activity.starts_on, row.activity.ends_on,
                      row.activity.provider)
        for row in rows
        if row.kind in AUTHORISED_KINDS and row.activity is not None and row.activity_id is not None
    ]  # fmt: skip
    items = [
        {
            "subject": row.subject,
            "body": row.body.strip(),
            "activity": None
            if row.activity is None
            else {
                "dates": uk_dates(row.activity.starts_on, row.activity.ends_on),
                "cost": pounds(row.activity.cost_pence) if row.activity.cost_pence else "",
            },
        }
        for row in rows
    ]
    values = {
        "name": first.name or first.address,
        "items": items,
        "trust": trust,
        "subject": subject,
        "intro_one": f"{trust} has news for you:",
        "intro_many": f"{trust} has {len(rows)} pieces of news for you:",
        "calendar": len(entries),
        "sent_on": uk_date(now.date()),
        "reminder": any(is_reminder(row.kind) for row in rows),
    }
    ics = calendar_file(entries, trust, settings.domain, now) if entries else None
    headers = (
        ("From", formataddr((settings.sender_name or trust, settings.sender), charset="utf-8")),
        ("To", formataddr((first.name, first.address), charset="utf-8") if first.name else first.address),
        ("Subject", _header(subject)),
        ("Date", format_datetime(now.replace(tzinfo=UTC))),
        ("Message-ID", out.message_id),
        ("Auto-Submitted", "auto-generated"),
    )
    out.data = mime_bytes(
        headers, template("digest.txt").render(values), template("digest.html").render(values), ics, out.message_id
    )
    return out


def _header(text: str) -> str:
    """A header value: as it is when ASCII, else RFC 2047 encoded words (UTF-8, base64) of at most 45
    bytes each, folded with CRLF (``email.header.Header`` does the same at ~3 ms a subject)."""
    if text.isascii():
        return text
    words, chunk = [], b""
    for character in text:
        encoded = character.encode("utf-8")
        if len(chunk) + len(encoded) > 45:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in words)


def _base64(payload: bytes) -> str:
    return base64.encodebytes(payload).decode("ascii").replace("\n", "\r\n")


def mime_bytes(headers: Sequence[tuple[str, str]], text: str, html: str, ics: bytes | None, key: str) -> bytes:
    """The message as sent: multipart/alternative (plain text, HTML), inside multipart/mixed with the .ics.

    Written directly rather than through ``email.message.EmailMessage``, whose header objects cost
    ~10 ms a message (bench/outbox.py): the parts are base64 (UTF-8), every header value is
    ASCII already, and the boundaries come from the Message-ID (base64 never contains ``=_``).
    """
    for _name, value in headers:
        if "\r" in value.replace("\r\n ", "") or "\n" in value.replace("\r\n ", ""):
            raise ValueError("a header value holds a line break")
    token = hashlib.sha1(key.encode()).hexdigest()[:16]
    alternative, mixed = f"=_alt_{token}", f"=_mix_{token}"
    body = (
        f"--{alternative}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        f"{_base64(text.encode())}--{alternative}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{_base64(html.encode())}--{alternative}--\r\n"
    )
    lines = [f"{name}: {value}" for name, value in headers]
    lines.append("MIME-Version: 1.0")
    if ics is None:
        lines.append(f'Content-Type: multipart/alternative; boundary="{alternative}"')
        return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("ascii")
    lines.append(f'Content-Type: multipart/mixed; boundary="{mixed}"')
    attachment = (
        f'--{mixed}\r\nContent-Type: text/calendar; charset=utf-8; method=PUBLISH; name="cpd.ics"\r\n'
        f'Content-Disposition: attachment; filename="cpd.ics"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        f"{_base64(ics)}--{mixed}--\r\n"
    )
    inner = f'--{mixed}\r\nContent-Type: multipart/alternative; boundary="{alternative}"\r\n\r\n{body}'
    return ("\r\n".join(lines) + "\r\n\r\n" + inner + attachment).encode("ascii")
