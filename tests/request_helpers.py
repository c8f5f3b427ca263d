"""Look-ups shared by the request tests: jobs in the demo trust to enter requests for, and a flood fill."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from db.engine import Database
from db.models import AppUser, DataSharingAgreement, Job, Level, Module, SharingLevel
from db.scope import scope_for
from db.services.flood_fill import FloodFillSpec, create_flood_fill
from db.services.requests import RequestDetails
from tests.helpers import user_id


def job_at(db: Database, organisation_id: int, *, not_user: bool = True) -> int:
    """An active job at the organisation that belongs to no demo user."""
    with db.read() as session:
        users = select(AppUser.job_id).where(AppUser.job_id.is_not(None))
        query = select(Job.id).where(Job.organisation_id == organisation_id, Job.active.is_(True))
        if not_user:
            query = query.where(Job.id.not_in(users))
        found = session.scalar(query.order_by(Job.id).limit(1))
    assert found is not None
    return found


def school_sharing(db: Database, level: SharingLevel) -> int:
    with db.read() as session:
        found = session.scalar(
            select(DataSharingAgreement.organisation_id)
            .where(DataSharingAgreement.level == int(level))
            .order_by(DataSharingAgreement.organisation_id)
            .limit(1)
        )
    assert found is not None
    return found


def user_job(db: Database, username: str) -> tuple[int, int]:
    """(job id, organisation id) of a demo user."""
    with db.read() as session:
        found = session.execute(
            select(Job.id, Job.organisation_id)
            .join(AppUser, AppUser.job_id == Job.id)
            .where(AppUser.username == username)
        ).first()
    assert found is not None
    return found[0], found[1]


def managed_job(db: Database, username: str) -> int:
    """A job whose line manager is the demo user's own job."""
    manager, _org = user_job(db, username)
    with db.read() as session:
        found = session.scalar(select(Job.id).where(Job.line_manager_job_id == manager).order_by(Job.id).limit(1))
    assert found is not None, f"{username} manages nobody in the demo"
    return found


def details(**changes: object) -> RequestDetails:
    values: dict = {
        "title": "Phonics leadership course",
        "activity_type": "Course",
        "provider": "Ridgeway Teaching School Hub",
        "starts_on": date(2026, 11, 3),
        "ends_on": date(2026, 11, 24),
        "sessions": (date(2026, 11, 10), date(2026, 11, 24)),
        "course_fee_pence": 45_000,
        "cover_cost_pence": 18_000,
        "travel_cost_pence": 2_400,
        "other_cost_pence": 0,
        "cover_days": 1.5,
        "intended_outcome": "Consistent phonics teaching in Year 1",
        "impact_measure": "Phonics screening check results",
        "sharing_plan": "Twilight session for KS1 staff",
    }
    values.update(changes)
    return RequestDetails(**values)


def flood_fill_plain_and_pre_authorised(db: Database, username: str, schools: int = 6) -> None:
    """One activity flood-filled by ``username`` onto a job at each of the first ``schools`` schools they
    may flood-fill and decide for, then another pre-authorised (F5): inserts, decisions and audit rows at once."""
    user = user_id(db, username)
    with db.read() as session:
        creator = session.scalars(select(AppUser.job_id).where(AppUser.is_primary.is_(True)).limit(1)).one()
        scope = scope_for(session, user)
        orgs = scope.orgs(Module.FLOOD_FILL, at_least=Level.DECIDE) & scope.orgs(
            Module.PARTNERSHIP_CPD, at_least=Level.DECIDE
        )
    assert creator is not None
    jobs = [job_at(db, org) for org in sorted(orgs)[:schools]]
    spec = FloodFillSpec(
        title="INSET: phonics refresher",
        activity_type="INSET",
        provider="Trust English hub",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 1, 5),
        creator_job_id=creator,
        course_fee_pence=1500,
        cover_days=1.0,
    )
    create_flood_fill(db, user, spec, jobs)
    create_flood_fill(db, user, replace(spec, title="Safeguarding update", pre_authorise=True), jobs)
