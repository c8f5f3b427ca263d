"""Data sharing agreements on a trust built from empty: request, remind, approve, raise, never lower (D1-D6)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from db.audit_text import sentence
from db.changes import recorded
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import (
    AppUser,
    AuditEntry,
    DataSharingAgreement,
    DataSharingRequest,
    Level,
    Module,
    Notification,
    SharingLevel,
    SharingRecipientRole,
    SharingRequestState,
)
from db.queries.audit import AuditFilter, audit_page
from db.queries.data_sharing import (
    DATA_SHARING,
    recipient_choices,
    recipient_role_of,
    sharing_overview,
    sharing_summary,
)
from db.scope import central_action_refusals, scope_for
from db.services.data_sharing import add_contact, approve, decline, remind, request_sharing
from tests.sharing_trust import SharingTrust, add_staff, build_sharing_trust

HEAD = frozenset({SharingRecipientRole.HEAD})


@pytest.fixture
def trust(db: Database) -> SharingTrust:
    return build_sharing_trust(db)


def _counts(db: Database) -> tuple[int, int, int, int]:
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(DataSharingRequest)),
            session.scalar(select(func.count()).select_from(DataSharingAgreement)),
            session.scalar(select(func.count()).select_from(AuditEntry)),
            session.scalar(select(func.count()).select_from(Notification)),
        )


def _pending(db: Database, school: int) -> list[DataSharingRequest]:
    with db.read() as session:
        rows = session.scalars(
            select(DataSharingRequest).where(
                DataSharingRequest.organisation_id == school, DataSharingRequest.state == SharingRequestState.PENDING
            )
        ).all()
        for row in rows:
            session.expunge(row)
        return list(rows)


def _level(db: Database, school: int) -> SharingLevel:
    with db.read() as session:
        level = session.scalar(select(DataSharingAgreement.level).where(DataSharingAgreement.organisation_id == school))
    return SharingLevel(level or 0)


def _reach(db: Database, user: int, school: int) -> tuple[Level, Level]:
    """What a trust-level CPD lead reaches at ``school``: its staff, its activities."""
    with db.read() as session:
        scope = scope_for(session, user)
    return scope.level(Module.STAFF, school), scope.level(Module.PARTNERSHIP_CPD, school)


def test_request_remind_approve_and_raise_open_each_school_exactly_as_its_level_allows(
    db: Database, trust: SharingTrust
) -> None:
    schools = sorted(trust.schools.values())
    assert {row.organisation_id for row in sharing_overview(db, trust.admin).no_agreement} == set(schools)
    assert all(_reach(db, trust.lead, school) == (Level.NONE, Level.NONE) for school in schools)
    assert sharing_summary(db, trust.lead).text.startswith(f"{len(schools)} of {len(schools)} schools have not")

    sent = request_sharing(db, trust.admin, schools, SharingLevel.INSTITUTION, roles=HEAD)
    assert (sent.requests, sent.schools) == (len(schools), len(schools))
    overview = sharing_overview(db, trust.admin)
    assert overview.no_agreement == [] and {r.organisation_id for r in overview.pending} == set(schools)
    assert all(r.requested_level == SharingLevel.INSTITUTION and r.reminders == 0 for r in overview.pending)
    # D1: nobody with an outstanding request is offered again
    assert recipient_choices(db, trust.admin, schools) == []

    assert remind(db, trust.admin, schools) == len(schools)
    assert remind(db, trust.admin, schools[:1]) == 1
    reminded = {r.organisation_id: (r.reminders, r.last_reminded) for r in sharing_overview(db, trust.admin).pending}
    assert reminded[schools[0]][0] == 2 and all(reminded[s][0] == 1 for s in schools[1:])
    assert all(when is not None for _count, when in reminded.values())

    for school in schools:  # each school's own head approves, at the level asked for
        (request,) = _pending(db, school)
        assert approve(db, trust.heads[school], request.id, SharingLevel.INSTITUTION) == SharingLevel.INSTITUTION
    overview = sharing_overview(db, trust.admin)
    assert overview.pending == [] and {r.organisation_id for r in overview.approved} == set(schools)
    assert all(_reach(db, trust.lead, school) == (Level.NONE, Level.NONE) for school in schools)

    mis, actions = schools[0], schools[1]
    request_sharing(db, trust.admin, [mis, actions], SharingLevel.MIS, roles=HEAD)
    approve(db, trust.heads[mis], _pending(db, mis)[0].id, SharingLevel.MIS)
    approve(db, trust.heads[actions], _pending(db, actions)[0].id, SharingLevel.MIS)
    assert _reach(db, trust.lead, mis) == (Level.COMMENT, Level.COMMENT)  # seen, commented on, not decided
    request_sharing(db, trust.admin, [actions], SharingLevel.GROUP_ACTIONS, roles=HEAD)
    assert [r.organisation_id for r in sharing_overview(db, trust.admin).pending] == [actions]
    approve(db, trust.heads[actions], _pending(db, actions)[0].id, SharingLevel.GROUP_ACTIONS)
    assert _reach(db, trust.lead, actions) == (Level.DECIDE, Level.DECIDE)
    assert all(_reach(db, trust.lead, s) == (Level.NONE, Level.NONE) for s in schools[2:])
    with db.read() as session:
        refusals = central_action_refusals(
            session, scope_for(session, trust.lead), Module.PARTNERSHIP_CPD, schools, "x"
        )
    assert set(refusals) == set(schools) - {actions}
    assert sharing_summary(db, trust.lead).hidden == len(schools) - 2

    with db.read() as session:
        actions_written = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("data_sharing%")))
        written = sorted(actions_written)
    assert written.count("data_sharing_requested") == len(schools)
    assert written.count("data_sharing_raise_requested") == 3
    assert written.count("data_sharing_reminded") == len(schools) + 1
    assert written.count("data_sharing_approved") == len(schools)
    assert written.count("data_sharing_raised") == 3
    rows = audit_page(db, trust.admin, AuditFilter(entity="organisation", entity_id=actions))
    sentences = [sentence(row) for row in rows]
    assert any("raised the data sharing of Larkwell" in s and "group actions" in s for s in sentences), sentences


def test_recipients_are_institution_data_before_any_agreement_or_staff_import(db: Database) -> None:
    trust = build_sharing_trust(db, heads=False)
    finchbrook = trust.schools["Finchbrook Primary Academy"]
    choices = recipient_choices(db, trust.admin, [finchbrook])
    assert [(c.name, c.role, c.email, c.source) for c in choices] == [
        ("Aoife O'Brien", SharingRecipientRole.HEAD, None, "GIAS")
    ]
    before = _counts(db)
    with pytest.raises(ValidationError, match=r"Aoife O'Brien .* has no e-mail address"):
        request_sharing(db, trust.admin, [finchbrook], SharingLevel.INSTITUTION, roles=HEAD)
    with pytest.raises(ValidationError, match="has no e-mail address"):
        request_sharing(db, trust.admin, [finchbrook], SharingLevel.INSTITUTION, recipients=[choices[0].key])
    assert _counts(db) == before

    add_contact(db, trust.admin, finchbrook, "Aoife O'Brien", SharingRecipientRole.HEAD, "aoife@finchbrook.example")
    add_contact(db, trust.admin, finchbrook, "Sam Data", SharingRecipientRole.DATA_MANAGER, "data@finchbrook.example")
    add_staff(db, finchbrook, "Dee", "Puty", "Deputy headteacher", "dee@finchbrook.example")
    add_staff(db, finchbrook, "Ed", "Exec", "Executive Head Teacher", None)
    add_staff(db, finchbrook, "Tom", "Teacher", "Class teacher", "tom@finchbrook.example")
    offered = {(c.name, c.role, c.source) for c in recipient_choices(db, trust.admin, [finchbrook])}
    assert offered == {  # the GIAS leader is now the contact; a class teacher is nobody to ask
        ("Aoife O'Brien", SharingRecipientRole.HEAD, "contact"),
        ("Sam Data", SharingRecipientRole.DATA_MANAGER, "contact"),
        ("Dee Puty", SharingRecipientRole.DEPUTY_HEAD, "staff"),
        ("Ed Exec", SharingRecipientRole.EXECUTIVE_HEAD, "staff"),
    }
    everyone = frozenset(SharingRecipientRole)
    with pytest.raises(ValidationError, match=r"Ed Exec .* has no e-mail address"):
        request_sharing(db, trust.admin, [finchbrook], SharingLevel.MIS, roles=everyone)
    roles = everyone - {SharingRecipientRole.EXECUTIVE_HEAD}
    assert request_sharing(db, trust.admin, [finchbrook], SharingLevel.MIS, roles=roles).requests == 3
    with db.read() as session:
        notes = session.execute(
            select(Notification.recipient_email, Notification.recipient_job_id, Notification.kind)
        ).all()
    assert {email for email, _job, _kind in notes} == {
        "aoife@finchbrook.example",
        "data@finchbrook.example",
        "dee@finchbrook.example",
    }
    assert sum(1 for _email, job, _kind in notes if job is not None) == 1  # the deputy, from the staff import
    assert [c.name for c in recipient_choices(db, trust.admin, [finchbrook])] == ["Ed Exec"]


def test_bad_requests_each_give_one_sentence_and_change_nothing(db: Database, trust: SharingTrust) -> None:
    finchbrook, larkwell = trust.schools["Finchbrook Primary Academy"], trust.schools["Larkdale Specialist Academy"]
    request_sharing(db, trust.admin, [finchbrook], SharingLevel.INSTITUTION, roles=HEAD)
    (outstanding,) = _pending(db, finchbrook)
    key = f"contact:{outstanding.recipient_contact_id}"
    before = _counts(db)
    with pytest.raises(ValidationError, match="already has an outstanding request"):
        request_sharing(db, trust.admin, [finchbrook], SharingLevel.MIS, recipients=[key])
    with pytest.raises(ValidationError, match="Nobody at Finchbrook"):
        request_sharing(db, trust.admin, [finchbrook, larkwell], SharingLevel.MIS, roles=HEAD)
    with pytest.raises(PermissionDenied, match="administer institution details"):
        request_sharing(db, trust.lead, [larkwell], SharingLevel.MIS, roles=HEAD)
    with pytest.raises(PermissionDenied, match="administer institution details"):
        request_sharing(db, trust.heads[larkwell], [larkwell], SharingLevel.MIS, roles=HEAD)
    with pytest.raises(ValidationError, match="Choose the level"):
        request_sharing(db, trust.admin, [larkwell], SharingLevel.NONE, roles=HEAD)
    with pytest.raises(ValidationError, match="no outstanding request to remind"):
        remind(db, trust.admin, [finchbrook, larkwell])
    # D3: only the school's own permission approves, and only the level asked for
    with pytest.raises(PermissionDenied, match="only someone holding the school's own Data sharing permission"):
        approve(db, trust.admin, outstanding.id, SharingLevel.INSTITUTION)
    with pytest.raises(PermissionDenied, match="Finchbrook"):
        approve(db, trust.heads[larkwell], outstanding.id, SharingLevel.INSTITUTION)
    with pytest.raises(ValidationError, match="asks for institution data; approve that level"):
        approve(db, trust.heads[finchbrook], outstanding.id, SharingLevel.GROUP_ACTIONS)
    with pytest.raises(ValidationError, match="Give a reason"):
        decline(db, trust.heads[finchbrook], outstanding.id, "  ")
    with pytest.raises(ValidationError, match="not an e-mail address"):
        add_contact(db, trust.admin, larkwell, "Lucy King", SharingRecipientRole.HEAD, "lucy at larkdale")
    assert _counts(db) == before

    approve(db, trust.heads[finchbrook], outstanding.id, SharingLevel.INSTITUTION)
    before = _counts(db)
    with pytest.raises(ValidationError, match="cannot change an approved agreement"):
        decline(db, trust.heads[finchbrook], outstanding.id, "Changed our mind")
    with pytest.raises(ValidationError, match="can only raise the level"):
        request_sharing(db, trust.admin, [finchbrook], SharingLevel.INSTITUTION, roles=HEAD)
    assert _counts(db) == before


def test_a_declined_request_says_why_and_the_trust_may_ask_again(db: Database, trust: SharingTrust) -> None:
    school = trust.schools["Birchwell Academy"]
    request_sharing(db, trust.admin, [school], SharingLevel.MIS, roles=HEAD)
    (request,) = _pending(db, school)
    decline(db, trust.heads[school], request.id, "Governors meet in January")
    (row,) = [r for r in sharing_overview(db, trust.admin).no_agreement if r.organisation_id == school]
    assert "Governors meet in January" in row.note and row.level == SharingLevel.NONE
    with db.read() as session:
        told = session.execute(
            select(Notification.recipient_user_id, Notification.kind).where(Notification.kind.like("%declined"))
        ).all()
    assert told == [(trust.admin, "data_sharing_declined")]
    assert request_sharing(db, trust.admin, [school], SharingLevel.INSTITUTION, roles=HEAD).requests == 1
    approve(db, trust.heads[school], _pending(db, school)[0].id, SharingLevel.INSTITUTION)
    with db.read() as session:
        told = session.scalars(
            select(Notification.recipient_user_id).where(Notification.kind == "data_sharing_approved")
        )
        assert list(told) == [trust.admin]


def test_the_head_sees_only_their_own_schools_request(db: Database, trust: SharingTrust) -> None:
    schools = sorted(trust.schools.values())
    request_sharing(db, trust.admin, schools, SharingLevel.INSTITUTION, roles=HEAD)
    head_view = sharing_overview(db, trust.heads[schools[0]])
    assert [a.organisation_id for a in head_view.approvals] == [schools[0]]
    assert head_view.can_send_to == frozenset()
    assert sharing_overview(db, trust.admin).approvals == []  # the trust does not approve for a school


def test_no_route_lowers_a_level_not_even_sql(db: Database, trust: SharingTrust) -> None:
    school = trust.schools["Larkdale Specialist Academy"]
    request_sharing(db, trust.admin, [school], SharingLevel.MIS, roles=HEAD)
    approve(db, trust.heads[school], _pending(db, school)[0].id, SharingLevel.MIS)
    for statement in (
        "UPDATE data_sharing_agreements SET level = 0",
        "UPDATE data_sharing_agreements SET level = 1",
        "DELETE FROM data_sharing_agreements",
    ):
        with pytest.raises(DBAPIError, match="never"), db.engine.begin() as connection:
            connection.execute(text(statement))
    if db.engine.dialect.name == "sqlite":
        with pytest.raises(DBAPIError, match="never lowered"), db.engine.begin() as connection:
            connection.execute(
                text("INSERT OR REPLACE INTO data_sharing_agreements (organisation_id, level) VALUES (:o, 0)"),
                {"o": school},
            )
    assert _level(db, school) == SharingLevel.MIS
    with db.engine.begin() as connection:  # raising stays possible
        connection.execute(
            text("UPDATE data_sharing_agreements SET level = 3 WHERE organisation_id = :o"), {"o": school}
        )
    assert _level(db, school) == SharingLevel.GROUP_ACTIONS


def test_job_roles_are_matched_whatever_their_spelling() -> None:
    assert recipient_role_of("Headteacher") == recipient_role_of("head teacher") == SharingRecipientRole.HEAD
    assert recipient_role_of("Executive headteacher") == SharingRecipientRole.EXECUTIVE_HEAD
    assert recipient_role_of("Deputy Head-teacher") == SharingRecipientRole.DEPUTY_HEAD
    assert recipient_role_of("DATA MANAGER") == SharingRecipientRole.DATA_MANAGER
    assert recipient_role_of("Assistant headteacher") is None


@pytest.mark.engines("postgresql")
def test_a_linked_logins_sql_cannot_lower_an_agreement(db: Database, trust: SharingTrust) -> None:
    from db.engine import DatabaseTarget
    from db.migrate import open_database
    from db.server_logins import link_login

    school = trust.schools["Ashcombe Primary Academy"]
    request_sharing(db, trust.admin, [school], SharingLevel.MIS, roles=HEAD)
    login = f"head.{db.target.url.database}"
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{login}" LOGIN')
        username = connection.scalar(select(AppUser.username).where(AppUser.id == trust.heads[school]))
        link_login(connection, login, username)
    own = open_database(DatabaseTarget(db.target.url.set(username=login)))
    try:
        # the program's own path works through the login: the head approves
        approve(own, trust.heads[school], _pending(own, school)[0].id, SharingLevel.MIS)
        for statement in ("UPDATE data_sharing_agreements SET level = 0", "DELETE FROM data_sharing_agreements"):
            with pytest.raises(DBAPIError, match=r"never|permission denied"), own.engine.begin() as connection:
                connection.exec_driver_sql(statement)
        with pytest.raises(DBAPIError, match="only be raised, never lowered"), own.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE data_sharing_agreements SET level = 0")
        assert _level(own, school) == SharingLevel.MIS
    finally:
        own.dispose()
        with db.engine.begin() as connection:
            connection.exec_driver_sql(f'DROP OWNED BY "{login}"')
            connection.exec_driver_sql(f'DROP ROLE "{login}"')


def test_each_change_is_published_as_data_sharing(db: Database, trust: SharingTrust) -> None:
    school = trust.schools["Larkdale Specialist Academy"]
    done = recorded(lambda: request_sharing(db, trust.admin, [school], SharingLevel.MIS, roles=HEAD))
    assert [(c.kind, c.ids) for c in done.changes] == [(DATA_SHARING, frozenset({school}))]
    request_id = _pending(db, school)[0].id
    done = recorded(lambda: approve(db, trust.heads[school], request_id, SharingLevel.MIS))
    assert [(c.kind, c.ids) for c in done.changes] == [(DATA_SHARING, frozenset({school}))]


def test_an_approval_closes_the_other_requests_it_answers_so_none_can_lower_it(
    db: Database, trust: SharingTrust
) -> None:
    school = trust.schools["Finchbrook Primary Academy"]
    add_contact(db, trust.admin, school, "Dee Puty", SharingRecipientRole.DEPUTY_HEAD, "dee@finchbrook.example")
    request_sharing(db, trust.admin, [school], SharingLevel.INSTITUTION, roles={SharingRecipientRole.DEPUTY_HEAD})
    request_sharing(db, trust.admin, [school], SharingLevel.MIS, roles=HEAD)
    lower, higher = sorted(_pending(db, school), key=lambda r: r.level)
    approve(db, trust.heads[school], higher.id, SharingLevel.MIS)
    assert _pending(db, school) == []
    with pytest.raises(ValidationError, match="was closed when"):
        approve(db, trust.heads[school], lower.id, SharingLevel.INSTITUTION)
    assert _level(db, school) == SharingLevel.MIS


def test_migrating_an_older_trust_adds_the_head_teacher_role(db: Database) -> None:
    from alembic import command

    from db.migrate import alembic_config
    from db.models import Role
    from db.services.trust_setup import create_new_trust
    from db.standard_roles import HEAD_TEACHER

    create_new_trust(db, "Oakfield Learning Trust", "TR09471", "Jane Smith", "jane.smith")
    with db.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0007")
        connection.execute(
            text("DELETE FROM role_permissions WHERE role_id = (SELECT id FROM roles WHERE name = :n)"),
            {"n": HEAD_TEACHER},
        )
        connection.execute(text("DELETE FROM roles WHERE name = :n"), {"n": HEAD_TEACHER})
        command.upgrade(alembic_config(connection), "head")
    with db.read() as session:
        role = session.scalar(select(Role).where(Role.name == HEAD_TEACHER))
        assert role is not None
