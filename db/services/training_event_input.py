"""What an event editor sends, and the checks it must pass before anything is written.

Checked before the transaction opens, so bad input costs no database work and
the sentence names the field (and the session, by its number) to correct.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from db.activity_types import ACTIVITY_TYPES
from db.errors import ValidationError
from db.models import EventPayer
from db.queries.training_event_detail import SessionRow

TITLE_MAX = 200
PROVIDER_MAX = 200
LINK = re.compile(r"^https?://\S+$", re.IGNORECASE)
#: a pound figure or budget beyond this is a typing slip, not a training budget (£10,000,000)
MONEY_MAX_PENCE = 1_000_000_000
PLACES_MAX = 10_000


@dataclass(frozen=True, slots=True)
class EventDraft:
    organisation_id: int
    title: str
    sessions: tuple[SessionRow, ...]
    description: str = ""
    provider: str = ""
    activity_type: str = ""
    places: int | None = None  # None: no limit
    cost_pence: int = 0  # per place
    budget_pence: int | None = None
    payer: EventPayer = EventPayer.SCHOOL
    learning_module_id: int | None = None
    impact: str = ""


def validate_event(draft: EventDraft) -> None:
    """Raise ValidationError with one sentence for the first thing wrong."""
    title = draft.title.strip()
    if not title:
        raise ValidationError("Give the event a title.")
    if len(title) > TITLE_MAX:
        raise ValidationError(f"The title is {len(title)} characters long; at most {TITLE_MAX} fit.")
    if len(draft.provider.strip()) > PROVIDER_MAX:
        raise ValidationError(f"The provider's name is too long; at most {PROVIDER_MAX} characters fit.")
    if draft.activity_type and draft.activity_type not in ACTIVITY_TYPES:
        raise ValidationError(f"“{draft.activity_type}” is not a type of activity; choose one from the list.")
    if draft.places is not None and not 1 <= draft.places <= PLACES_MAX:
        raise ValidationError(f"Places must be between 1 and {PLACES_MAX:,}, or left empty for no limit.")
    if not 0 <= draft.cost_pence <= MONEY_MAX_PENCE:
        raise ValidationError("The cost per place must be between £0 and £10,000,000.")
    if draft.budget_pence is not None and not 0 <= draft.budget_pence <= MONEY_MAX_PENCE:
        raise ValidationError("The event's budget must be between £0 and £10,000,000, or left empty.")
    if not isinstance(draft.payer, EventPayer):
        raise ValidationError("Choose who pays: the central budget or the school's.")
    if not draft.sessions:
        raise ValidationError("Add at least one session: its date, times and where it is.")
    seen: dict[tuple[Any, ...], int] = {}
    for number, session in enumerate(draft.sessions, start=1):
        _validate_session(number, session)
        key = (session.on_date, session.starts_at)
        if key in seen:
            raise ValidationError(
                f"Sessions {seen[key]} and {number} are both on {session.on_date:%d %b %Y}"
                + (f" at {session.starts_at:%H:%M}" if session.starts_at else "")
                + "; remove one or change its date or time."
            )
        seen[key] = number


def _validate_session(number: int, session: SessionRow) -> None:
    when = f"Session {number} ({session.on_date:%d %b %Y})"
    if (session.starts_at is None) != (session.ends_at is None):
        raise ValidationError(f"{when} needs both a start and an end time, or neither.")
    if session.starts_at is not None and session.ends_at is not None and session.ends_at <= session.starts_at:
        raise ValidationError(
            f"{when} ends at {session.ends_at:%H:%M}, before it starts at {session.starts_at:%H:%M}; correct its times."
        )
    location, link = session.location.strip(), session.online_link.strip()
    if not location and not link:
        raise ValidationError(f"{when} needs a location or an online link.")
    if link and not LINK.match(link):
        raise ValidationError(f"{when}: the online link must be a web address starting with https:// or http://.")


def audit_values(draft: EventDraft) -> dict[str, Any]:
    """The event's fields as the audit row keeps them (plain JSON values)."""
    return {
        "organisation_id": draft.organisation_id,
        "title": draft.title.strip(),
        "provider": draft.provider.strip(),
        "activity_type": draft.activity_type,
        "places": draft.places,
        "cost_pence": draft.cost_pence,
        "budget_pence": draft.budget_pence,
        "payer": draft.payer.value,
        "learning_module_id": draft.learning_module_id,
        "sessions": [
            {
                "on_date": s.on_date.isoformat(),
                "starts_at": s.starts_at.isoformat(timespec="minutes") if s.starts_at else None,
                "ends_at": s.ends_at.isoformat(timespec="minutes") if s.ends_at else None,
                "location": s.location.strip(),
                "online_link": s.online_link.strip(),
            }
            for s in draft.sessions
        ],
    }
