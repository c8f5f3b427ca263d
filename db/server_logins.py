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
# write them could make itself the primary user); the audit log and flood-fill batches only grow;
# activities are never deleted, and their changes are checked by the database (migration 0003).
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
    "saved_views": "INSERT, DELETE",
}


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(login: str, tables: Iterable[str] = ()) -> list[str]:
    """The SQL that lets ``login`` (an existing PostgreSQL role) use TrustDesk's tables, and no more.

    ``tables`` are the schema's tables (all of them get SELECT; those not in
    ``PRIVILEGES`` are writable); the restricted ones are listed whatever is given.
    """
    role = _quoted(login)
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    ]
    # Only tables that exist (a migration grants before later tables are made); without a list, the known ones.
    for table in sorted(set(tables) or set(PRIVILEGES)):
        privileges = PRIVILEGES.get(table, WRITABLE)
        if privileges:
            statements.append(f"GRANT {privileges} ON {_quoted(table)} TO {role}")
    return statements


def schema_tables(connection: Connection) -> list[str]:
    """The tables of the public schema, as the server lists them."""
    rows = connection.exec_driver_sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return [name for (name,) in rows]


def regrant_linked_logins(connection: Connection) -> None:
    """Give every login already linked to a user today's grants (a migration that adds a table calls this)."""
    logins = connection.exec_driver_sql(
        "SELECT u.db_login FROM app_users u JOIN pg_roles r ON r.rolname = u.db_login WHERE u.db_login IS NOT NULL"
    )
    tables = schema_tables(connection)
    for (login,) in logins.all():
        for statement in grant_statements(login, tables):
            connection.exec_driver_sql(statement)


def link_login(connection: Connection, login: str, username: str) -> None:
    """Grant ``login`` its privileges and map it to the app user ``username``."""
    if connection.dialect.name != "postgresql":
        raise ValidationError("Database logins are for a shared PostgreSQL database; a SQLite file has none.")
    if connection.scalar(select(AppUser.id).where(AppUser.username == username)) is None:
        raise NotFound(f"There is no TrustDesk user called “{username}”.")
    exists = connection.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(login)s", {"login": login}).scalar()
    if not exists:
        raise NotFound(f'The server has no login called “{login}”. Create it first: CREATE ROLE "{login}" LOGIN …')
    for statement in grant_statements(login, schema_tables(connection)):
        connection.exec_driver_sql(statement)
    connection.execute(update(AppUser).where(AppUser.username == username).values(db_login=login))
