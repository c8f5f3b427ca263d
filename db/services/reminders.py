"""Reminders (issue 17, item 4): each day, one digest to each person who still has to decide a request
that starts soon, and the trust's schedule of reminders for pending data sharing requests.

* Who decides what is ``db.queries.inbox.deciding_layers``'s answer, the same as My inbox's: the
  line manager of the individual's job (a TrustDesk user, or someone with an e-mail address), the
  school's own CPD deciders (CPD team) and the trust's (partnership, as far as D6 lets it reach).
* Requests starting within the trust's N days (Trust settings › Reminders) are reminded every day
  until they start or are decided; each person gets ONE notification listing all of theirs (N1).
* A pending data sharing request is reminded on the schedule's days after it was sent (the k-th
  reminder once the k-th day has come), recorded as the Data sharing panel records a reminder.
* Nobody is reminded twice of the same thing on the same day: ``reminders_sent`` holds one row per
  person, thing and day under a unique constraint, and a reminder is written only for the rows this
  run's insert actually added.  Two programs running at once both insert; the database lets one in.
* The run is one transaction and one audit row ("sent N reminders").  At start-up it runs once a day
  per database (``daily_reminders`` claims the day first); ``trustdesk notify remind`` always runs.

The notification rows are the queue: the outbox sends them.  What is due today, and to whom, is
read in ``db.services.reminders_due``; this module runs the day and writes the reminders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Table, select, update
from sqlalchemy.orm import Session

from db.actions import Action, begin
from db.engine import Database
from db.models import (
    DataSharingRequest,
    Organisation,
    OrgKind,
    Person,
    ReminderSent,
    SharingLevel,
    TrustSetting,
    utcnow,
)
from db.queries.data_sharing import DATA_SHARING, LEVEL_WORDS
from db.queries.inbox import GROUP_TITLES, InboxGroup
from db.reminder_settings import LAST_RUN_KEY, reminder_settings
from db.services.reminders_due import Due, requests_due, sharing_due

DIGEST_KIND = "decision_reminder"
SHARING_REMINDER_KIND = "data_sharing_reminder"
#: requests listed per layer in one digest, the soonest first; the rest are counted
DIGEST_LINES = 50
#: the tables behind the models, typed as tables (``__table__`` is declared as any FromClause)
SENT_TABLE = cast(Table, ReminderSent.__table__)
SETTINGS_TABLE = cast(Table, TrustSetting.__table__)


@dataclass(frozen=True, slots=True)
class RemindersRun:
    day: date
    #: digests written: one per person with requests to decide
    people: int = 0
    #: the requests those digests list (a request may be in several people's digests)
    requests: int = 0
    #: data sharing requests reminded
    data_sharing: int = 0

    @property
    def reminders(self) -> int:
        """Notifications written: the digests and the data sharing reminders."""
        return self.people + self.data_sharing

    @property
    def sentence(self) -> str:
        if not self.reminders:
            return f"Nothing to remind on {self.day:%d %b %Y}: everyone due a reminder today has had it."
        return (
            f"Sent {self.reminders:,} reminder{'s' if self.reminders != 1 else ''}: {self.people:,} "
            f"{'person' if self.people == 1 else 'people'} reminded of {self.requests:,} "
            f"request{'s' if self.requests != 1 else ''} to decide, {self.data_sharing:,} data sharing "
            f"request{'s' if self.data_sharing != 1 else ''} reminded."
        )


def _opted_out_condition() -> ColumnElement[bool]:
    """SQL over ``people``: those who opted out of reminder e-mails (decisions about their own
    requests still reach them)."""
    return Person.reminders_opt_out.is_(True)


def send_reminders(db: Database, user_id: int, today: date | None = None) -> RemindersRun:
    """Remind everyone of what is due today (``trustdesk notify remind``): always runs; what was already
    reminded today is left out, so running it twice sends nothing the second time."""
    run = _run(db, user_id, today or date.today(), claim=False)
    assert run is not None  # only a run that claims the day can find it taken
    return run


def daily_reminders(db: Database, user_id: int, today: date | None = None) -> RemindersRun | None:
    """The start-up run: once a day per database. None when another start-up (here or elsewhere) ran today."""
    return _run(db, user_id, today or date.today(), claim=True)


def _run(db: Database, user_id: int, today: date, *, claim: bool) -> RemindersRun | None:
    with begin(db, user_id) as act:
        session = act.session
        if claim and not _claim_day(session, today):
            return None
        settings = reminder_settings(session)
        now = utcnow()
        opted_out = set(session.scalars(select(Person.id).where(_opted_out_condition())))
        due = requests_due(session, today, settings.days_before_start, opted_out)
        sharing = sharing_due(session, today, settings.sharing_schedule, opted_out)
        added = _record(session, [*due, *sharing], today, now)
        digests = _digests([d for d in due if (d.recipient.key, d.kind, d.item_id) in added])
        act.notify_rows(digests)
        reminded = [d for d in sharing if (d.recipient.key, d.kind, d.item_id) in added]
        _remind_sharing(act, reminded, now)
        run = RemindersRun(
            day=today,
            people=len(digests),
            requests=len({d.item_id for d in due if (d.recipient.key, d.kind, d.item_id) in added}),
            data_sharing=len(reminded),
        )
        act.audit(
            "reminders_sent",
            "reminders",
            None,
            after={
                "reminders": run.reminders,
                "people": run.people,
                "requests": run.requests,
                "data_sharing": run.data_sharing,
                "day": f"{today:%d %b %Y}",
            },
        )
        if reminded:
            act.changed(DATA_SHARING, {d.extra["organisation_id"] for d in reminded})
        return run


# -- once a day, whoever starts first ---------------------------------------------------------------


def _insert_ignoring_duplicates(session: Session, table: Table) -> Any:
    # each dialect's module imported when used: SQLAlchemy's PostgreSQL dialect takes 50 ms to import
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(table).on_conflict_do_nothing()


def _claim_day(session: Session, today: date) -> bool:
    """Mark the reminders as run today; False if they already were (another program may be doing it now:
    on PostgreSQL its uncommitted claim makes this one wait, then see the day taken)."""
    value = today.isoformat()
    moved = session.execute(
        update(TrustSetting)
        .where(TrustSetting.key == LAST_RUN_KEY, TrustSetting.value != value)
        .values(value=value, version=TrustSetting.version + 1)
    )
    if cast(CursorResult[Any], moved).rowcount:
        return True
    added = session.execute(
        _insert_ignoring_duplicates(session, SETTINGS_TABLE).returning(SETTINGS_TABLE.c.key),
        {"key": LAST_RUN_KEY, "value": value, "version": 1},
    ).first()
    return added is not None


def _record(session: Session, due: Sequence[Due], today: date, now: Any) -> set[tuple[str, str, int]]:
    """Insert one ``reminders_sent`` row per (person, thing) due; the ones that went in are this run's to send."""
    if not due:
        return set()
    rows = {(d.recipient.key, d.kind, d.item_id): None for d in due}
    statement = _insert_ignoring_duplicates(session, SENT_TABLE).returning(
        SENT_TABLE.c.recipient, SENT_TABLE.c.kind, SENT_TABLE.c.item_id
    )
    added: set[tuple[str, str, int]] = set()
    keys = list(rows)
    for start in range(0, len(keys), 1000):
        params = [
            {"day": today, "recipient": key, "kind": kind, "item_id": item, "sent_at": now}
            for key, kind, item in keys[start : start + 1000]
        ]
        added.update((r, k, i) for r, k, i in session.execute(statement, params))
    return added


# -- the digest of requests that start soon ----------------------------------------------------------


def _digests(due: Sequence[Due]) -> list[dict[str, Any]]:
    """One notification per person, listing their requests by layer, soonest first."""
    by_person: dict[str, list[Due]] = defaultdict(list)
    for item in due:
        by_person[item.recipient.key].append(item)
    notes = []
    for items in by_person.values():
        recipient = items[0].recipient
        requests = len({d.item_id for d in items})
        sections = []
        for group in (InboxGroup.LINE_MANAGER, InboxGroup.CPD_TEAM, InboxGroup.PARTNERSHIP):
            lines = [f"  • {d.line}" for d in items if d.kind == group.value]
            if len(lines) > DIGEST_LINES:  # a trust-wide lead's digest stays readable; My inbox has them all
                lines = [*lines[:DIGEST_LINES], f"  … and {len(lines) - DIGEST_LINES:,} more"]
            if lines:
                sections.append(f"{GROUP_TITLES[group]}:\n" + "\n".join(lines))
        one = requests == 1
        notes.append(
            {
                "recipient_user_id": recipient.user_id,
                "recipient_job_id": recipient.job_id,
                "recipient_email": recipient.email,
                "kind": DIGEST_KIND,
                "subject": f"Reminder: {requests} request{'' if one else 's'} to decide, starting soon",
                "body": f"Dear {recipient.name},\n\n"
                + ("This request starts soon and still waits" if one else "These requests start soon and still wait")
                + " for your decision:"
                "\n\n"
                + "\n\n".join(sections)
                + f"\n\nDecide {'it' if one else 'them'} in TrustDesk: My inbox lists {'it' if one else 'them'}.",
            }
        )
    return notes


# -- data sharing requests on the trust's schedule ---------------------------------------------------


def _remind_sharing(act: Action, reminded: Sequence[Due], now: Any) -> None:
    """Count and stamp each reminder, audit and notify it, as the Data sharing panel's Remind does (D2)."""
    if not reminded:
        return
    trust = act.session.scalar(select(Organisation.name).where(Organisation.kind == OrgKind.TRUST)) or "The trust"
    requests = {
        r.id: r
        for r in act.session.scalars(
            select(DataSharingRequest).where(DataSharingRequest.id.in_([d.item_id for d in reminded]))
        )
    }
    audits, notes = [], []
    for item in reminded:
        request = requests[item.item_id]
        request.reminder_count += 1
        request.reminded_at = now
        level = LEVEL_WORDS[SharingLevel(request.level)]
        audits.append(
            {
                "action": "data_sharing_reminded",
                "entity": "organisation",
                "entity_id": request.organisation_id,
                "after": {
                    "request_id": request.id,
                    "sharing": level,
                    "recipient": request.recipient_name or request.recipient_email,
                    "reminders": request.reminder_count,
                },
            }
        )
        notes.append(
            {
                "recipient_job_id": request.recipient_job_id,
                "recipient_email": request.recipient_email,
                "kind": SHARING_REMINDER_KIND,
                "subject": f"Reminder: {trust} asks {item.extra['school']} to share {level}",
                "body": (
                    f"{trust} sent this request on {request.sent_at:%d %b %Y} and it is still waiting. Approve or "
                    "decline it in TrustDesk under Data sharing."
                ),
            }
        )
    act.session.flush()
    act.audit_rows(audits)
    act.notify_rows(notes)
