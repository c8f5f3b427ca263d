"""A member organisation opting into a training event, or out of it (T1).

Opting in or out needs Training events at decide level at that school: a user of the school
itself, or the central team on its behalf through a grant held at the trust (the audit row
says "on behalf of").  A school with staff booked or waiting cannot opt out until those
bookings are cancelled: its staff would hold places at an event it had left.
"""

from __future__ import annotations

from sqlalchemy import func, select

from db.actions import Action, begin
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import (
    BookingState,
    Level,
    Module,
    Organisation,
    OrgKind,
    TrainingEvent,
    TrainingEventBooking,
    TrainingEventOptIn,
    utcnow,
)
from db.queries.training_bookings import BOOKINGS
from db.scope import deciding_grants
from db.services.training_places import lock_event


def _opt_in_rules(act: Action, event_id: int, organisation_id: int, doing: str) -> tuple[TrainingEvent, Organisation]:
    event = lock_event(act, event_id)
    org = act.fetch(Organisation, organisation_id, missing="That organisation no longer exists.")
    if org.kind is OrgKind.TRUST or org.trust_id is None:
        raise ValidationError(f"{org.name} is not a member organisation, so it cannot {doing} an event.")
    if not act.scope.can_act(Module.TRAINING, org.id, Level.DECIDE):
        raise PermissionDenied(
            f"You may not {doing} “{event.title}” for {org.name}: it needs Training events at decide level there."
        )
    return event, org


def _on_behalf(act: Action, organisation_id: int) -> bool:
    held, _central = deciding_grants(act.session, act.user_id, Module.TRAINING)
    return organisation_id not in held


def opt_in(db: Database, user_id: int, event_id: int, organisation_id: int) -> None:
    """The school takes part in the event: its staff may now be booked."""
    with begin(db, user_id) as act:
        event, org = _opt_in_rules(act, event_id, organisation_id, "opt into")
        if event.cancelled_at is not None or not event.published:
            state = "was cancelled" if event.cancelled_at is not None else "is not published"
            raise ValidationError(f"“{event.title}” {state}, so {org.name} cannot opt into it.")
        if act.session.get(TrainingEventOptIn, (event.id, org.id)) is not None:
            raise ValidationError(f"{org.name} has already opted into “{event.title}”.")
        act.session.add(
            TrainingEventOptIn(
                event_id=event.id, organisation_id=org.id, opted_in_at=utcnow(), opted_in_by_user_id=user_id
            )
        )
        behalf = _on_behalf(act, org.id)
        act.audit(
            "training_opted_in",
            "training_event",
            event.id,
            after={"organisation_id": org.id, "organisation": org.name, "on_behalf": behalf},
            reason=f"On behalf of {org.name}" if behalf else None,
        )
        act.changed(BOOKINGS, event.id)


def opt_out(db: Database, user_id: int, event_id: int, organisation_id: int) -> None:
    """The school no longer takes part; refused while any of its staff are booked or waiting."""
    with begin(db, user_id) as act:
        event, org = _opt_in_rules(act, event_id, organisation_id, "opt out of")
        found = act.session.get(TrainingEventOptIn, (event.id, org.id))
        if found is None:
            raise ValidationError(f"{org.name} has not opted into “{event.title}”.")
        live = act.session.scalar(
            select(func.count()).where(
                TrainingEventBooking.event_id == event.id,
                TrainingEventBooking.organisation_id == org.id,
                TrainingEventBooking.state != BookingState.CANCELLED,
            )
        )
        if live:
            raise ValidationError(
                f"{org.name} has {live:,} staff booked or waiting on “{event.title}”: cancel their bookings first. "
                "It stays opted in."
            )
        act.session.delete(found)
        behalf = _on_behalf(act, org.id)
        act.audit(
            "training_opted_out",
            "training_event",
            event.id,
            before={"organisation_id": org.id, "organisation": org.name},
            after={"on_behalf": behalf},
            reason=f"On behalf of {org.name}" if behalf else None,
        )
        act.changed(BOOKINGS, event.id)
