"""File › Trust settings › E-mail, and what the outbox panel does to rows and people.

The mail server's settings are ``trust_settings`` rows, changed like every other trust setting
(primary users and administrators of the trust's organisations, audited). The password is not
here: the window keeps it in the system keyring and passes it in.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable
from datetime import UTC
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from sqlalchemy import select, update

from db.actions import begin
from db.engine import Database
from db.errors import NotFound, PermissionDenied, ValidationError
from db.mail.compose import uk_date
from db.mail.settings import MailSettings, as_rows, checked, is_address, load_mail_settings
from db.mail.smtp import MailError, SmtpSender
from db.mail.templates import template
from db.models import AppUser, Notification, Person, TrustSetting, utcnow
from db.queries.outbox import OUTBOX
from db.queries.trust_settings import TRUST_SETTINGS, may_edit, setting, trust_row


def _editor(act) -> str:
    trust = trust_row(act.session)
    if not may_edit(act.scope, trust.id):
        raise PermissionDenied(
            "Only a primary user or an administrator of the trust's organisations may change the e-mail settings "
            "or the outbox."
        )
    return trust.name


def save_mail_settings(db: Database, user_id: int, settings: MailSettings) -> MailSettings:
    """Store the mail server's settings (never the password); returns them as stored."""
    settings = checked(settings)
    with begin(db, user_id) as act:
        _editor(act)
        before = load_mail_settings(act.session)
        for key, value in as_rows(settings).items():
            row = setting(act.session, key)
            if row is None:
                act.session.add(TrustSetting(key=key, value=value))
            else:
                row.value = value
        act.session.flush()
        act.audit(
            "mail_settings_set",
            "trust_setting",
            None,
            before=as_rows(before) if before.configured else None,
            after=as_rows(settings),
        )
        act.changed(TRUST_SETTINGS)
        act.changed(OUTBOX)
        return settings


def send_test_email(
    db: Database,
    user_id: int,
    settings: MailSettings,
    password: str | None,
    to: str,
    *,
    context: ssl.SSLContext | None = None,
) -> str:
    """Send one message straight away (not through the queue); returns the server's answer.

    Changes nothing, so it may be tried with settings not yet saved.
    """
    settings = checked(settings)
    to = to.strip()
    if not is_address(to):
        raise ValidationError(f"“{to}” is not an e-mail address: enter where the test message should go.")
    with db.read() as session:
        trust = trust_row(session).name
        user = session.get(AppUser, user_id)
        if user is None:
            raise NotFound("Your user no longer exists.")
        if not may_edit(_scope(session, user_id), trust_row(session).id):
            raise PermissionDenied(
                "Only a primary user or an administrator of the trust's organisations may send a test e-mail."
            )
        who = user.display_name
    now = utcnow()
    message = EmailMessage(policy=SMTP)
    message["From"] = formataddr((settings.sender_name or trust, settings.sender))
    message["To"] = to
    message["Subject"] = f"TrustDesk test message for {trust}"
    message["Date"] = format_datetime(now.replace(tzinfo=UTC))
    message["Message-ID"] = make_msgid("trustdesk-test", settings.domain)
    message.set_content(
        template("test.txt").render(trust=trust, who=who, host=settings.host, sent_on=uk_date(now.date()))
    )
    try:
        with SmtpSender(settings, password, context) as transport:
            return transport.send(settings.sender, to, message.as_bytes()).response
    except MailError as exc:
        raise ValidationError(exc.sentence) from exc


def _scope(session, user_id: int):
    from db.scope import scope_for

    return scope_for(session, user_id)


def send_again(db: Database, user_id: int, notification_ids: Iterable[int]) -> int:
    """Put the chosen rows back in the queue (sent, failed or waiting alike); returns how many."""
    ids = sorted(set(notification_ids))
    if not ids:
        raise ValidationError("Choose the messages to send again.")
    with begin(db, user_id) as act:
        _editor(act)
        found = list(act.session.scalars(select(Notification.id).where(Notification.id.in_(ids))))
        if len(found) != len(ids):
            raise NotFound("Some of those messages are no longer in the outbox; nothing was changed.")
        act.session.execute(
            update(Notification)
            .where(Notification.id.in_(ids))
            .values(
                sent_at=None, failed_at=None, next_attempt_at=None, attempts=0, claimed_by=None, lease_until=None,
                failure=None,
            )
            .execution_options(synchronize_session=False)
        )  # fmt: skip
        act.audit("notifications_sent_again", "notification", ids[0] if len(ids) == 1 else None,
                  after={"messages": len(ids), "ids": ", ".join(map(str, ids[:50]))})  # fmt: skip
        act.changed(OUTBOX)
        return len(ids)


def set_reminders_opt_out(db: Database, user_id: int, person_id: int, opted_out: bool) -> None:
    """Stop (or restart) reminder e-mails to a person; decisions about their own requests still reach them."""
    with begin(db, user_id) as act:
        _editor(act)
        person = act.fetch(Person, person_id, missing="That person no longer exists.")
        if person.reminders_opt_out == opted_out:
            return
        person.reminders_opt_out = opted_out
        act.audit("reminders_opt_out_set", "person", person.id, before={"reminders": "on" if opted_out else "off"},
                  after={"reminders": "off" if opted_out else "on"})  # fmt: skip
        act.changed(OUTBOX)


def clear_bounce(db: Database, user_id: int, person_id: int) -> None:
    """Forget that a person's address bounced (it was fixed at the other end)."""
    with begin(db, user_id) as act:
        _editor(act)
        person = act.fetch(Person, person_id, missing="That person no longer exists.")
        if person.bounced_address is None:
            raise ValidationError("That person's address is not flagged as bouncing.")
        before = {"address": person.bounced_address, "reason": person.bounce_reason}
        person.bounced_address = person.bounced_at = person.bounce_reason = None
        act.audit("email_bounce_cleared", "person", person.id, before=before)
        act.changed(OUTBOX)
