"""Facts about the open database as a whole."""

from __future__ import annotations

from sqlalchemy import exists, select

from db.engine import Database
from db.models import Organisation, TrustSetting

#: the setting that marks the demo trust (written by ``db.demo.build_demo``)
DEMO_TRUST_KEY = "demo_trust"


def is_empty(db: Database) -> bool:
    """True for a database with no trust in it yet (new file, or before the demo is built)."""
    with db.read() as session:
        return not session.scalar(select(exists().where(Organisation.id.is_not(None))))


def is_demo_trust(db: Database) -> bool:
    """True for a database holding the fictional demo trust (marked by ``build_demo`` in the database itself,
    so a copied or renamed file stays a demo): there, anyone may act as any sample user without a password."""
    with db.read() as session:
        return session.scalar(select(TrustSetting.value).where(TrustSetting.key == DEMO_TRUST_KEY)) == "1"
