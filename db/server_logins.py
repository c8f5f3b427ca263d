"""Giving a person's own PostgreSQL login what TrustDesk needs — and no more.

Each person connects with their own login (their identity in the audit log),
so there is no shared account and no password table of our own.  A login
that does not own the tables cannot drop the audit log's append-only trigger,
and is also refused UPDATE/DELETE/TRUNCATE on it by grants: two locks on one
door.  Run by an administrator (the tables' owner), e.g. from a Python prompt
or the README's SQL.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from db.errors import NotFound, ValidationError
from db.models import AppUser


def grant_statements(login: str) -> list[str]:
    """The SQL that lets ``login`` (an existing PostgreSQL role) use TrustDesk's tables."""
    role = '"' + login.replace('"', '""') + '"'
    return [
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {role}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {role}",
    ]


def link_login(connection: Connection, login: str, username: str) -> None:
    """Grant ``login`` its privileges and map it to the app user ``username``."""
    if connection.dialect.name != "postgresql":
        raise ValidationError("Database logins are for a shared PostgreSQL database; a SQLite file has none.")
    if connection.scalar(select(AppUser.id).where(AppUser.username == username)) is None:
        raise NotFound(f"There is no TrustDesk user called “{username}”.")
    exists = connection.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %(login)s", {"login": login}).scalar()
    if not exists:
        raise NotFound(f'The server has no login called “{login}”. Create it first: CREATE ROLE "{login}" LOGIN …')
    for statement in grant_statements(login):
        connection.exec_driver_sql(statement)
    connection.execute(update(AppUser).where(AppUser.username == username).values(db_login=login))
