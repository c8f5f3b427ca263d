"""Training events for the booking tests, made straight through the ORM: published, with places and sessions.

The event editor and publishing are another part of the module; these tests need an event as it
is once published, not the way it got there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta

from sqlalchemy import select

from db.engine import Database
from db.models import (
    AppUser,
    DataSharingAgreement,
    EventPayer,
    Job,
    Level,
    Module,
    Organisation,
    OrgKind,
    SharingLevel,
    TrainingEvent,
    TrainingEventOptIn,
    TrainingEventSession,
    UserGrant,
)


def make_event(
    db: Database,
    *,
    title: str = "Behaviour for learning",
    places: int | None = 20,
    cost_pence: int = 5_000,
    budget_pence: int | None = 150_000,
    payer: EventPayer = EventPayer.SCHOOL,
    days: Sequence[date] = (),
    published: bool = True,
) -> int:
    """A published event of the trust, its sessions on ``days`` (default: one, a week ahead)."""
    days = sorted(days) or [date.today() + timedelta(days=7)]
    with db.transaction() as session:
        trust = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
        event = TrainingEvent(
            organisation_id=trust,
            title=title,
            starts_on=days[0],
            ends_on=days[-1],
            places=places,
            cost_pence=cost_pence,
            budget_pence=budget_pence,
            payer=payer,
            provider="Trust learning team",
            activity_type="Course",
            description="",
            published=published,
        )
        session.add(event)
        session.flush()
        for day in days:
            session.add(
                TrainingEventSession(
                    event_id=event.id, on_date=day, starts_at=time(9), ends_at=time(15, 30), location="Room 1"
                )
            )
        return event.id


def schools(db: Database, level: SharingLevel = SharingLevel.GROUP_ACTIONS, *, count: int = 2) -> list[int]:
    """Schools sharing exactly ``level``, not hiding their staff, with at least 30 active jobs."""
    with db.read() as session:
        found = []
        for org_id, hidden in session.execute(
            select(Organisation.id, Organisation.staff_visibility_restricted)
            .join(DataSharingAgreement, DataSharingAgreement.organisation_id == Organisation.id)
            .where(DataSharingAgreement.level == int(level), Organisation.kind == OrgKind.SCHOOL)
            .order_by(Organisation.id)
        ):
            jobs = session.scalars(select(Job.id).where(Job.organisation_id == org_id, Job.active.is_(True))).all()
            if not hidden and len(jobs) >= 30:
                found.append(org_id)
    assert len(found) >= count, f"the demo has too few schools sharing {level!r}"
    return found[:count]


def staff_at(db: Database, organisation_id: int, count: int) -> list[int]:
    """Active jobs at the school that belong to no user (nobody books their own training here)."""
    with db.read() as session:
        users = select(AppUser.job_id).where(AppUser.job_id.is_not(None))
        rows = session.scalars(
            select(Job.id)
            .where(Job.organisation_id == organisation_id, Job.active.is_(True), Job.id.not_in(users))
            .order_by(Job.id)
            .limit(count)
        ).all()
    assert len(rows) == count
    return list(rows)


def opted_in(db: Database, event_id: int, *organisation_ids: int) -> None:
    """Opt schools in directly (the opt-in service has its own tests)."""
    with db.transaction() as session:
        for org_id in organisation_ids:
            session.add(TrainingEventOptIn(event_id=event_id, organisation_id=org_id))


def grant(db: Database, username: str, module: Module, level: Level, organisation_id: int) -> None:
    with db.transaction() as session:
        user = session.scalar(select(AppUser.id).where(AppUser.username == username))
        session.add(UserGrant(user_id=user, module=module, level=level, organisation_id=organisation_id))


def event_version(db: Database, event_id: int) -> int:
    with db.read() as session:
        event = session.get(TrainingEvent, event_id)
        assert event is not None
        return event.version
