"""Giving a person's own PostgreSQL login what TrustDesk needs — and no more.

Each person connects with their own login (their identity in the audit log),
so there is no shared account and no password table of our own.  A login
that does not own the tables cannot drop the audit log's append-only trigger,
and is also refused UPDATE/DELETE/TRUNCATE on it by grants: two locks on one
door.  Beyond that a login gets only what the program writes (``PRIVILEGES``),
and the database itself stamps its name on audit entries and checks every
change of an activity against the audit entry written with it (migration 0003).
Run by an administrator (the tables' owner), e.g. from a Python prompt or the
SQL in docs/shared-database.md.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from db.errors import NotFound, ValidationError
from db.models import AppUser

# What a linked login may do beyond SELECT, table by table: what the program's services write, no
# more.  Unlisted tables take WRITABLE.  Users, roles and grants are read-only (a login that could
# write them could make itself the primary user) except for administrators (``ADMINISTERED``); the
# audit log and flood-fill batches only grow; activities are never deleted, and their changes are
# checked by the database (migration 0003).
WRITABLE = "INSERT, UPDATE, DELETE"
PRIVILEGES: dict[str, str | None] = {
    "alembic_version": None,
    "app_users": None,
    "roles": None,
    "role_permissions": None,
    "user_grants": None,
    "user_grant_groups": None,
    "audit_log": "INSERT",
    "flood_fill_batches": "INSERT",
    "cpd_activities": "INSERT, UPDATE",
    "decision_batches": "INSERT, UPDATE",
    "notifications": "INSERT, UPDATE",
    # who was reminded of what on which day: only ever added (the reminders' once-a-day guarantee)
    "reminders_sent": "INSERT",
    "saved_views": "INSERT, DELETE",
    # raised by an approval, never lowered or removed (D4): a trigger refuses the rest (migration 0006)
    "data_sharing_agreements": "INSERT, UPDATE",
    # the dashboard's sums: written only by the database's own triggers and fold (migration 0015)
    "activity_totals": None,
    # a search's sums, and the distinct titles and providers they are kept by (migration 0017): the same
    "activity_texts": None,
    "activity_text_totals": None,
}


# What the login of a user who administers users (Users & roles at decide level) may write besides:
# the users and grants the Users & roles panel changes.  Their privileges also carry the grant
# option, so that they link other people's logins from the window (never to more than they hold).
ADMINISTERED: dict[str, str] = {
    "app_users": "INSERT, UPDATE",
    "user_grants": "INSERT, UPDATE, DELETE",
    "user_grant_groups": "INSERT, DELETE",
}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(login: str, tables: Iterable[str] = (), *, administrator: bool = False) -> list[str]:
    """The SQL that lets ``login`` (an existing PostgreSQL role) use TrustDesk's tables, and no more.

    ``tables`` are the schema's tables (all of them get SELECT; those not in
    ``PRIVILEGES`` are writable); the restricted ones are listed whatever is given.
    An ``administrator`` also writes users and grants, with the grant option.
    """
    role = _quoted(login)
    option = " WITH GRANT OPTION" if administrator else ""
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}{option}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}{option}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}{option}",
    ]
    # Only tables that exist (a migration grants before later tables are made); without a list, the known ones.
    for table in sorted(set(tables) or set(PRIVILEGES)):
        privileges = ADMINISTERED.get(table) if administrator and table in ADMINISTERED else None
        privileges = privileges or PRIVILEGES.get(table, WRITABLE)
        if privileges:
            statements.append(f"GRANT {privileges} ON {_quoted(table)} TO {role}{option}")
    return statements


def _administers(connection: Connection, username: str) -> bool:
    """Whether the user holds Users & roles at decide level anywhere (their login writes users)."""
    return bool(
        connection.exec_driver_sql(
            "SELECT 1 FROM user_grants g JOIN app_users u ON u.id = g.user_id "
            "WHERE u.username = %(username)s AND u.active AND g.module = 'users' AND g.level >= 3",
            {"username": username},
        ).first()
    )


def schema_tables(connection: Connection) -> list[str]:
    """The tables of the public schema, as the server lists them."""
    rows = connection.exec_driver_sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return [name for (name,) in rows]


def regrant_linked_logins(connection: Connection) -> None:
    """Give every login already linked to a user today's grants (a migration that adds a table calls this)."""
    logins = connection.exec_driver_sql(
        "SELECT u.db_login, u.username FROM app_users u JOIN pg_roles r ON r.rolname = u.db_login "
        "WHERE u.db_login IS NOT NULL"
    )
    tables = schema_tables(connection)
    has_grants = "user_grants" in tables
    for login, username in logins.all():
        administrator = has_grants and _administers(connection, username)
        for statement in grant_statements(login, tables, administrator=administrator):
            connection.exec_driver_sql(statement)


def link_login(connection: Connection, login: str, username: str) -> None:
    """Grant ``login`` its privileges and map it to the app user ``username``.

    Run by the tables' owner (``trustdesk link-login``) or, from the window, by an administrator's
    own login, which holds its privileges with the grant option.
    """
    if connection.dialect.name != "postgresql":
        raise ValidationError("Database logins are for a shared PostgreSQL database; a SQLite file has none.")
    if connection.scalar(select(AppUser.id).where(AppUser.username == username)) is None:
        raise NotFound(f"There is no TrustDesk user called “{username}”.")
    exists = connection.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(login)s", {"login": login}).scalar()
    if not exists:
        raise NotFound(f'The server has no login called “{login}”. Create it first: CREATE ROLE "{login}" LOGIN …')
    if connection.scalar(select(AppUser.id).where(AppUser.db_login == login, AppUser.username != username)):
        raise ValidationError(f"The login “{login}” already opens TrustDesk as another user; unlink it there first.")
    administrator = _administers(connection, username)
    for statement in grant_statements(login, schema_tables(connection), administrator=administrator):
        connection.exec_driver_sql(statement)
    connection.execute(update(AppUser).where(AppUser.username == username).values(db_login=login))
