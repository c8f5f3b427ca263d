"""Facts about the open database as a whole."""

from __future__ import annotations

from sqlalchemy import exists, select

from db.engine import Database
from db.models import Organisation


def is_empty(db: Database) -> bool:
    """True for a database with no trust in it yet (new file, or before the demo is built)."""
    with db.read() as session:
        return not session.scalar(select(exists().where(Organisation.id.is_not(None))))
