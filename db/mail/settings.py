"""The trust's mail server, kept in ``trust_settings`` rows (``mail_*`` keys).

The SMTP password is never here, nor in the settings file: the window keeps it in the system
keyring (``desktop/mail_password.py``) and hands it to whoever sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import ValidationError
from db.models import TrustSetting


class Security(StrEnum):
    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


SECURITY_WORDS = {Security.NONE: "None", Security.STARTTLS: "STARTTLS", Security.TLS: "TLS (implicit)"}
DEFAULT_PORTS = {Security.NONE: 25, Security.STARTTLS: 587, Security.TLS: 465}

KEYS = ("mail_host", "mail_port", "mail_security", "mail_sender", "mail_sender_name", "mail_login")
#: an address TrustDesk will write into a header: ASCII, one @, a dot in the domain, no spaces or line breaks
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
_LINE_BREAK = re.compile(r"[\r\n]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class MailSettings:
    host: str = ""
    port: int = 587
    security: Security = Security.STARTTLS
    sender: str = ""
    sender_name: str = ""
    login: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    @property
    def keyring_key(self) -> str:
        """Whose password the keyring holds: the login at this server."""
        return f"{self.login}@{self.host}:{self.port}"

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2] or "trustdesk.invalid"


NOT_CONFIGURED = (
    "Nothing is sent: no mail server is set up (File › Trust settings › E-mail). The messages wait in the outbox."
)


def is_address(text: str) -> bool:
    return bool(_ADDRESS.match(text)) and len(text) <= 200


def has_line_break(text: str) -> bool:
    return bool(_LINE_BREAK.search(text))


def load_mail_settings(session: Session) -> MailSettings:
    stored = dict(
        session.execute(select(TrustSetting.key, TrustSetting.value).where(TrustSetting.key.in_(KEYS))).tuples().all()
    )
    if not stored.get("mail_host"):
        return MailSettings()
    try:
        security = Security(stored.get("mail_security", Security.STARTTLS))
    except ValueError:
        security = Security.STARTTLS
    try:
        port = int(stored.get("mail_port", DEFAULT_PORTS[security]))
    except ValueError:
        port = DEFAULT_PORTS[security]
    return MailSettings(
        host=stored.get("mail_host", ""),
        port=port,
        security=security,
        sender=stored.get("mail_sender", ""),
        sender_name=stored.get("mail_sender_name", ""),
        login=stored.get("mail_login", ""),
    )


def checked(settings: MailSettings) -> MailSettings:
    """The settings with spaces trimmed, or ``ValidationError`` naming the first thing wrong."""
    host, sender, name, login = (
        settings.host.strip(),
        settings.sender.strip(),
        " ".join(settings.sender_name.split()),
        settings.login.strip(),
    )
    if not host:
        raise ValidationError("Enter the mail server's name (for example smtp.office365.com).")
    if _CONTROL.search(host) or " " in host or len(host) > 200:
        raise ValidationError(f"“{host}” is not a server name.")
    if not 1 <= settings.port <= 65535:
        raise ValidationError("The port must be a number from 1 to 65535.")
    if not is_address(sender):
        raise ValidationError(f"“{sender}” is not an e-mail address: enter the address messages come from.")
    if _CONTROL.search(name) or len(name) > 200:
        raise ValidationError("The sender's name cannot contain line breaks or control characters.")
    if _CONTROL.search(login) or len(login) > 200:
        raise ValidationError("The login cannot contain line breaks or control characters.")
    return MailSettings(host, settings.port, Security(settings.security), sender, name, login)


def as_rows(settings: MailSettings) -> dict[str, str]:
    return {
        "mail_host": settings.host,
        "mail_port": str(settings.port),
        "mail_security": settings.security.value,
        "mail_sender": settings.sender,
        "mail_sender_name": settings.sender_name,
        "mail_login": settings.login,
    }
