"""The SMTP password lives in the system keyring (as database passwords do), never in the database
or the settings file. Where there is no keyring it is not kept at all: the E-mail tab says so,
and a scheduled ``trustdesk notify send`` on a server reads ``TRUSTDESK_SMTP_PASSWORD`` instead.
"""

from __future__ import annotations

import logging
import os

from desktop.passwords import keyring_available

log = logging.getLogger(__name__)

SERVICE = "TrustDesk SMTP"
PASSWORD_ENV = "TRUSTDESK_SMTP_PASSWORD"


def load_smtp_password(key: str) -> str | None:
    """``key`` is ``MailSettings.keyring_key`` (login@host:port); the environment wins over the keyring."""
    given = os.environ.get(PASSWORD_ENV)
    if given:
        return given
    if not keyring_available():
        return None
    try:
        import keyring

        return keyring.get_password(SERVICE, key)
    except Exception as exc:
        log.warning("Could not read the SMTP password from the keyring: %s", exc)
        return None


def save_smtp_password(key: str, password: str) -> bool:
    """True when the keyring took it; an empty password removes the one kept."""
    if not keyring_available():
        return False
    try:
        import keyring

        if password:
            keyring.set_password(SERVICE, key, password)
        elif keyring.get_password(SERVICE, key) is not None:
            keyring.delete_password(SERVICE, key)
        return True
    except Exception as exc:
        log.warning("Could not keep the SMTP password in the keyring: %s", exc)
        return False
