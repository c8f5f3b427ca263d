"""Who is acting on a shared database: the person's own PostgreSQL login, mapped to their app user."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from db.engine import Database, DatabaseTarget
from db.errors import PermissionDenied
from db.migrate import open_database
from db.models import AuditEntry, PartnershipState
from db.queries.users import user_for_login
from db.server_logins import grant_statements, link_login
from db.services.signoff import sign_off
from tests.helpers import pending_elsewhere
from tests.test_signoff import decidable_orgs

pytestmark = pytest.mark.engines("postgresql")


@pytest.fixture
def own_login(demo_db: Database) -> Iterator[str]:
    """A fresh login role (roles are server-wide, so named after this test's database)."""
    login = f"lead.{demo_db.target.url.database}"
    with demo_db.engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{login}" LOGIN')
    yield login
    with demo_db.engine.begin() as connection:
        connection.exec_driver_sql(f'DROP OWNED BY "{login}"')
        connection.exec_driver_sql(f'DROP ROLE "{login}"')


def _connect_as(demo_db: Database, login: str) -> Database:
    return open_database(DatabaseTarget(demo_db.target.url.set(username=login)))


def test_the_login_decides_who_acts_and_the_audit_records_it(demo_db: Database, own_login: str, capsys) -> None:
    from desktop.cli import main

    owner = demo_db.target.url.render_as_string(hide_password=False)
    assert main(["link-login", own_login, "sam.patel", "--db", owner]) == 0
    assert f"{own_login} now opens" in capsys.readouterr().out
    mine = _connect_as(demo_db, own_login)
    try:
        user = user_for_login(mine)
        assert user.username == "sam.patel"
        ticked = pending_elsewhere(mine, "sam.patel", decidable_orgs(mine, "sam.patel"), limit=4)
        result = sign_off(mine, user.id, ticked, PartnershipState.AUTHORISED, "Agreed at the CPD meeting")
        with mine.read() as session:
            identities = set(
                session.scalars(select(AuditEntry.db_identity).where(AuditEntry.decision_batch_id == result.batch_id))
            )
        assert identities == {own_login}
        # The ordinary login may add audit entries but never alter them (grants, besides the trigger).
        with pytest.raises(DBAPIError, match="permission denied"), mine.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE audit_log SET reason = 'edited'")
    finally:
        mine.dispose()


def test_a_login_not_linked_to_any_user_is_refused_clearly(demo_db: Database, own_login: str) -> None:
    with demo_db.engine.begin() as connection:  # the login may use the tables, but no user names it
        for statement in grant_statements(own_login):
            connection.exec_driver_sql(statement)
    mine = _connect_as(demo_db, own_login)
    try:
        with pytest.raises(PermissionDenied, match=f"login “{own_login}” is not linked to a TrustDesk user"):
            user_for_login(mine)
    finally:
        mine.dispose()


def test_the_window_opens_as_the_logins_user_without_a_sign_in_dialog(
    qtbot, demo_db: Database, own_login: str, tmp_path
) -> None:
    from desktop.app import Startup
    from desktop.launch import create_application
    from desktop.paths import AppPaths

    with demo_db.engine.begin() as connection:
        link_login(connection, own_login, "sam.patel")
    paths = AppPaths.under(tmp_path / "app")
    paths.ensure()
    startup = Startup(
        create_application(),
        DatabaseTarget(demo_db.target.url.set(username=own_login)),
        paths,
        demo=False,
        username=None,
    )
    startup.start()
    qtbot.waitUntil(lambda: startup.window is not None, timeout=15_000)
    window = startup.window
    assert window is not None
    assert window.context.user.username == "sam.patel"
    assert window.windowTitle() == f"{demo_db.target.short_name} — Sam Patel"  # Qt adds " — TrustDesk"
    assert own_login in window.database_label.text()
    window.close()
    with qtbot.waitSignal(window.destroyed, timeout=5000):
        window.deleteLater()
    # Every read the panels started has answered before the database goes away.
    qtbot.waitUntil(lambda: not startup.ops.running, timeout=15_000)
    startup.ops.wait_for_done(15_000)
    assert startup.db is not None
    startup.db.dispose()


def test_linking_a_login_the_server_does_not_know_is_refused(demo_db: Database, capsys) -> None:
    from desktop.cli import main

    owner = demo_db.target.url.render_as_string(hide_password=False)
    assert main(["link-login", "no.such.login", "sam.patel", "--db", owner]) == 2
    assert "The server has no login called “no.such.login”" in capsys.readouterr().err


def test_a_login_the_server_does_not_know_is_reported_as_such(demo_db: Database) -> None:
    from db.errors import CannotWrite

    with pytest.raises(CannotWrite, match=r"refused the login “no\.such\.person”"):
        _connect_as(demo_db, "no.such.person")


@pytest.fixture
def second_login(demo_db: Database) -> Iterator[str]:
    login = f"new.{demo_db.target.url.database}"
    with demo_db.engine.begin() as connection:
        connection.exec_driver_sql(f'CREATE ROLE "{login}" LOGIN')
    yield login
    with demo_db.engine.begin() as connection:
        connection.exec_driver_sql(f'DROP OWNED BY "{login}"')
        connection.exec_driver_sql(f'DROP ROLE "{login}"')


def test_an_administrator_adds_a_user_and_links_their_login_from_their_own_connection(
    demo_db: Database, own_login: str, second_login: str
) -> None:
    from db.models import AppUser
    from db.queries.user_admin import role_named
    from db.services.grants import grant_role
    from db.services.users import UserDetails, add_user, link_database_login

    with demo_db.engine.begin() as connection:  # the owner links the primary user's own login once
        link_login(connection, own_login, "alex.morgan")
    primary = _connect_as(demo_db, own_login)
    newcomer = None
    try:
        alex = user_for_login(primary).id
        new = add_user(primary, alex, UserDetails("new.lead", "New Lead", "new.lead@example.org"))
        grant_role(primary, alex, new, role_named(primary, "CPD lead"))
        link_database_login(primary, alex, new, second_login)
        newcomer = _connect_as(demo_db, second_login)
        user = user_for_login(newcomer)
        assert user.username == "new.lead"
        ticked = pending_elsewhere(newcomer, "new.lead", decidable_orgs(newcomer, "new.lead"), limit=3)
        result = sign_off(newcomer, user.id, ticked, PartnershipState.AUTHORISED)
        assert len(result.applied) == len(ticked) > 0
        # the new lead does not administer users, so their login cannot write them
        with pytest.raises(DBAPIError, match="permission denied"), newcomer.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE app_users SET is_primary = true")
        with primary.read() as session:
            assert session.scalar(select(AppUser.db_login).where(AppUser.id == new)) == second_login
    finally:
        primary.dispose()
        if newcomer is not None:
            newcomer.dispose()
        with demo_db.engine.begin() as connection:  # what the administrator passed on goes with their grant option
            for kind in ("ALL TABLES IN SCHEMA public", "ALL SEQUENCES IN SCHEMA public", "SCHEMA public"):
                connection.exec_driver_sql(f'REVOKE ALL ON {kind} FROM "{own_login}" CASCADE')
