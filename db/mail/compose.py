"""One e-mail per person per action: the claimed notification rows of one action, grouped by
address, become one message (a digest) listing every item, or one clear refusal.

A refusal is final for its rows (no address, not an address, a line break that would forge a
header, an address that bounced, reminders opted out of); everything else is sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import SMTP
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
    message: EmailMessage | None = None
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
    message = EmailMessage(policy=SMTP)
    message["From"] = formataddr((settings.sender_name or trust, settings.sender))
    message["To"] = formataddr((first.name, first.address)) if first.name else first.address
    message["Subject"] = subject
    message["Date"] = format_datetime(now.replace(tzinfo=UTC))
    message["Message-ID"] = out.message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(template("digest.txt").render(values))
    message.add_alternative(template("digest.html").render(values), subtype="html")
    if entries:
        message.add_attachment(
            calendar_file(entries, trust, settings.domain, now),
            maintype="text",
            subtype="calendar",
            filename="cpd.ics",
            params={"method": "PUBLISH"},
        )
    out.message = message
    out.data = message.as_bytes()
    return out
