"""A linked PostgreSQL login cannot go round the program (A2, A3, C3).

Whatever such a login sends at a SQL prompt, the database stamps its own name
on audit entries, refuses a change of an activity that has no audit entry of
its own in the same transaction, and refuses a decision on its own request;
the program's ordinary paths, taken by the same login, still work.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from db.engine import Database, DatabaseTarget
from db.migrate import open_database
from db.models import AuditEntry, CpdActivity, Job, PartnershipState
from db.server_logins import link_login
from db.services.activity_edits import current_edit, edit_activity
from db.services.decisions import mark_completed, revert_batch
from db.services.flood_fill import create_flood_fill
from db.services.signoff import sign_off
from tests.helpers import own_person_id, pending_elsewhere, user_id
from tests.test_flood_fill_service import fillable_jobs, spec  # noqa: F401  (fixture)
from tests.test_signoff import decidable_orgs, states

pytestmark = pytest.mark.engines("postgresql")


@pytest.fixture
def sams_login(demo_db: Database) -> Iterator[Database]:
    """sam.patel's own login, linked the way `trustdesk link-login` does it, connected."""
    login = f"sam.{demo_db.target.url.database}"
    with demo_db.engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{login}" LOGIN')
        link_login(connection, login, "sam.patel")
    mine = open_database(DatabaseTarget(demo_db.target.url.set(username=login)))
    yield mine
    mine.dispose()
    with demo_db.engine.begin() as connection:
        connection.exec_driver_sql(f'DROP OWNED BY "{login}"')
        connection.exec_driver_sql(f'DROP ROLE "{login}"')


def _pending(db: Database, limit: int = 3) -> list[int]:
    return sorted(pending_elsewhere(db, "sam.patel", decidable_orgs(db, "sam.patel"), limit=limit))


def _own_pending(owner: Database) -> int:
    """A pending request of sam.patel's own person (added by the tables' owner if the demo has none)."""
    person = own_person_id(owner, "sam.patel")
    with owner.transaction() as session:
        found = session.scalar(
            select(CpdActivity.id)
            .join(Job, Job.id == CpdActivity.job_id)
            .where(Job.person_id == person, CpdActivity.partnership_state == PartnershipState.PENDING)
            .limit(1)
        )
        if found is not None:
            return found
        template = session.scalar(select(CpdActivity).limit(1))
        job = session.scalar(select(Job).where(Job.person_id == person).limit(1))
        row = CpdActivity(
            **{
                column.key: getattr(template, column.key)
                for column in CpdActivity.__table__.columns
                if column.key not in {"id", "job_id", "organisation_id"} and not column.key.startswith("partnership")
                and column.key not in {"decision_batch_id", "charged_organisation_id"}
            },
            job_id=job.id,
            organisation_id=job.organisation_id,
            partnership_state=PartnershipState.PENDING,
        )  # fmt: skip
        session.add(row)
        session.flush()
        return row.id


def _audit_sql(activity_id: int, uid: int, state: str = "authorised", identity: str = "someone.else") -> str:
    return (
        "INSERT INTO audit_log (at, user_id, db_identity, action, entity, entity_id, after) VALUES "
        f"(now(), {uid}, '{identity}', 'partnership_{state}', 'cpd_activity', {activity_id}, "
        f'\'{{"partnership_state": "{state}"}}\')'
    )


def _decide_sql(activity_id: int, uid: int, state: str = "authorised") -> str:
    return (
        f"UPDATE cpd_activities SET partnership_state = '{state}', partnership_user_id = {uid}, "
        f"partnership_decided_at = now(), version = version + 1 WHERE id = {activity_id}"
    )


def _refused(db: Database, *statements: str, match: str) -> None:
    with pytest.raises(DBAPIError, match=match), db.engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


@pytest.mark.parametrize("state", ["authorised", "rejected", "needs_reauthorisation"])
def test_a_decision_by_hand_without_an_audit_entry_is_refused(demo_db, sams_login, state) -> None:
    sam = user_id(demo_db, "sam.patel")
    ids = _pending(demo_db)
    _refused(sams_login, _decide_sql(ids[0], sam, state), match="without its audit entry")
    assert states(demo_db, ids) == dict.fromkeys(ids, PartnershipState.PENDING)


@pytest.mark.parametrize(
    "change",
    [
        "course_fee_pence = course_fee_pence + 100000",
        "charged_organisation_id = organisation_id",
        "decision_batch_id = NULL, version = version + 1",
    ],
)
def test_any_other_change_by_hand_without_an_audit_entry_is_refused(demo_db, sams_login, change) -> None:
    activity = _pending(demo_db, 1)[0]
    _refused(sams_login, f"UPDATE cpd_activities SET {change} WHERE id = {activity}", match="without its audit entry")


def test_an_audit_entry_recording_another_state_does_not_cover_the_change(demo_db, sams_login) -> None:
    sam = user_id(demo_db, "sam.patel")
    activity = _pending(demo_db, 1)[0]
    _refused(
        sams_login,
        _audit_sql(activity, sam, "rejected"),
        _decide_sql(activity, sam, "authorised"),
        match="without its audit entry",
    )
    assert states(demo_db, [activity]) == {activity: PartnershipState.PENDING}


def test_an_audit_entry_in_an_earlier_transaction_does_not_cover_the_change(demo_db, sams_login) -> None:
    sam = user_id(demo_db, "sam.patel")
    activity = _pending(demo_db, 1)[0]
    with sams_login.engine.begin() as connection:
        connection.exec_driver_sql(_audit_sql(activity, sam))
    _refused(sams_login, _decide_sql(activity, sam), match="without its audit entry")


def test_audit_entries_carry_the_real_login_whatever_the_client_says(demo_db, sams_login) -> None:
    sam = user_id(demo_db, "sam.patel")
    activity = _pending(demo_db, 1)[0]
    with sams_login.engine.begin() as connection:
        connection.exec_driver_sql(_audit_sql(activity, sam, identity="alex.morgan"))
        connection.exec_driver_sql(_audit_sql(activity, sam, identity="") + ", " + "(now(), NULL, NULL, 'note', "
                                   f"'cpd_activity', {activity}, NULL)")  # fmt: skip
    with demo_db.read() as session:
        rows = session.execute(
            select(AuditEntry.db_identity, AuditEntry.user_id).where(AuditEntry.entity_id == activity)
            .where(AuditEntry.entity == "cpd_activity").order_by(AuditEntry.id.desc()).limit(3)
        ).all()  # fmt: skip
    assert {row.db_identity for row in rows} == {sams_login.identity}
    assert {row.user_id for row in rows} == {sam}  # a missing user is the login's own


def test_an_audit_entry_naming_another_user_is_refused(demo_db, sams_login) -> None:
    alex = user_id(demo_db, "alex.morgan")
    activity = _pending(demo_db, 1)[0]
    _refused(sams_login, _audit_sql(activity, alex), match="names another TrustDesk user")


def test_a_decision_naming_another_user_is_refused_even_with_its_audit_entry(demo_db, sams_login) -> None:
    sam, alex = user_id(demo_db, "sam.patel"), user_id(demo_db, "alex.morgan")
    activity = _pending(demo_db, 1)[0]
    _refused(sams_login, _audit_sql(activity, sam), _decide_sql(activity, alex), match="must name the TrustDesk user")


def test_authorising_your_own_request_by_hand_is_refused_even_with_its_audit_entry(demo_db, sams_login) -> None:
    sam = user_id(demo_db, "sam.patel")
    own = _own_pending(demo_db)
    _refused(sams_login, _audit_sql(own, sam), _decide_sql(own, sam), match="Nobody authorises their own")
    assert states(demo_db, [own]) == {own: PartnershipState.PENDING}


def test_inserting_an_activity_already_authorised_without_audit_is_refused(demo_db, sams_login) -> None:
    sam = user_id(demo_db, "sam.patel")
    source = _pending(demo_db, 1)[0]
    skipped = {"id", "partnership_state", "partnership_user_id"}
    columns = [c.name for c in CpdActivity.__table__.columns if c.computed is None and c.name not in skipped]
    listed = ", ".join(columns)
    _refused(
        sams_login,
        f"INSERT INTO cpd_activities ({listed}, partnership_state, partnership_user_id) "
        f"SELECT {listed}, 'authorised', {sam} FROM cpd_activities WHERE id = {source}",
        match="without its audit entry",
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE app_users SET db_login = current_user WHERE username = 'alex.morgan'",
        "UPDATE app_users SET is_primary = true",
        "INSERT INTO user_grants (user_id, module, level, organisation_id, granted_at) "
        "SELECT user_id, module, level, organisation_id, granted_at FROM user_grants LIMIT 1",
        "DELETE FROM cpd_activities WHERE id = (SELECT min(id) FROM cpd_activities)",
        "UPDATE audit_log SET reason = 'edited'",
        "DELETE FROM decision_batches",
        "UPDATE flood_fill_batches SET title = 'renamed'",
        "DELETE FROM alembic_version",
    ],
)
def test_the_login_has_no_rights_the_program_does_not_use(sams_login, statement) -> None:
    _refused(sams_login, statement, match="permission denied")


def test_the_programs_own_paths_work_for_the_login(demo_db, sams_login, spec) -> None:  # noqa: F811
    """Sign-off, undo, an edit, completion and a pre-authorised flood fill as the linked login: all pass the guard."""
    sam = user_id(sams_login, "sam.patel")
    ticked = pending_elsewhere(sams_login, "sam.patel", decidable_orgs(sams_login, "sam.patel"), limit=5)
    decided = sign_off(sams_login, sam, ticked, PartnershipState.AUTHORISED, "Agreed")
    assert sorted(decided.applied) == sorted(ticked)
    revert_batch(sams_login, sam, decided.batch_id)
    assert set(states(demo_db, list(ticked)).values()) == {PartnershipState.PENDING}
    again = sign_off(sams_login, sam, {i: v + 2 for i, v in ticked.items()}, PartnershipState.AUTHORISED, "Agreed")
    first = min(ticked)
    with sams_login.read() as session:
        row = session.get(CpdActivity, first)
        edit = replace(current_edit(row), travel_cost_pence=row.travel_cost_pence + 500)
        starts_on = row.starts_on
    edited = edit_activity(sams_login, sam, first, ticked[first] + 3, edit, "Train fare")  # C5: back to re-decide
    assert edited.state is PartnershipState.NEEDS_REAUTHORISATION and again.batch_id is not None
    mark_completed(sams_login, sam, first, edited.version, starts_on)

    jobs = fillable_jobs(sams_login, "sam.patel", limit=8)
    fill = create_flood_fill(sams_login, sam, replace(spec, pre_authorise=True), jobs)
    with demo_db.read() as session:
        made = session.scalars(select(CpdActivity.partnership_state).where(
            CpdActivity.flood_fill_batch_id == fill.batch_id)).all()  # fmt: skip
        identities = set(session.scalars(select(AuditEntry.db_identity).where(AuditEntry.user_id == sam)))
    assert made == [PartnershipState.AUTHORISED] * 8
    assert sams_login.identity in identities


def test_migrating_narrows_the_grants_of_a_login_linked_before(demo_db, sams_login) -> None:
    from alembic import command

    from db.migrate import alembic_config

    with demo_db.engine.begin() as connection:  # as an older link-login left it: everything on every table
        connection.exec_driver_sql(f'GRANT ALL ON ALL TABLES IN SCHEMA public TO "{sams_login.identity}"')
        command.downgrade(alembic_config(connection), "0002")
        command.upgrade(alembic_config(connection), "head")
    _refused(sams_login, "UPDATE app_users SET is_primary = true", match="permission denied")
    _refused(sams_login, _decide_sql(_pending(demo_db, 1)[0], user_id(demo_db, "sam.patel")), match="audit entry")
