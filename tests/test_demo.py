"""The demo trust builder and the standard roles (no Qt).

The small demo is what people try the app on and what other tests stand on,
so these tests pin down the promises made about it: it repeats exactly for a
seed, it holds every state a filter can ask for, its rows obey the domain
rules (activity organisation = job organisation, period = the one containing
the start, nobody decided their own request), and the five users see what
their roles and the data sharing agreements allow (D6).
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Table, func, select, text

from db.demo import DemoSummary, build_demo
from db.engine import Database, DatabaseTarget
from db.errors import ValidationError
from db.migrate import open_database
from db.models import (
    REPORT_MODULES,
    AppUser,
    Base,
    CpdActivity,
    DataSharingAgreement,
    DataSharingRequest,
    Job,
    Level,
    Module,
    Organisation,
    OrgKind,
    OrgStatus,
    PartnershipState,
    Role,
    RolePermission,
    SharingLevel,
    SharingRequestState,
    UserGrant,
)
from db.scope import scope_for
from db.standard_roles import STANDARD_ROLES, create_trust, ensure_standard_roles

TODAY = date(2025, 11, 3)
DIGEST_TABLES = (
    "organisations", "people", "jobs", "app_users", "user_grants", "roles", "role_permissions",
    "academic_periods", "group_categories", "groups", "group_memberships", "data_sharing_agreements",
    "data_sharing_requests", "learning_modules", "training_events", "training_event_opt_ins",
    "flood_fill_batches", "cpd_activities", "budgets",
)  # fmt: skip


def digest(database: Database) -> str:
    """A hash of every row of the demo's tables, in primary-key order."""
    sha = hashlib.sha256()
    with database.read() as session:
        for name in DIGEST_TABLES:
            table = Base.metadata.tables[name]
            assert isinstance(table, Table)
            for row in session.execute(select(table).order_by(*table.primary_key.columns)):
                sha.update(repr(tuple(row)).encode())
    return sha.hexdigest()


def fresh(template: Path, target: Path) -> Database:
    target.write_bytes(template.read_bytes())
    return open_database(DatabaseTarget.parse(str(target)))


def org_id(database: Database, **where: object) -> int:
    with database.read() as session:
        query = select(Organisation.id).filter_by(**where).order_by(Organisation.id)
        return session.scalars(query).first()  # type: ignore[return-value]


def sharing_school(database: Database, level: SharingLevel | None) -> int:
    """A school at ``level`` (None: no agreement at all)."""
    with database.read() as session:
        query = (
            select(Organisation.id)
            .outerjoin(DataSharingAgreement, DataSharingAgreement.organisation_id == Organisation.id)
            .where(Organisation.kind == OrgKind.SCHOOL)
            .order_by(Organisation.id)
        )
        if level is None:
            query = query.where(DataSharingAgreement.organisation_id.is_(None))
        else:
            query = query.where(DataSharingAgreement.level == int(level))
        return session.scalars(query).first()  # type: ignore[return-value]


def user_id(database: Database, username: str) -> int:
    with database.read() as session:
        return session.scalar(select(AppUser.id).where(AppUser.username == username))  # type: ignore[return-value]


# -- building ---------------------------------------------------------------------------------


def test_small_demo_builds_with_the_promised_shape(db: Database) -> None:
    reports: list[tuple[int, int, str]] = []
    summary = build_demo(db, today=TODAY, progress=lambda done, total, msg: reports.append((done, total, msg)))

    assert isinstance(summary, DemoSummary)
    assert (summary.organisations, summary.jobs, summary.activities, summary.users) == (15, 1000, 4500, 5)
    assert 0 < summary.people < summary.jobs
    assert summary.elapsed_seconds < 30
    assert reports and reports[-1][0] == reports[-1][1]
    assert [done for done, *_ in reports] == sorted(done for done, *_ in reports)
    with db.read() as session:
        kinds = dict(session.execute(select(Organisation.kind, func.count()).group_by(Organisation.kind)).all())
        assert kinds == {OrgKind.TRUST: 1, OrgKind.CENTRAL: 1, OrgKind.SCITT: 1, OrgKind.SCHOOL: 12}
        schools = session.execute(select(Organisation).where(Organisation.kind == OrgKind.SCHOOL)).scalars().all()
        assert {s.phase for s in schools} == {"Primary", "Secondary", "All-through", "Special", "Nursery"}
        assert sorted(s.status for s in schools).count(OrgStatus.OPEN) == 10
        assert {s.status for s in schools} == set(OrgStatus)
        assert {s.inspection_grade for s in schools} - {None} == {1, 2, 3, 4}
        assert all(s.urn and len(s.urn) == 6 and s.urn.startswith("9") for s in schools)
        assert all(s.cluster and s.leader_name for s in schools)
        assert sum(s.staff_visibility_restricted for s in schools) == 1
        trust = session.scalars(select(Organisation).where(Organisation.kind == OrgKind.TRUST)).one()
        assert trust.name == "Oakfield Learning Trust" and trust.trust_uid
        periods = session.scalar(text("SELECT count(*) FROM academic_periods"))
        assert periods == 3


def test_same_seed_and_day_give_the_same_database(db: Database, empty_template: Path, tmp_path: Path) -> None:
    other = fresh(empty_template, tmp_path / "again.sqlite")
    different = fresh(empty_template, tmp_path / "different.sqlite")
    try:
        build_demo(db, seed=7, today=TODAY)
        build_demo(other, seed=7, today=TODAY)
        build_demo(different, seed=8, today=TODAY)
        assert digest(db) == digest(other)
        assert digest(db) != digest(different)
    finally:
        other.dispose()
        different.dispose()


def test_refuses_a_database_that_already_has_organisations(db: Database) -> None:
    with db.transaction() as session:
        create_trust(session, "Existing Trust", "TR00001")
    with pytest.raises(ValidationError, match="already has organisations"):
        build_demo(db, today=TODAY)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Organisation)) == 1


def test_unknown_scale_is_refused(db: Database) -> None:
    with pytest.raises(ValidationError, match="choose small or large"):
        build_demo(db, scale="enormous")


# -- the content ------------------------------------------------------------------------------


def test_every_state_appears(demo_db: Database) -> None:
    with demo_db.read() as session:
        combos = session.execute(
            select(CpdActivity.line_manager_state, CpdActivity.cpd_team_state, CpdActivity.partnership_state).distinct()
        ).all()
        completions = session.execute(
            select(CpdActivity.partnership_state, CpdActivity.completion_state).distinct()
        ).all()
        types = set(session.scalars(select(CpdActivity.activity_type).distinct()))
    assert len(combos) == 3 * 3 * 4
    assert len(completions) == 4 * 3
    assert {"Course", "Conference", "INSET", "Online module", "Coaching", "Network meeting"} <= types


def test_some_people_hold_two_or_three_jobs(demo_db: Database) -> None:
    with demo_db.read() as session:
        per_person = (
            select(Job.person_id, func.count().label("jobs")).group_by(Job.person_id).subquery()
        )  # P1: one job per organisation
        spread = dict(session.execute(select(per_person.c.jobs, func.count()).group_by(per_person.c.jobs)).all())
    assert spread.get(2, 0) >= 5
    assert spread.get(3, 0) >= 1
    assert max(spread) == 3


def test_activity_rows_obey_the_domain_rules(demo_db: Database) -> None:
    checks = {
        "activity organisation differs from its job's": """
            SELECT count(*) FROM cpd_activities a JOIN jobs j ON j.id = a.job_id
            WHERE a.organisation_id <> j.organisation_id""",
        "period does not contain the start": """
            SELECT count(*) FROM cpd_activities a JOIN academic_periods p ON p.id = a.period_id
            WHERE a.starts_on < p.starts_on OR a.starts_on > p.ends_on""",
        "ends before it starts": "SELECT count(*) FROM cpd_activities WHERE ends_on < starts_on",
        "rejection without a reason": """
            SELECT count(*) FROM cpd_activities WHERE partnership_state = 'rejected'
            AND (partnership_reason IS NULL OR partnership_reason = '')""",
        "decision without who, when or charged organisation": """
            SELECT count(*) FROM cpd_activities WHERE partnership_state <> 'pending'
            AND (partnership_user_id IS NULL OR partnership_decided_at IS NULL
                 OR charged_organisation_id IS NULL OR charged_organisation_id <> organisation_id)""",
        "pending with a decision": """
            SELECT count(*) FROM cpd_activities WHERE partnership_state = 'pending'
            AND (partnership_user_id IS NOT NULL OR charged_organisation_id IS NOT NULL)""",
        "someone decided their own request": """
            SELECT count(*) FROM cpd_activities a JOIN app_users u ON u.id = a.partnership_user_id
            WHERE u.job_id = a.job_id""",
        "line-manager decision without the manager": """
            SELECT count(*) FROM cpd_activities
            WHERE line_manager_state <> 'pending' AND line_manager_job_id IS NULL""",
        "completion without a date": """
            SELECT count(*) FROM cpd_activities
            WHERE (completion_state = 'not_completed') = (completed_on IS NOT NULL)""",
        "decided before it was asked": """
            SELECT count(*) FROM cpd_activities WHERE partnership_decided_at < created_at
            OR line_manager_decided_at < created_at OR cpd_team_decided_at < created_at""",
        "total is not the sum of the costs": """
            SELECT count(*) FROM cpd_activities WHERE total_cost_pence
            <> course_fee_pence + cover_cost_pence + travel_cost_pence + other_cost_pence""",
        "central decision where the school shares less than group actions (D6)": """
            SELECT count(*) FROM cpd_activities a
            LEFT JOIN data_sharing_agreements d ON d.organisation_id = a.organisation_id
            WHERE COALESCE(d.level, 0) < 3 AND (a.partnership_state <> 'pending' OR a.cpd_team_state <> 'pending')""",
    }
    with demo_db.read() as session:
        broken = {rule: session.scalar(text(sql)) for rule, sql in checks.items()}
        latest = session.scalar(select(func.max(CpdActivity.created_at)))
    assert broken == dict.fromkeys(checks, 0)
    assert latest is not None and latest.date() < date.today()


def test_links_to_events_modules_and_flood_fills(demo_db: Database) -> None:
    with demo_db.read() as session:
        linked = session.execute(
            text("""
            SELECT count(training_event_id), count(learning_module_id), count(flood_fill_batch_id),
                   count(evaluation) FROM cpd_activities""")
        ).one()
        batches = session.execute(
            text("""
            SELECT b.activity_count, count(a.id), b.pre_authorised FROM flood_fill_batches b
            JOIN cpd_activities a ON a.flood_fill_batch_id = b.id GROUP BY b.id""")
        ).all()
        opt_ins = session.scalar(text("SELECT count(*) FROM training_event_opt_ins"))
        unpublished = session.scalar(text("SELECT count(*) FROM training_events WHERE NOT published"))
    assert all(count > 0 for count in linked)
    assert len(batches) == 2 and all(expected == made for expected, made, _ in batches)
    assert {pre for *_, pre in batches} == {True, False}
    assert opt_ins > 0 and unpublished == 1


def test_partnership_jobs_are_brought_up_from_school_jobs(demo_db: Database) -> None:
    trust = org_id(demo_db, kind=OrgKind.TRUST)
    with demo_db.read() as session:
        jobs = session.scalars(select(Job).where(Job.organisation_id == trust)).all()
        assert len(jobs) == 6
        for job in jobs:
            source = session.get(Job, job.brought_up_from_job_id)
            assert source is not None and source.person_id == job.person_id
            assert source.organisation_id != trust
            assert job.unique_id and job.pay_scale


def test_line_managers_are_marked(demo_db: Database) -> None:
    with demo_db.read() as session:
        unmarked = session.scalar(
            text("""SELECT count(*) FROM jobs j JOIN jobs m ON m.id = j.line_manager_job_id
                    WHERE NOT m.is_line_manager""")
        )
        managed = session.scalar(select(func.count()).where(Job.line_manager_job_id.is_not(None)))
    assert unmarked == 0 and managed > 900


def test_some_schools_are_over_budget(demo_db: Database) -> None:
    with demo_db.read() as session:
        over = session.scalar(
            text("""
            SELECT count(*) FROM budgets b JOIN organisations o ON o.id = b.organisation_id
            WHERE o.kind = 'school' AND b.amount_pence < (
                SELECT coalesce(sum(total_cost_pence), 0) FROM cpd_activities a
                WHERE a.organisation_id = b.organisation_id AND a.period_id = b.period_id
                AND a.partnership_state = 'authorised')""")
        )
        trust_budgets = session.scalar(
            text("SELECT count(*) FROM budgets b JOIN organisations o ON o.id = b.organisation_id WHERE o.kind='trust'")
        )
    assert 1 <= over <= 4
    assert trust_budgets == 3


def test_data_sharing_agreements_cover_each_case(demo_db: Database) -> None:
    institution = sharing_school(demo_db, SharingLevel.INSTITUTION)
    with demo_db.read() as session:
        levels = dict(
            session.execute(select(DataSharingAgreement.level, func.count()).group_by(DataSharingAgreement.level)).all()
        )
        pending = session.execute(
            select(
                DataSharingRequest.organisation_id, DataSharingRequest.level, DataSharingRequest.recipient_job_id
            ).where(DataSharingRequest.state == SharingRequestState.PENDING)
        ).all()
    assert levels[SharingLevel.MIS] == 1 and levels[SharingLevel.INSTITUTION] == 1
    assert levels[SharingLevel.GROUP_ACTIONS] == 11  # central team, SCITT and ten schools
    assert sharing_school(demo_db, None) is not None
    assert [(org, level) for org, level, _ in pending] == [(institution, SharingLevel.GROUP_ACTIONS)]
    assert pending[0].recipient_job_id is not None


# -- users, roles and what they may do ---------------------------------------------------------


def test_the_five_users_hold_their_roles_and_jobs(demo_db: Database) -> None:
    expected = {
        "alex.morgan": "Partnership primary user",
        "sam.patel": "CPD lead",
        "jo.evans": "CPD team member",
        "chris.lee": "School CPD coordinator",
        "pat.kim": "Finance officer",
    }
    with demo_db.read() as session:
        rows = session.execute(
            select(AppUser.username, Role.name, UserGrant.organisation_id, Organisation.kind, AppUser.job_id)
            .join(UserGrant, UserGrant.user_id == AppUser.id)
            .join(Role, Role.id == UserGrant.role_id)
            .join(Organisation, Organisation.id == UserGrant.organisation_id)
            .distinct()
        ).all()
        reports = session.execute(
            select(AppUser.username, UserGrant.module)
            .join(UserGrant, UserGrant.user_id == AppUser.id)
            .where(UserGrant.role_id.is_(None))
        ).all()
        primary = session.scalars(select(AppUser.username).where(AppUser.is_primary)).all()
        chris_school = session.scalar(
            select(Job.organisation_id).join(AppUser, AppUser.job_id == Job.id).where(AppUser.username == "chris.lee")
        )
    assert {username: role for username, role, *_ in rows} == expected
    assert all(job_id is not None for *_, job_id in rows)
    assert {username: kind for username, _, _, kind, _ in rows} == {
        name: OrgKind.SCHOOL if name == "chris.lee" else OrgKind.TRUST for name in expected
    }
    assert primary == ["alex.morgan"]
    # report permissions are separate grants, given by the primary user (A1)
    assert sorted(reports) == [("sam.patel", Module.AUDIT), ("sam.patel", Module.REPORTS)]
    assert [org for name, _, org, *_ in rows if name == "chris.lee"] == [chris_school]


def test_scopes_follow_roles_and_data_sharing(demo_db: Database) -> None:
    shared = sharing_school(demo_db, SharingLevel.GROUP_ACTIONS)
    mis_only = sharing_school(demo_db, SharingLevel.MIS)
    institution_only = sharing_school(demo_db, SharingLevel.INSTITUTION)
    no_agreement = sharing_school(demo_db, None)
    restricted = org_id(demo_db, staff_visibility_restricted=True)
    cpd = Module.PARTNERSHIP_CPD
    with demo_db.read() as session:
        sam = scope_for(session, user_id(demo_db, "sam.patel"))
        alex = scope_for(session, user_id(demo_db, "alex.morgan"))
        jo = scope_for(session, user_id(demo_db, "jo.evans"))
        chris = scope_for(session, user_id(demo_db, "chris.lee"))
        pat = scope_for(session, user_id(demo_db, "pat.kim"))
        chris_school = session.scalar(
            select(Job.organisation_id).join(AppUser, AppUser.job_id == Job.id).where(AppUser.username == "chris.lee")
        )
    assert sam.level(cpd, shared) == Level.DECIDE
    assert sam.level(cpd, mis_only) == Level.COMMENT
    assert sam.level(cpd, institution_only) == Level.NONE
    assert sam.level(cpd, no_agreement) == Level.NONE
    assert sam.level(Module.STAFF, restricted) == Level.NONE and sam.level(cpd, restricted) == Level.DECIDE
    assert alex.is_primary and alex.level(Module.REPORTS, shared) == Level.DECIDE
    assert jo.level(cpd, shared) == Level.COMMENT
    assert chris.orgs(cpd) == {chris_school} and chris.level(cpd, chris_school) == Level.DECIDE
    assert chris_school != shared or chris.level(cpd, shared) == Level.DECIDE
    assert pat.level(Module.BUDGETS, shared) == Level.DECIDE and pat.level(cpd, shared) == Level.VIEW


def test_primary_user_and_cpd_lead_have_pending_requests_of_their_own(demo_db: Database) -> None:
    with demo_db.read() as session:
        for username in ("alex.morgan", "sam.patel"):
            pending = session.scalar(
                select(func.count())
                .select_from(CpdActivity)
                .join(AppUser, AppUser.job_id == CpdActivity.job_id)
                .where(AppUser.username == username, CpdActivity.partnership_state == PartnershipState.PENDING)
            )
            assert pending >= 3, username


# -- standard roles ---------------------------------------------------------------------------


def test_ensure_standard_roles_is_idempotent_and_keeps_edits(db: Database) -> None:
    with db.transaction() as session:
        first = ensure_standard_roles(session)
        lead = first["CPD lead"]
        edited = session.get(RolePermission, (lead, Module.TRAINING))
        assert edited is not None
        edited.level = Level.NONE
    with db.transaction() as session:
        second = ensure_standard_roles(session)
        permissions = session.scalar(select(func.count()).select_from(RolePermission))
        kept = session.get(RolePermission, (lead, Module.TRAINING))
    assert first == second
    assert set(first) == {role.name for role in STANDARD_ROLES}
    assert permissions == sum(len(role.permissions) for role in STANDARD_ROLES)
    assert kept is not None and kept.level == Level.NONE


def test_standard_role_levels_match_the_brief() -> None:
    roles = {role.name: role for role in STANDARD_ROLES}
    assert all(roles["Partnership primary user"].level(module) == Level.DECIDE for module in Module)
    assert roles["CPD lead"].level(Module.FLOOD_FILL) == Level.DECIDE
    assert roles["CPD lead"].level(Module.TRAINING) == Level.DECIDE  # runs the trust's training events
    assert all(roles["CPD lead"].level(module) == Level.NONE for module in REPORT_MODULES)
    assert roles["CPD team member"].level(Module.PARTNERSHIP_CPD) == Level.COMMENT
    assert roles["School CPD coordinator"].level(Module.BUDGETS) == Level.NONE
    assert roles["Finance officer"].level(Module.BUDGETS) == Level.DECIDE


def test_create_trust_makes_the_trust_and_roles_once(db: Database) -> None:
    with db.transaction() as session:
        trust_id = create_trust(session, "  Brookside Schools Trust ", "TR01234")
    with db.read() as session:
        trust = session.execute(select(Organisation.kind, Organisation.name).where(Organisation.id == trust_id)).one()
        roles = session.scalar(select(func.count()).select_from(Role))
    assert tuple(trust) == (OrgKind.TRUST, "Brookside Schools Trust")
    assert roles == len(STANDARD_ROLES)
    with pytest.raises(ValidationError, match="already has a trust"), db.transaction() as session:
        create_trust(session, "Second Trust", "TR05678")
    with pytest.raises(ValidationError), db.transaction() as session:
        create_trust(session, "", "TR05678")
