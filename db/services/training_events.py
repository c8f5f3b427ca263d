"""Running training events (T1): create and edit with sessions, publish, choose who is told, unpublish, cancel.

Every change needs Training events at decide level at the organisation that
runs the event; each is one transaction with its audit row, checked against
the version the user was shown.  ``starts_on``/``ends_on`` are always the first
and last session's dates.  Publishing shows the event to every member
organisation; only the notify targets' staff are *told* (no targets: every
member's staff).  Cancelling tells everyone booked or waiting and withdraws the
CPD activities of booked places that have not been attended.  Bad input is
refused with one sentence and changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import flag_modified

from db.actions import Action, begin
from db.engine import Database
from db.errors import NotFound, ValidationError
from db.models import (
    BookingState,
    DataSharingAgreement,
    EventPayer,
    Group,
    GroupMembership,
    Job,
    LearningModule,
    Module,
    Organisation,
    OrgKind,
    OrgStatus,
    SharingLevel,
    TrainingEvent,
    TrainingEventAttendance,
    TrainingEventBooking,
    TrainingEventNotifyTarget,
    TrainingEventSession,
    utcnow,
)
from db.queries.training_event_detail import GONE, SessionRow
from db.queries.training_events import EVENTS
from db.services.training_event_input import EventDraft, audit_values, validate_event
from db.services.training_places import fill_free_places, withdraw_place_activities

__all__ = [
    "Cancelled",
    "EventDraft",
    "cancel_event",
    "create_event",
    "edit_event",
    "publish_event",
    "set_notify_targets",
    "unpublish_event",
]


def _event(act: Action, event_id: int, doing: str) -> TrainingEvent:
    """The event, if the user runs events at its organisation."""
    # Locked for the rest of the action: a booking being made at the same moment (which locks the event
    # too) waits, then sees the event as this action leaves it — cancelled, unpublished or resized.
    event = act.session.get(TrainingEvent, event_id, with_for_update=True)
    if event is None:
        raise NotFound(GONE)
    organiser = act.session.get(Organisation, event.organisation_id)
    where = organiser.name if organiser else "its organisation"
    act.require(Module.TRAINING, event.organisation_id, what=f"{doing} “{event.title}”: it needs Training events "
                f"at decide level at {where}")  # fmt: skip
    return event


def _live(event: TrainingEvent, doing: str) -> None:
    if event.cancelled_at is not None:
        raise ValidationError(f"“{event.title}” was cancelled, so you cannot {doing} it. Nothing was changed.")


def _require_organiser(act: Action, organisation_id: int) -> Organisation:
    organiser = act.fetch(Organisation, organisation_id, missing="That organisation no longer exists.")
    act.require(Module.TRAINING, organiser.id, what=f"run training events for {organiser.name}")
    return organiser


def create_event(db: Database, user_id: int, draft: EventDraft) -> int:
    """A new draft event with its sessions; returns its id."""
    validate_event(draft)
    with begin(db, user_id) as act:
        _require_organiser(act, draft.organisation_id)
        _check_module(act, draft)
        event = TrainingEvent(created_by_user_id=user_id, created_at=utcnow(), published=False, **_fields(draft))
        act.session.add(event)
        act.session.flush()
        for session_row in draft.sessions:
            act.session.add(_session(event.id, session_row))
        act.audit("training_event_created", "training_event", event.id, after=audit_values(draft))
        act.changed(EVENTS, event.id)
        return event.id


def edit_event(db: Database, user_id: int, event_id: int, shown_version: int, draft: EventDraft) -> int:
    """Save the event's details and sessions as edited; returns the new version.

    Sessions keep their ids (their registers hang on them): a session left out of
    ``draft.sessions`` is removed, unless its register was taken.  Places cannot
    go below the places already booked.
    """
    validate_event(draft)
    with begin(db, user_id) as act:
        event = _event(act, event_id, "change")
        act.check_version(event, shown_version, f"The event “{event.title}”")
        _live(event, "change")
        if draft.organisation_id != event.organisation_id:
            _require_organiser(act, draft.organisation_id)
        _check_module(act, draft)
        booked = act.session.scalar(
            select(func.count()).where(
                TrainingEventBooking.event_id == event.id, TrainingEventBooking.state == BookingState.BOOKED
            )
        )
        if draft.places is not None and booked and draft.places < booked:
            raise ValidationError(
                f"{booked} places of “{event.title}” are booked, so it cannot have only {draft.places}; "
                "cancel bookings first or keep at least that many places. Nothing was changed."
            )
        shown = _audited(event, _sessions_of(act, event.id))
        _save_sessions(act, event, draft)
        for name, value in _fields(draft).items():
            setattr(event, name, value)
        act.session.flush()
        if event.published:
            fill_free_places(act, event)  # more places: the waiting list moves up, each told
        saved = _audited(event, _sessions_of(act, event.id))
        changed = [key for key in saved if saved[key] != shown[key]]
        act.audit(
            "training_event_edited",
            "training_event",
            event.id,
            before={key: shown[key] for key in changed},
            after={"title": event.title, **{key: saved[key] for key in changed}},
        )
        act.changed(EVENTS, event.id)
        return event.version


def _sessions_of(act: Action, event_id: int) -> list[str]:
    """The sessions as the audit row keeps them: "2027-03-01 09:00–12:00 Hall"."""
    rows = act.session.scalars(
        select(TrainingEventSession)
        .where(TrainingEventSession.event_id == event_id)
        .order_by(TrainingEventSession.on_date, TrainingEventSession.starts_at)
    )
    return [
        f"{s.on_date.isoformat()} {s.starts_at or ''}–{s.ends_at or ''} {s.location or s.online_link}".strip()
        for s in rows
    ]


def _audited(event: TrainingEvent, sessions: list[str]) -> dict[str, object]:
    """The fields an edit may change, as JSON values, to compare before and after."""
    return {
        "title": event.title,
        "description": event.description,
        "provider": event.provider,
        "activity_type": event.activity_type,
        "places": event.places,
        "cost_pence": event.cost_pence,
        "budget_pence": event.budget_pence,
        "payer": EventPayer(event.payer).value,
        "learning_module_id": event.learning_module_id,
        "organisation_id": event.organisation_id,
        "timetable": sessions,
    }


def _check_module(act: Action, draft: EventDraft) -> None:
    if draft.learning_module_id is not None and act.session.get(LearningModule, draft.learning_module_id) is None:
        raise ValidationError("The chosen learning module no longer exists; choose another or none.")


def _fields(draft: EventDraft) -> dict[str, object]:
    dates = [s.on_date for s in draft.sessions]
    return {
        "organisation_id": draft.organisation_id,
        "title": draft.title.strip(),
        "description": draft.description.strip(),
        "provider": draft.provider.strip(),
        "activity_type": draft.activity_type,
        "places": draft.places,
        "cost_pence": draft.cost_pence,
        "budget_pence": draft.budget_pence,
        "payer": draft.payer,
        "learning_module_id": draft.learning_module_id,
        "impact": draft.impact.strip(),
        "starts_on": min(dates),
        "ends_on": max(dates),
    }


def _session(event_id: int, row: SessionRow) -> TrainingEventSession:
    return TrainingEventSession(
        event_id=event_id,
        on_date=row.on_date,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        location=row.location.strip(),
        online_link=row.online_link.strip(),
    )


def _save_sessions(act: Action, event: TrainingEvent, draft: EventDraft) -> None:
    existing = {s.id: s for s in act.session.scalars(select(TrainingEventSession).where(
        TrainingEventSession.event_id == event.id))}  # fmt: skip
    kept = {row.id for row in draft.sessions if row.id is not None}
    if unknown := kept - existing.keys():
        raise ValidationError(
            f"{len(unknown)} of the sessions shown were removed by someone else meanwhile; "
            "close the editor and open the event again. Nothing was changed."
        )
    removed = sorted(existing.keys() - kept)
    if removed:
        registered = act.session.scalars(
            select(TrainingEventSession.on_date)
            .where(TrainingEventSession.id.in_(removed))
            .where(TrainingEventSession.id.in_(select(TrainingEventAttendance.session_id)))
        ).first()
        if registered is not None:
            raise ValidationError(
                f"The register of the session on {registered:%d %b %Y} was taken, so that session cannot be "
                "removed. Nothing was changed."
            )
        act.session.execute(delete(TrainingEventSession).where(TrainingEventSession.id.in_(removed)))
    for row in draft.sessions:
        if row.id is None:
            act.session.add(_session(event.id, row))
            continue
        saved = existing[row.id]
        saved.on_date, saved.starts_at, saved.ends_at = row.on_date, row.starts_at, row.ends_at
        saved.location, saved.online_link = row.location.strip(), row.online_link.strip()


@dataclass(frozen=True, slots=True)
class Published:
    told: int  # notifications written: the targets' staff, or every member's


def publish_event(db: Database, user_id: int, event_id: int, shown_version: int) -> Published:
    """Show the event to every member organisation (T1) and tell the notify targets' staff."""
    with begin(db, user_id) as act:
        event = _event(act, event_id, "publish")
        act.check_version(event, shown_version, f"The event “{event.title}”")
        _live(event, "publish")
        if event.published:
            raise ValidationError(f"“{event.title}” is already published. Nothing was changed.")
        event.published = True
        event.published_at = utcnow()
        act.session.flush()
        told = _tell_targets(act, event)
        act.audit("training_event_published", "training_event", event.id, after={"title": event.title, "told": told})
        act.changed(EVENTS, event.id)
        return Published(told)


def _tell_targets(act: Action, event: TrainingEvent) -> int:
    """One notification per active job the targets reach, at organisations that share their staff (D6)."""
    session = act.session
    targets = session.execute(
        select(TrainingEventNotifyTarget.organisation_id, TrainingEventNotifyTarget.group_id).where(
            TrainingEventNotifyTarget.event_id == event.id
        )
    ).all()
    sharing = (
        select(Organisation.id)
        .outerjoin(DataSharingAgreement, DataSharingAgreement.organisation_id == Organisation.id)
        .where(
            Organisation.status != OrgStatus.CLOSED,
            or_(
                DataSharingAgreement.level >= int(SharingLevel.MIS),
                Organisation.kind.in_((OrgKind.TRUST, OrgKind.CENTRAL)),
                Organisation.id == event.organisation_id,
            ),
        )
    )
    jobs = select(Job.id.label("recipient_job_id")).where(Job.active.is_(True), Job.organisation_id.in_(sharing))
    if targets:
        org_ids = sorted({org for org, _group in targets if org is not None})
        group_ids = sorted({group for _org, group in targets if group is not None})
        jobs = jobs.where(
            or_(
                Job.organisation_id.in_(org_ids),
                Job.id.in_(select(GroupMembership.job_id).where(GroupMembership.group_id.in_(group_ids))),
            )
        )
    told = session.scalar(select(func.count()).select_from(jobs.subquery())) or 0
    when = f"{event.starts_on:%d %b %Y}" + ("" if event.ends_on == event.starts_on else f" to {event.ends_on:%d %b %Y}")
    act.notify_from_select(
        {
            "kind": "training_event_published",
            "subject": f"Training: “{event.title}”, {when}"[:300],
            "body": (event.description or event.title) + "\n\nAsk your school's CPD coordinator to book you a place.",
        },
        jobs,
        ["recipient_job_id"],
    )
    return told


def set_notify_targets(
    db: Database, user_id: int, event_id: int, shown_version: int, org_ids: Iterable[int], group_ids: Iterable[int]
) -> int:
    """Choose who publishing tells (organisations and groups; none: everyone). Returns the new version.

    The targets never hide the event: every member organisation still sees it (T1).
    """
    orgs, groups = sorted(set(org_ids)), sorted(set(group_ids))
    with begin(db, user_id) as act:
        event = _event(act, event_id, "choose who is told of")
        act.check_version(event, shown_version, f"The event “{event.title}”")
        _live(event, "choose who is told of")
        found_orgs = set(act.session.scalars(select(Organisation.id).where(Organisation.id.in_(orgs))))
        found_groups = set(act.session.scalars(select(Group.id).where(Group.id.in_(groups))))
        if len(found_orgs) < len(orgs) or len(found_groups) < len(groups):
            raise ValidationError(
                "An organisation or group you chose no longer exists; choose again. Nothing was changed."
            )
        before = [(t.organisation_id, t.group_id) for t in act.session.scalars(
            select(TrainingEventNotifyTarget).where(TrainingEventNotifyTarget.event_id == event.id))]  # fmt: skip
        act.session.execute(delete(TrainingEventNotifyTarget).where(TrainingEventNotifyTarget.event_id == event.id))
        act.session.add_all(TrainingEventNotifyTarget(event_id=event.id, organisation_id=org) for org in orgs)
        act.session.add_all(TrainingEventNotifyTarget(event_id=event.id, group_id=group) for group in groups)
        flag_modified(event, "title")  # the targets are part of the event: its version moves on
        act.session.flush()
        act.audit(
            "training_event_targets_set",
            "training_event",
            event.id,
            before={"organisations": sorted(o for o, _ in before if o), "groups": sorted(g for _, g in before if g)},
            after={"title": event.title, "organisations": orgs, "groups": groups},
        )
        act.changed(EVENTS, event.id)
        return event.version


def unpublish_event(db: Database, user_id: int, event_id: int, shown_version: int) -> None:
    """Back to a draft, seen only at its organisation; refused while anyone is booked or waiting."""
    with begin(db, user_id) as act:
        event = _event(act, event_id, "unpublish")
        act.check_version(event, shown_version, f"The event “{event.title}”")
        _live(event, "unpublish")
        if not event.published:
            raise ValidationError(f"“{event.title}” is not published. Nothing was changed.")
        live = act.session.scalar(
            select(func.count()).where(
                TrainingEventBooking.event_id == event.id, TrainingEventBooking.state != BookingState.CANCELLED
            )
        )
        if live:
            raise ValidationError(
                f"{live} people are booked or waiting on “{event.title}”, so it cannot be hidden from them; "
                "cancel the event instead, which tells them. Nothing was changed."
            )
        event.published = False
        act.audit("training_event_unpublished", "training_event", event.id, after={"title": event.title})
        act.changed(EVENTS, event.id)


@dataclass(frozen=True, slots=True)
class Cancelled:
    told: int  # people booked or waiting, each told once
    withdrawn: int  # CPD activities of booked places withdrawn


def cancel_event(db: Database, user_id: int, event_id: int, shown_version: int, reason: str) -> Cancelled:
    """Cancel with a reason: every live booking is cancelled and its person told; the CPD activities of
    booked places not yet attended are withdrawn (they no longer count in any budget)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError("Give a reason for cancelling; everyone booked is told it. Nothing was changed.")
    with begin(db, user_id) as act:
        event = _event(act, event_id, "cancel")
        act.check_version(event, shown_version, f"The event “{event.title}”")
        _live(event, "cancel")
        session, now = act.session, utcnow()
        bookings = session.execute(
            select(TrainingEventBooking.id, TrainingEventBooking.job_id, TrainingEventBooking.activity_id)
            .where(TrainingEventBooking.event_id == event.id, TrainingEventBooking.state != BookingState.CANCELLED)
            .with_for_update()
        ).all()
        session.execute(
            update(TrainingEventBooking)
            .where(TrainingEventBooking.id.in_([b.id for b in bookings]))
            .values(state=BookingState.CANCELLED, cancelled_at=now, cancelled_by_user_id=user_id,
                    version=TrainingEventBooking.version + 1),
            execution_options={"synchronize_session": False},
        )  # fmt: skip
        withdrawn = withdraw_place_activities(
            act,
            [b.activity_id for b in bookings if b.activity_id],
            f"Training event “{event.title}” cancelled: {reason}",
            attended_stays=True,  # their record stands
        )
        event.cancelled_at, event.cancelled_by_user_id, event.cancelled_reason = now, user_id, reason
        session.flush()
        jobs = sorted({b.job_id for b in bookings})
        act.notify_rows(
            [{"recipient_job_id": job, "kind": "training_event_cancelled",
              "subject": f"Cancelled: “{event.title}” ({event.starts_on:%d %b %Y})", "body": f"Reason: {reason}"}
             for job in jobs]
        )  # fmt: skip
        act.audit(
            "training_event_cancelled",
            "training_event",
            event.id,
            after={"title": event.title, "bookings_cancelled": len(bookings), "activities_withdrawn": len(withdrawn)},
            reason=reason,
        )
        act.changed(EVENTS, event.id)
        return Cancelled(told=len(jobs), withdrawn=len(withdrawn))
