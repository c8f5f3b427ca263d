"""The outbox: notification rows (written in the same transaction as the change, N1) sent by
e-mail by whichever TrustDesk is running, and by ``trustdesk notify send``.

The guarantee, written down (docs/shared-database.md says the same for people):

* **Claimed before sent.**  A sender takes a batch of waiting rows in one short transaction and
  stamps them with its name and a lease (``lease_until``).  On PostgreSQL the rows are selected
  ``FOR UPDATE SKIP LOCKED`` under a transaction-scoped advisory lock, so two programs never
  claim the same row, nor split one action's rows between them; on SQLite the claim is a
  ``BEGIN IMMEDIATE`` transaction, so one sender at a time claims.  Sending happens after the
  claim has committed, outside any transaction.
* **Whole actions, one e-mail per person.**  A claim extends to every waiting row of the actions
  it touched (``batch_key``), so a sign-off of 500 rows is sent as one digest per person.
* **At least once.**  A row is marked sent (with the server's answer to DATA and the
  Message-ID) only after the server accepted it.  A sender killed between the two leaves its rows
  claimed; once the lease has passed, another sender claims and sends them again — with the same
  ``Message-ID`` (made from the action and the rows, never random), so a duplicate is recognisable
  and mail clients that de-duplicate show it once.  Nothing is ever lost; at worst a message
  arrives twice.  Lease expiry compares each program's own clock: keep machines' clocks in time.
* **Retried, then failed with the reason.**  A temporary failure (4xx, no connection, login
  refused) is tried again after growing delays (``RETRY_DELAYS``); after ``MAX_ATTEMPTS`` the rows
  are marked failed with the last reason.  A permanent refusal (5xx) fails at once; a refused
  recipient flags the address on the person.  Rows that cannot be sent at all (no address, not
  an address, a line break that would forge a header, reminders opted out of) fail at once with
  one sentence.  The rest of the queue goes on.
* **Without mail settings nothing is claimed**: the rows wait, and the outbox says why.
"""

from __future__ import annotations

import os
import socket
import ssl
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, text, update
from sqlalchemy.orm import Session

from db.actions import NOTIFICATION_TABLE, begin
from db.engine import Database
from db.mail.compose import ActivityFacts, ClaimedRow, Outgoing, compose, group_messages
from db.mail.settings import NOT_CONFIGURED, MailSettings, load_mail_settings
from db.mail.smtp import MailError, SmtpSender
from db.models import AppUser, CpdActivity, Job, Notification, Organisation, OrgKind, Person, utcnow

LEASE = timedelta(minutes=10)
#: pauses before the 2nd, 3rd … attempt; the attempt after the last one is final
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=20),
    timedelta(hours=1),
    timedelta(hours=4),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
#: rows looked at per claim (extended to whole actions)
CLAIM_ROWS = 500
#: outcomes written back in one transaction
MARK_EVERY = 200
#: any number, the same in every TrustDesk: PostgreSQL's advisory lock that serialises claims
_CLAIM_LOCK = 0x7D5E_0B0C
_CHUNK = 500

N = Notification


def sender_name() -> str:
    """Who holds a claim: this machine and process, plus a token for this run."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def waiting(now: datetime) -> Any:
    """Rows a sender may claim now: not sent, not failed, due, and not under someone's lease."""
    return and_(
        N.sent_at.is_(None),
        N.failed_at.is_(None),
        or_(N.next_attempt_at.is_(None), N.next_attempt_at <= now),
        or_(N.lease_until.is_(None), N.lease_until < now),
    )


@dataclass(frozen=True, slots=True)
class DrainResult:
    messages_sent: int = 0
    rows_sent: int = 0
    not_sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: why the drain stopped early (no settings, the server cannot be reached …), else None
    reason: str | None = None

    @property
    def messages(self) -> int:
        return self.messages_sent + self.not_sent + self.retrying + self.failed


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def claim(db: Database, owner: str, *, limit: int = CLAIM_ROWS, lease: timedelta = LEASE) -> list[ClaimedRow]:
    """Take waiting rows (whole actions) for ``owner`` until ``lease`` has passed; [] when none wait."""
    with db.transaction() as session:
        now = utcnow()
        postgres = session.get_bind().dialect.name == "postgresql"
        if postgres:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CLAIM_LOCK})
        first = select(N.id, N.batch_key).where(waiting(now)).order_by(N.id).limit(limit)
        if postgres:
            first = first.with_for_update(skip_locked=True)
        found = session.execute(first).all()
        if not found:
            return []
        ids = {row.id for row in found}
        keys = sorted({row.batch_key for row in found if row.batch_key})
        for part in _chunks(keys):
            more = select(N.id).where(waiting(now), N.batch_key.in_(part))
            if postgres:
                more = more.with_for_update(skip_locked=True)
            ids.update(session.scalars(more))
        chosen = sorted(ids)
        for part in _chunks(chosen):
            session.execute(
                update(N)
                .where(N.id.in_(part))
                .values(claimed_at=now, claimed_by=owner, lease_until=now + lease, attempts=N.attempts + 1)
                .execution_options(synchronize_session=False)
            )
        return [row for part in _chunks(chosen) for row in _claimed_rows(session, part)]


def _claimed_rows(session: Session, ids: Sequence[int]) -> list[ClaimedRow]:
    query = (
        select(
            N.id,
            N.batch_key,
            N.kind,
            N.subject,
            N.body,
            N.recipient_email,
            N.recipient_job_id,
            N.recipient_user_id,
            N.activity_id,
            N.attempts,
            Job.email.label("job_email"),
            Person.id.label("person_id"),
            Person.first_name,
            Person.last_name,
            Person.email.label("person_email"),
            Person.reminders_opt_out,
            Person.bounced_address,
            Person.bounced_at,
            Person.bounce_reason,
            AppUser.email.label("user_email"),
            AppUser.display_name,
            CpdActivity.title,
            CpdActivity.starts_on,
            CpdActivity.ends_on,
            CpdActivity.total_cost_pence,
            CpdActivity.provider,
        )
        .outerjoin(Job, Job.id == N.recipient_job_id)
        .outerjoin(Person, Person.id == Job.person_id)
        .outerjoin(AppUser, AppUser.id == N.recipient_user_id)
        .outerjoin(CpdActivity, CpdActivity.id == N.activity_id)
        .where(N.id.in_(ids))
        .order_by(N.id)
    )
    rows = []
    for r in session.execute(query):
        address = next(
            (a.strip() for a in (r.recipient_email, r.job_email, r.person_email, r.user_email) if a and a.strip()), None
        )
        name = f"{r.first_name} {r.last_name}".strip() if r.person_id is not None else r.display_name or ""
        activity = None
        if r.title is not None and r.starts_on is not None:
            activity = ActivityFacts(r.title, r.starts_on, r.ends_on, r.total_cost_pence or 0, r.provider or "")
        recipient = f"job {r.recipient_job_id}" if r.recipient_job_id else f"user {r.recipient_user_id}"
        rows.append(
            ClaimedRow(
                id=r.id, batch_key=r.batch_key, kind=r.kind, subject=r.subject, body=r.body or "", address=address,
                name=name, person_id=r.person_id, opted_out=bool(r.reminders_opt_out),
                bounced_address=r.bounced_address, bounced_at=r.bounced_at, bounce_reason=r.bounce_reason,
                activity_id=r.activity_id, activity=activity, recipient=recipient, attempts=r.attempts,
            )
        )  # fmt: skip
    return rows


@dataclass(slots=True)
class _Outcome:
    out: Outgoing
    attempts: int
    sent: str | None = None
    failure: str | None = None
    permanent: bool = False
    bounced: bool = False


def record(db: Database, user_id: int, owner: str, outcomes: Sequence[_Outcome]) -> None:
    """Write what happened to each message back onto its rows, in one transaction; a bounce flags the
    person, audited as done by the user whose program sent it (A2, A3)."""
    if not outcomes:
        return
    now = utcnow()
    sent, failed, retry, bounces = [], [], [], []
    for o in outcomes:
        for row_id in o.out.ids:
            if o.sent is not None:
                sent.append({"row_id": row_id, "response": o.sent[:2000], "mid": o.out.message_id})
            elif o.permanent or o.attempts >= MAX_ATTEMPTS:
                reason = o.failure or ""
                if not o.permanent:
                    reason = f"{reason} Gave up after {o.attempts} attempts."
                failed.append({"row_id": row_id, "reason": reason, "mid": o.out.message_id})
            else:
                delay = RETRY_DELAYS[max(0, o.attempts - 1)]
                retry.append({"row_id": row_id, "reason": o.failure, "due": now + delay})
        if o.bounced and o.out.person_id is not None:
            bounces.append(o)
    cleared = {"claimed_by": None, "lease_until": None}
    with begin(db, user_id) as act:
        session = act.session
        connection = session.connection()
        table = NOTIFICATION_TABLE
        where = table.c.id == bindparam("row_id")
        if sent:
            statement = update(table).where(where).values(
                sent_at=now, smtp_response=bindparam("response"), message_id=bindparam("mid"),
                next_attempt_at=None, **cleared,
            )  # fmt: skip
            connection.execute(statement, sent)
        if failed:
            statement = (
                update(table)
                .where(where)
                .values(failed_at=now, failure=bindparam("reason"), message_id=bindparam("mid"), **cleared)
            )
            connection.execute(statement, failed)
        if retry:
            statement = (
                update(table)
                .where(where)
                .values(next_attempt_at=bindparam("due"), failure=bindparam("reason"), **cleared)
            )
            connection.execute(statement, retry)
        for o in bounces:
            session.execute(
                update(Person)
                .where(Person.id == o.out.person_id)
                .values(bounced_address=o.out.address, bounced_at=now, bounce_reason=(o.failure or "")[:1000])
                .execution_options(synchronize_session=False)
            )
            act.audit("email_bounced", "person", o.out.person_id,
                      after={"address": o.out.address, "reason": o.failure, "sender": owner})  # fmt: skip


def _trust_name(db: Database) -> str:
    with db.read() as session:
        name = session.scalar(
            select(Organisation.name).where(Organisation.kind == OrgKind.TRUST).order_by(Organisation.id)
        )
        return name or "TrustDesk"


def current_settings(db: Database) -> MailSettings:
    with db.read() as session:
        return load_mail_settings(session)


def drain(
    db: Database,
    user_id: int,
    password: str | None,
    *,
    owner: str | None = None,
    settings: MailSettings | None = None,
    lease: timedelta = LEASE,
    max_messages: int | None = None,
    context: ssl.SSLContext | None = None,
) -> DrainResult:
    """Claim and send until nothing is waiting (or ``max_messages`` have been dealt with).

    ``user_id``: whose program sends (the signed-in user, ``--as``); bounces are audited in their name.
    """
    settings = settings or current_settings(db)
    if not settings.configured:
        return DrainResult(reason=NOT_CONFIGURED)
    owner = owner or sender_name()
    trust = _trust_name(db)
    counts = {"messages_sent": 0, "rows_sent": 0, "not_sent": 0, "retrying": 0, "failed": 0}
    transport = SmtpSender(settings, password, context)
    stopped: str | None = None
    try:
        while stopped is None and (max_messages is None or sum(counts.values()) - counts["rows_sent"] < max_messages):
            rows = claim(db, owner, lease=lease)
            if not rows:
                break
            pending: list[_Outcome] = []
            now = utcnow()
            for group in group_messages(rows):
                out = compose(group, settings, trust, now)
                outcome = _Outcome(out, max(row.attempts for row in group))
                if out.refusal is not None:
                    outcome.failure, outcome.permanent = out.refusal, True
                elif stopped is not None:
                    outcome.failure = stopped
                else:
                    assert out.address is not None
                    try:
                        outcome.sent = transport.send(settings.sender, out.address, out.data).response
                    except MailError as exc:
                        outcome.failure, outcome.permanent, outcome.bounced = exc.sentence, exc.permanent, exc.bounced
                        if exc.connection:
                            stopped = exc.sentence  # the rest of this claim waits for the next attempt
                _count(counts, outcome)
                pending.append(outcome)
                if len(pending) >= MARK_EVERY:
                    record(db, user_id, owner, pending)
                    pending = []
            record(db, user_id, owner, pending)
    finally:
        transport.close()
    return DrainResult(**counts, reason=stopped)


def _count(counts: dict[str, int], o: _Outcome) -> None:
    if o.sent is not None:
        counts["messages_sent"] += 1
        counts["rows_sent"] += len(o.out.ids)
    elif o.permanent and o.out.refusal is not None and o.out.refusal.startswith("Not sent"):
        counts["not_sent"] += 1
    elif o.permanent or o.attempts >= MAX_ATTEMPTS:
        counts["failed"] += 1
    else:
        counts["retrying"] += 1


def waiting_count(db: Database) -> int:
    """Rows that will be sent (now or after a retry delay): the panel's and the status line's figure."""
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(N).where(N.sent_at.is_(None), N.failed_at.is_(None))) or 0
        )
