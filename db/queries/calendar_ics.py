"""The calendar as .ics (CA1): the current view, or one training event, for a diary program.

Sessions are timed events (all-day when no times were given); activities are all-day events.  The
UIDs are the ones the outbox's attachments use (``activity-<id>@<mail domain>``), so importing an
export after a mailed copy updates the diary entry instead of doubling it.  The VEVENT lines come
from the shared builder ``db.ics``.  Nothing is written unless the whole file can be: a temporary
file beside the target is put in place in one step.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.errors import ValidationError
from db.excel.writer import check_target, replace_atomically, temporary_beside
from db.ics import IcsEvent, calendar_bytes
from db.labels import state_label
from db.mail.settings import load_mail_settings
from db.models import Organisation, OrgKind, TrainingEvent, utcnow
from db.queries.calendar import (
    ActivityItem,
    CalendarFilter,
    SessionItem,
    activity_branches,
    calendar_scope,
    check_range,
    event_conditions,
    load_activity_items,
    load_sessions,
)

#: activities one export writes at most (a month of the whole trust is ~25,000)
EXPORT_LIMIT = 100_000


def session_event(item: SessionItem, domain: str) -> IcsEvent:
    if item.starts_at is not None:
        starts: date | datetime = datetime.combine(item.on_date, item.starts_at)
        ends: date | datetime = datetime.combine(item.on_date, item.ends_at or item.starts_at)
    else:
        starts = ends = item.on_date
    where = ", ".join(part for part in (item.location, item.online_link) if part)
    return IcsEvent(
        uid=f"session-{item.session_id}@{domain}",
        summary=item.title + ("" if item.published else " (draft)"),
        starts=starts,
        ends=ends,
        location=where,
        description=f"Training event run by {item.organisation}.",
        url=item.online_link,
        cancelled=item.cancelled,
    )


def activity_event(item: ActivityItem, domain: str) -> IcsEvent:
    return IcsEvent(
        uid=f"activity-{item.id}@{domain}",
        summary=f"{item.person}: {item.title}",
        starts=item.starts_on,
        ends=item.ends_on,
        description=f"CPD at {item.organisation}; {state_label(item.state).lower()}; {item.cover_days:g} cover days.",
    )


def _trust_and_domain(session: Session) -> tuple[str, str]:
    trust = session.scalar(select(Organisation.name).where(Organisation.kind == OrgKind.TRUST)) or "TrustDesk"
    return trust, load_mail_settings(session).domain


def view_ics(db: Database, user_id: int, filt: CalendarFilter) -> tuple[bytes, int]:
    """The view as one calendar file, and how many entries it holds."""
    check_range(filt)
    with db.read() as session:
        scope = calendar_scope(session, user_id)
        trust, domain = _trust_and_domain(session)
        sessions = load_sessions(session, scope, filt) if filt.events else []
        activities = load_activity_items(session, activity_branches(session, scope, filt), EXPORT_LIMIT)
    events: list[IcsEvent] = [session_event(s, domain) for s in sessions]
    events += [activity_event(a, domain) for a in activities]
    return calendar_bytes(events, trust, utcnow()), len(events)


def event_ics(db: Database, user_id: int, event_id: int) -> tuple[bytes, str]:
    """One training event's sessions as a calendar file, and the event's title."""
    with db.read() as session:
        scope = calendar_scope(session, user_id)
        found = session.execute(
            select(TrainingEvent.title, TrainingEvent.starts_on, TrainingEvent.ends_on).where(
                TrainingEvent.id == event_id
            )
        ).first()
        if found is None:
            raise ValidationError("That training event no longer exists.")
        title, first, last = found
        filt = CalendarFilter(first, last)
        visible = session.scalar(
            select(TrainingEvent.id).where(TrainingEvent.id == event_id, *event_conditions(scope, filt))
        )
        if visible is None:
            raise ValidationError("That training event is a draft of another organisation: you may not see it.")
        trust, domain = _trust_and_domain(session)
        sessions = [s for s in load_sessions(session, scope, filt) if s.event_id == event_id]
    return calendar_bytes((session_event(s, domain) for s in sessions), trust, utcnow()), title


def write_ics(path: Path, data: bytes) -> Path:
    """Put ``data`` at ``path`` whole or not at all; an unwritable place is refused in one sentence."""
    check_target(path, (".ics",))
    temporary = temporary_beside(path)
    try:
        temporary.write_bytes(data)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise ValidationError(f"TrustDesk cannot write in {path.parent}. Choose another folder.") from None
    try:
        replace_atomically(temporary, path)  # a file open elsewhere or read-only: its own sentence
    except OSError:
        raise ValidationError(
            f"TrustDesk cannot write “{path.name}” in {path.parent}. Choose another name or folder."
        ) from None
    return path
