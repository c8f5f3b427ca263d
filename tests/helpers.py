"""Small look-ups the tests share."""

from __future__ import annotations

from sqlalchemy import select, update

from db.engine import Database
from db.models import AppUser, CpdActivity, DataSharingAgreement, GroupMembership, Job, PartnershipState, SharingLevel
from db.queries.user_admin import role_named
from db.services.grants import grant_role
from db.services.users import UserDetails, add_user


def user_id(db: Database, username: str) -> int:
    with db.read() as session:
        found = session.scalar(select(AppUser.id).where(AppUser.username == username))
    assert found is not None, f"demo user {username} missing"
    return found


def login_acts_as(db: Database, username: str) -> None:
    """On PostgreSQL, link the test's own login to ``username`` (as ``trustdesk link-login`` does), so that
    ``--as username`` is who the connection is; SQLite files have no logins, so nothing to do there."""
    if db.target.is_sqlite:
        return
    with db.transaction() as session:
        session.execute(update(AppUser).where(AppUser.db_login == db.identity).values(db_login=None))
        session.execute(update(AppUser).where(AppUser.username == username).values(db_login=db.identity))


def own_person_id(db: Database, username: str) -> int:
    with db.read() as session:
        return session.scalar(
            select(Job.person_id).join(AppUser, AppUser.job_id == Job.id).where(AppUser.username == username)
        )


def org_with_sharing(db: Database, level: SharingLevel) -> int:
    with db.read() as session:
        found = session.scalar(
            select(DataSharingAgreement.organisation_id).where(DataSharingAgreement.level == int(level)).limit(1)
        )
    assert found is not None
    return found


def activities(db: Database, *conditions, limit: int = 50) -> dict[int, int]:
    """Id → version of some activities matching the conditions."""
    with db.read() as session:
        rows = session.execute(
            select(CpdActivity.id, CpdActivity.version).where(*conditions).order_by(CpdActivity.id).limit(limit)
        )
        return dict(rows.tuples().all())


def pending_elsewhere(db: Database, username: str, org_ids: set[int], limit: int = 50) -> dict[int, int]:
    """Pending activities in these organisations that are not the user's own."""
    person = own_person_id(db, username)
    with db.read() as session:
        rows = session.execute(
            select(CpdActivity.id, CpdActivity.version)
            .join(Job, Job.id == CpdActivity.job_id)
            .where(
                CpdActivity.partnership_state == PartnershipState.PENDING,
                CpdActivity.organisation_id.in_(org_ids),
                Job.person_id != person,
            )
            .order_by(CpdActivity.id)
            .limit(limit)
        )
        return dict(rows.tuples().all())


def group_with_requests(db: Database, school: int) -> int:
    """A group at ``school`` with at least one member who has CPD activities."""
    with db.read() as session:
        return session.scalars(
            select(GroupMembership.group_id)
            .join(Job, Job.id == GroupMembership.job_id)
            .join(CpdActivity, CpdActivity.job_id == Job.id)
            .where(Job.organisation_id == school)
            .limit(1)
        ).one()


def coordinator_of_one_group(db: Database, username: str, school: int, group_id: int) -> int:
    """A new user, made by alex.morgan (the demo's user administrator), given the School CPD coordinator
    role at ``school`` restricted to one group's staff; returns the new user's id."""
    alex = user_id(db, "alex.morgan")
    coordinator = add_user(db, alex, UserDetails(username, "Restricted Coordinator"))
    grant_role(
        db,
        alex,
        coordinator,
        role_named(db, "School CPD coordinator"),
        organisation_id=school,
        title="CPD Coordinator",
        group_ids=[group_id],
    )
    return coordinator
