"""What the Notifications panel shows: the outbox and its history, filtered and paged in SQL.

Each row: to whom, what, when queued, when sent, and what happened — waiting, being sent,
waiting to try again, sent (with the server's answer), failed or not sent (with the reason).
Only those who may change trust settings see it: it holds every message the trust sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from db.changes import ChangeKind
from db.engine import Database
from db.errors import PermissionDenied
from db.mail.settings import NOT_CONFIGURED, load_mail_settings
from db.models import AppUser, Job, Notification, Person, utcnow
from db.queries.trust_settings import may_edit, trust_row
from db.scope import scope_for

PAGE_SIZE = 200
N = Notification
#: what a change to the outbox (Send again, reminders, a bounce flag) is called on the data bus
OUTBOX: ChangeKind = "outbox"


class OutboxStatus(StrEnum):
    ALL = "all"
    WAITING = "waiting"  # not yet sent: due, being sent or waiting to try again
    SENT = "sent"
    FAILED = "failed"  # failed or not sent: needs someone to look


STATUS_LABELS = {
    OutboxStatus.ALL: "All messages",
    OutboxStatus.WAITING: "Waiting",
    OutboxStatus.SENT: "Sent",
    OutboxStatus.FAILED: "Failed or not sent",
}


@dataclass(frozen=True, slots=True)
class OutboxFilter:
    status: OutboxStatus = OutboxStatus.ALL
    #: words in the recipient's name or address or the subject
    text: str = ""
    #: only the last N days (None: all)
    days: int | None = None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    queued_at: datetime
    recipient: str
    address: str
    kind: str
    subject: str
    state: str  # Waiting, Sending, Retrying, Sent, Failed, Not sent
    attempts: int
    sent_at: datetime | None
    next_attempt_at: datetime | None
    failure: str
    smtp_response: str
    message_id: str
    person_id: int | None
    reminders_opt_out: bool
    bounced: bool

    @property
    def outcome(self) -> str:
        """One line: the server's answer once sent, else the reason it is not (yet)."""
        if self.sent_at is not None:
            return self.smtp_response
        return self.failure


@dataclass(frozen=True, slots=True)
class OutboxPage:
    total: int
    rows: list[OutboxRow]


@dataclass(frozen=True, slots=True)
class OutboxSummary:
    waiting: int
    failed: int
    #: why nothing is sent at all (no settings), else None
    reason: str | None

    @property
    def sentence(self) -> str:
        parts = [f"{self.waiting:,} waiting", f"{self.failed:,} failed or not sent"]
        return " · ".join(parts) + (f" — {self.reason}" if self.reason else "")


def _require(session: Session, user_id: int) -> None:
    if not may_edit(scope_for(session, user_id), trust_row(session).id):
        raise PermissionDenied(
            "Only a primary user or an administrator of the trust's organisations may see the outbox."
        )


def can_see_outbox(db: Database, user_id: int) -> bool:
    with db.read() as session:
        try:
            _require(session, user_id)
        except (PermissionDenied, Exception):
            return False
        return True


def _state(now: datetime) -> Any:
    return case(
        (N.sent_at.is_not(None), literal("Sent")),
        (and_(N.failed_at.is_not(None), N.failure.like("Not sent:%")), literal("Not sent")),
        (N.failed_at.is_not(None), literal("Failed")),
        (N.lease_until > now, literal("Sending")),
        (N.next_attempt_at > now, literal("Retrying")),
        else_=literal("Waiting"),
    )


def _query(filt: OutboxFilter, now: datetime) -> Select:
    address = func.coalesce(N.recipient_email, Job.email, Person.email, AppUser.email, literal(""))
    person_name = Person.first_name + literal(" ") + Person.last_name
    recipient = func.coalesce(person_name, AppUser.display_name, N.recipient_email, literal(""))
    query = (
        select(
            N.id,
            N.created_at,
            recipient.label("recipient"),
            address.label("address"),
            N.kind,
            N.subject,
            _state(now).label("state"),
            N.attempts,
            N.sent_at,
            N.next_attempt_at,
            N.failure,
            N.smtp_response,
            N.message_id,
            Person.id.label("person_id"),
            Person.reminders_opt_out,
            Person.bounced_address.label("bounced_address"),
        )
        .outerjoin(Job, Job.id == N.recipient_job_id)
        .outerjoin(Person, Person.id == Job.person_id)
        .outerjoin(AppUser, AppUser.id == N.recipient_user_id)
    )
    if filt.status is OutboxStatus.WAITING:
        query = query.where(N.sent_at.is_(None), N.failed_at.is_(None))
    elif filt.status is OutboxStatus.SENT:
        query = query.where(N.sent_at.is_not(None))
    elif filt.status is OutboxStatus.FAILED:
        query = query.where(N.sent_at.is_(None), N.failed_at.is_not(None))
    if filt.days:
        query = query.where(N.created_at >= now - timedelta(days=filt.days))
    for word in filt.text.split():
        pattern = f"%{word.lower()}%"
        query = query.where(
            or_(
                func.lower(N.subject).like(pattern),
                func.lower(recipient).like(pattern),
                func.lower(address).like(pattern),
            )
        )
    return query


def _row(r: Any) -> OutboxRow:
    return OutboxRow(
        id=r.id, queued_at=r.created_at, recipient=r.recipient or "", address=r.address or "", kind=r.kind,
        subject=r.subject, state=r.state, attempts=r.attempts, sent_at=r.sent_at, next_attempt_at=r.next_attempt_at,
        failure=r.failure or "", smtp_response=r.smtp_response or "", message_id=r.message_id or "",
        person_id=r.person_id, reminders_opt_out=bool(r.reminders_opt_out), bounced=r.bounced_address is not None,
    )  # fmt: skip


def outbox_first_page(db: Database, user_id: int, filt: OutboxFilter) -> OutboxPage:
    with db.read() as session:
        _require(session, user_id)
        query = _query(filt, utcnow())
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = [_row(r) for r in session.execute(query.order_by(N.id.desc()).limit(PAGE_SIZE))]
        return OutboxPage(total, rows)


def outbox_more(db: Database, user_id: int, filt: OutboxFilter, offset: int) -> list[OutboxRow]:
    with db.read() as session:
        _require(session, user_id)
        query = _query(filt, utcnow()).order_by(N.id.desc()).offset(offset).limit(PAGE_SIZE)
        return [_row(r) for r in session.execute(query)]


def outbox_rows(db: Database, user_id: int, filt: OutboxFilter) -> Iterator[OutboxRow]:
    """Every row the filter matches, newest first (for the export), read in pages."""
    offset = 0
    while True:
        page = outbox_more(db, user_id, filt, offset) if offset else outbox_first_page(db, user_id, filt).rows
        yield from page
        if len(page) < PAGE_SIZE:
            return
        offset += len(page)


def outbox_summary(db: Database) -> OutboxSummary:
    with db.read() as session:
        waiting = session.scalar(select(func.count()).where(N.sent_at.is_(None), N.failed_at.is_(None))) or 0
        failed = session.scalar(select(func.count()).where(N.sent_at.is_(None), N.failed_at.is_not(None))) or 0
        configured = load_mail_settings(session).configured
        return OutboxSummary(waiting, failed, None if configured else NOT_CONFIGURED)
