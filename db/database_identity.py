"""A stable identity for one TrustDesk database, so a workbook knows where it came from.

The database's path or URL is no identity: the same database is opened under
different paths on different machines, and two different databases can sit at
the same path on two machines.  Instead, the first export stores a random UUID
in ``trust_settings``; it travels with every copy of the database (a file
copy, a backup, ``pg_dump``) and is different for every database built on its
own.  No migration is needed: ``trust_settings`` is a key/value table.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import TrustSetting

DATABASE_ID_KEY = "database_id"


def read_database_identity(session: Session) -> str | None:
    """The identity stored in this database, or None if nothing was ever exported from it."""
    return session.scalar(select(TrustSetting.value).where(TrustSetting.key == DATABASE_ID_KEY))


def database_identity(db: Database) -> str:
    """This database's identity, created on first use (in a short transaction of its own)."""
    with db.read() as session:
        found = read_database_identity(session)
    if found:
        return found
    try:
        with db.transaction() as session:
            found = read_database_identity(session)
            if found:
                return found
            created = str(uuid.uuid4())
            session.add(TrustSetting(key=DATABASE_ID_KEY, value=created))
            return created
    except IntegrityError:  # another export created it at the same moment: use theirs
        with db.read() as session:
            found = read_database_identity(session)
        if not found:
            raise
        return found
