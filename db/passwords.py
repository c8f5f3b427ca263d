"""Passwords for signing in to a SQLite file (A3): salted scrypt hashes, and a plain check of weak ones.

Only the hash is ever stored: ``scrypt$16384$8$1$<salt>$<hash>`` (base64), the cost parameters
inside the string so that a later, costlier setting still verifies the hashes made today.
Plain standard library (``hashlib.scrypt``), no Qt, so the window, the command line and the
services share it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

SCHEME = "scrypt"
#: scrypt's cost (N), block size (r) and parallelism (p): about 16 MiB and a few tens of
#: milliseconds per hash on a laptop, which makes guessing slow without slowing a sign-in
COST, BLOCK_SIZE, PARALLELISM = 16384, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
MIN_LENGTH = 10

#: passwords people choose first; a short list, because the length rule already refuses most others
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password12",
        "password123",
        "passw0rd",
        "123456789",
        "1234567890",
        "12345678910",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "1q2w3e4r5t",
        "iloveyou123",
        "letmein123",
        "welcome123",
        "welcome2024",
        "welcome2025",
        "welcome2026",
        "changeme123",
        "administrator",
        "trustdesk",
        "trustdesk1",
        "trustdesk123",
        "football123",
        "monkey12345",
        "sunshine123",
        "abcdefghij",
        "abc1234567",
        "0987654321",
        "schoolpassword",
        "teacher123",
        "academy123",
    }
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(password: str, salt: bytes, cost: int, block_size: int, parallelism: int, length: int) -> bytes:
    # maxmem: scrypt needs 128 * N * r bytes; OpenSSL's default limit (32 MiB) is too tight for some
    # parameter sets, so allow twice what these parameters need.
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=cost,
        r=block_size,
        p=parallelism,
        maxmem=256 * cost * block_size + 1024 * 1024,
        dklen=length,
    )


def hash_password(password: str) -> str:
    """A new salted hash of ``password``: the same password hashed twice gives two different strings."""
    salt = secrets.token_bytes(SALT_BYTES)
    digest = _scrypt(password, salt, COST, BLOCK_SIZE, PARALLELISM, HASH_BYTES)
    return f"{SCHEME}${COST}${BLOCK_SIZE}${PARALLELISM}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` is the one ``stored`` was made from; False for anything else, including a
    damaged or unknown stored string (a refusal, never an exception). Compared in constant time."""
    if not stored:
        return False
    try:
        scheme, cost, block_size, parallelism, salt, digest = stored.split("$")
        if scheme != SCHEME:
            return False
        expected = base64.b64decode(digest, validate=True)
        n, r, p = int(cost), int(block_size), int(parallelism)
        # Parameters outside what this program writes could make one check cost minutes or gigabytes.
        if not (2 <= n <= 1 << 20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16 and 16 <= len(expected) <= 64):
            return False
        actual = _scrypt(password, base64.b64decode(salt, validate=True), n, r, p, len(expected))
    except ValueError:
        return False
    return hmac.compare_digest(actual, expected)


@functools.cache
def _nobody() -> str:
    """A hash of no real password, made once when first needed (not at import: it costs a hash)."""
    return hash_password(secrets.token_urlsafe(16))


def spend_the_time_of_a_check(password: str) -> None:
    """Check ``password`` against nobody's hash (the answer is always no): a wrong username then takes
    as long as a wrong password, so the time does not tell which usernames exist."""
    verify_password(password, _nobody())


def _words_of(name: str) -> list[str]:
    """The parts of a name or username worth refusing inside a password ("Jane O'Neill" → jane, oneill)."""
    parts = []
    for raw in name.replace(".", " ").replace("-", " ").replace("_", " ").split():
        word = "".join(ch for ch in raw.lower() if ch.isalnum())
        if len(word) >= 3:
            parts.append(word)
    return parts


def password_problem(password: str, username: str, display_name: str) -> str | None:
    """Why ``password`` is too weak, in one sentence; None when it is acceptable.

    The rules are few and said plainly (length first, as NCSC advice has it): at least ten
    characters, not the person's own username or name, not one character repeated, not one of
    the passwords everyone tries first.
    """
    if len(password) < MIN_LENGTH:
        return f"The password is too short: use at least {MIN_LENGTH} characters (three random words work well)."
    lowered = password.lower()
    if len(set(lowered)) == 1:
        return "The password is one character repeated: choose something harder to guess."
    squeezed = "".join(ch for ch in lowered if ch.isalnum())
    if username and username.lower() in lowered:
        return "The password contains the username: choose something others cannot guess from it."
    for word in _words_of(display_name) + _words_of(username):
        if word in squeezed:
            return "The password contains a name: choose something others cannot guess from it."
    if lowered in COMMON_PASSWORDS or squeezed in COMMON_PASSWORDS:
        return "The password is one of the most common passwords: choose something less obvious."
    return None
