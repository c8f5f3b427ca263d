"""Database passwords live in the system keyring (Windows Credential Manager, macOS Keychain,
Secret Service), never in a settings file.

Without a usable keyring backend every function here quietly does nothing and
the connection dialog asks for the password each time.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

SERVICE = "TrustDesk"


def _key(login: str, host: str, port: int, database: str) -> str:
    return f"{login}@{host}:{port}/{database}"


def keyring_available() -> bool:
    """A real backend is there (not keyring's "fail" placeholder)."""
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:
        return False


def load_password(login: str, host: str, port: int, database: str) -> str | None:
    if not keyring_available():
        return None
    try:
        import keyring

        return keyring.get_password(SERVICE, _key(login, host, port, database))
    except Exception as exc:
        log.warning("Could not read the password from the keyring: %s", exc)
        return None


def save_password(login: str, host: str, port: int, database: str, password: str) -> bool:
    """True when the keyring took it."""
    if not keyring_available():
        return False
    try:
        import keyring

        keyring.set_password(SERVICE, _key(login, host, port, database), password)
        return True
    except Exception as exc:
        log.warning("Could not keep the password in the keyring: %s", exc)
        return False
