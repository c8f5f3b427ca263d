"""What the outbox tests share: mail settings for a test server, a clean outbox, a sign-off to send."""

from __future__ import annotations

from sqlalchemy import select, update

from db.engine import Database
from db.mail.settings import MailSettings, Security
from db.models import CpdActivity, Notification, PartnershipState, utcnow
from db.services.mail_settings import save_mail_settings
from db.services.signoff import sign_off
from tests.helpers import pending_elsewhere, user_id
from tests.smtp_server import SmtpServer

SENDER = "cpd@trust.example"


def use_server(
    db: Database, server: SmtpServer, *, security: Security = Security.NONE, login: str = ""
) -> MailSettings:
    settings = MailSettings(server.host, server.port, security, SENDER, "Oak Trust CPD", login)
    return save_mail_settings(db, user_id(db, "alex.morgan"), settings)


def clear_outbox(db: Database) -> None:
    """Whatever the demo's own history left waiting counts as sent long ago."""
    with db.transaction() as session:
        session.execute(update(Notification).where(Notification.sent_at.is_(None)).values(sent_at=utcnow()))


def sign_off_some(db: Database, count: int = 40, decision: PartnershipState = PartnershipState.AUTHORISED,
                  reason: str = "Fits the plan") -> list[int]:  # fmt: skip
    sam = user_id(db, "sam.patel")
    with db.read() as session:
        orgs = set(session.scalars(select(CpdActivity.organisation_id).distinct()))
    shown = pending_elsewhere(db, "sam.patel", orgs, limit=count)
    result = sign_off(db, sam, shown, decision, reason)
    return list(result.applied)


def notifications(db: Database, *conditions) -> list[Notification]:
    """Rows as they are now, detached (readable after the session has gone)."""
    with db.read() as session:
        rows = list(session.scalars(select(Notification).where(*conditions).order_by(Notification.id)))
        session.expunge_all()
        return rows


def waiting_rows(db: Database) -> list[Notification]:
    return notifications(db, Notification.sent_at.is_(None), Notification.failed_at.is_(None))


def sender(db: Database) -> int:
    """Whose program sends in these tests (bounces are audited in their name)."""
    return user_id(db, "alex.morgan")
