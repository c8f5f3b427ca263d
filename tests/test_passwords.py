"""Password hashes and the weak-password rules (A3): plain Python, no database."""

from __future__ import annotations

import pytest

from db.passwords import hash_password, password_problem, verify_password


def test_a_hash_verifies_its_password_and_nothing_else() -> None:
    stored = hash_password("plum orchard lantern")
    assert stored.startswith("scrypt$16384$8$1$")
    assert "plum" not in stored
    assert verify_password("plum orchard lantern", stored)
    assert not verify_password("plum orchard lanterN", stored)
    assert not verify_password("", stored)


def test_the_same_password_is_salted_differently_each_time() -> None:
    first, second = hash_password("plum orchard lantern"), hash_password("plum orchard lantern")
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]
    assert verify_password("plum orchard lantern", first) and verify_password("plum orchard lantern", second)


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "plain text password",
        "md5$abc$def",
        "scrypt$16384$8$1$not base64!$AAAA",
        "scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # N not a power of two
        "scrypt$1073741824$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # gigabytes
    ],
)
def test_a_damaged_stored_hash_is_a_refusal_not_a_crash(stored) -> None:
    assert not verify_password("plum orchard lantern", stored)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too short: use at least 10 characters"),
        ("zzzzzzzzzzzz", "one character repeated"),
        ("jane.smith.2026", "contains the username"),
        ("Smith-and-Sons-99", "contains a name"),
        ("!!Jane!!Rocks", "contains a name"),
        ("Password123", "most common passwords"),
        ("qwertyuiop", "most common passwords"),
    ],
)
def test_weak_passwords_are_refused_with_their_reason(password: str, reason: str) -> None:
    problem = password_problem(password, "jane.smith", "Jane Smith")
    assert problem is not None and reason in problem
    assert problem.endswith(".") and problem.count(".") == 1  # one sentence


@pytest.mark.parametrize("password", ["plum orchard lantern", "Correct-Horse-Battery", "k8#Lq!v2Zr9w"])
def test_reasonable_passwords_are_accepted(password: str) -> None:
    assert password_problem(password, "jane.smith", "Jane Smith") is None
