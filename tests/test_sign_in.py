"""Signing in to a SQLite file with a password, and setting passwords (A3)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import AppUser, AuditEntry, utcnow
from db.queries.sign_in import SignInMode, must_set_password, sign_in_mode
from db.services.passwords import set_password
from db.services.sign_in import WRONG, SignInRefused, delay_after, sign_in
from db.services.trust_setup import create_new_trust
from db.services.users import UserDetails, add_user, set_active

pytestmark = pytest.mark.engines("sqlite")

JANE_PASSWORD = "plum orchard lantern"
SAM_PASSWORD = "violet canal morning"


@pytest.fixture
def trust(db: Database) -> dict[str, int]:
    """A new trust made in the welcome dialog (Jane, primary, with a password) and Sam, whose password Jane set."""
    jane = create_new_trust(db, "Riverside Learning Trust", "16543", "Jane Smith", "jane.smith", JANE_PASSWORD).user_id
    sam = add_user(db, jane, UserDetails("sam.patel", "Sam Patel"))
    set_password(db, jane, sam, SAM_PASSWORD)
    return {"jane": jane, "sam": sam}


def _counters(db: Database, user_id: int) -> tuple[int, object]:
    with db.read() as session:
        user = session.get(AppUser, user_id)
        assert user is not None
        return user.failed_sign_ins, user.sign_in_blocked_until


def test_the_right_password_signs_in(db, trust) -> None:
    assert sign_in_mode(db) is SignInMode.PASSWORD
    user = sign_in(db, " Sam.Patel ", SAM_PASSWORD)
    assert (user.id, user.username, user.display_name) == (trust["sam"], "sam.patel", "Sam Patel")
    assert not must_set_password(db, user.id)


def test_unknown_user_deactivated_user_and_wrong_password_get_the_same_sentence(db, trust) -> None:
    refusals = []
    for username, password in [("nobody.here", SAM_PASSWORD), ("sam.patel", "not the password")]:
        with pytest.raises(SignInRefused) as caught:
            sign_in(db, username, password)
        refusals.append(caught.value.message)
    set_active(db, trust["jane"], trust["sam"], _version(db, trust["sam"]), False)
    with pytest.raises(SignInRefused) as caught:
        sign_in(db, "sam.patel", SAM_PASSWORD)
    refusals.append(caught.value.message)
    assert refusals == [WRONG, WRONG, WRONG]


def _version(db: Database, user_id: int) -> int:
    with db.read() as session:
        return session.scalars(select(AppUser.version).where(AppUser.id == user_id)).one()


def test_wrong_passwords_are_counted_and_from_the_third_the_user_is_held_back(db, trust) -> None:
    for expected in (1, 2):
        with pytest.raises(SignInRefused, match="Wrong username or password"):
            sign_in(db, "sam.patel", "not the password")
        assert _counters(db, trust["sam"]) == (expected, None)
    before = utcnow()
    with pytest.raises(SignInRefused, match="Wrong username or password"):
        sign_in(db, "sam.patel", "not the password")
    failures, until = _counters(db, trust["sam"])
    assert failures == 3 and until is not None
    assert timedelta(seconds=1) < until - before <= timedelta(seconds=3)
    # While held back even the right password is refused, without being checked or counted.
    with pytest.raises(SignInRefused, match=r"Too many wrong passwords for this user: try again in [12] seconds?\."):
        sign_in(db, "sam.patel", SAM_PASSWORD)
    assert _counters(db, trust["sam"]) == (3, until)


def test_the_delay_doubles_from_two_seconds_to_five_minutes() -> None:
    assert [delay_after(n) for n in range(1, 12)] == [0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300]
    assert delay_after(50) == 300


def test_after_the_hold_a_wrong_password_holds_longer_and_the_right_one_clears_it(db, trust) -> None:
    with db.transaction() as session:  # three failures ago, and the hold is over
        session.execute(
            update(AppUser)
            .where(AppUser.id == trust["sam"])
            .values(failed_sign_ins=3, sign_in_blocked_until=utcnow() - timedelta(seconds=1))
        )
    before = utcnow()
    with pytest.raises(SignInRefused, match="Wrong username or password"):
        sign_in(db, "sam.patel", "still not it")
    failures, until = _counters(db, trust["sam"])
    assert failures == 4 and until is not None and timedelta(seconds=3) < until - before <= timedelta(seconds=5)
    with db.transaction() as session:
        session.execute(update(AppUser).where(AppUser.id == trust["sam"]).values(sign_in_blocked_until=before))
    assert sign_in(db, "sam.patel", SAM_PASSWORD).id == trust["sam"]
    assert _counters(db, trust["sam"]) == (0, None)


def test_a_hold_says_how_long_is_left(db, trust) -> None:
    with db.transaction() as session:
        session.execute(
            update(AppUser)
            .where(AppUser.id == trust["sam"])
            .values(failed_sign_ins=9, sign_in_blocked_until=utcnow() + timedelta(seconds=250))
        )
    with pytest.raises(SignInRefused, match=r"try again in 2(49|50) seconds\."):
        sign_in(db, "sam.patel", SAM_PASSWORD)


def test_a_user_without_a_password_is_told_to_ask_the_primary_user(db, trust) -> None:
    lee = add_user(db, trust["jane"], UserDetails("lee.chen", "Lee Chen"))
    with pytest.raises(SignInRefused, match=r"No password is set for Lee Chen yet: ask your primary user to set one\."):
        sign_in(db, "lee.chen", "")
    assert _counters(db, lee) == (0, None)


def test_a_failed_sign_in_does_not_make_the_user_look_edited(db, trust) -> None:
    version = _version(db, trust["sam"])
    with pytest.raises(SignInRefused):
        sign_in(db, "sam.patel", "not the password")
    assert _version(db, trust["sam"]) == version  # an open user editor can still save


# -- setting passwords ------------------------------------------------------------------------------
def test_the_primary_user_sets_a_password_and_the_audit_says_so_without_the_hash(db, trust) -> None:
    lee = add_user(db, trust["jane"], UserDetails("lee.chen", "Lee Chen"))
    set_password(db, trust["jane"], lee, "amber kettle voyage")
    assert sign_in(db, "lee.chen", "amber kettle voyage").id == lee
    with db.read() as session:
        entry = session.execute(
            select(AuditEntry.user_id, AuditEntry.entity_id, AuditEntry.before, AuditEntry.after, AuditEntry.reason)
            .where(AuditEntry.action == "password_set")
            .order_by(AuditEntry.id.desc())
        ).first()
        stored = session.get(AppUser, lee).password_hash
    assert entry is not None and tuple(entry)[:2] == (trust["jane"], lee) and entry.after == {"user": "Lee Chen"}
    assert stored is not None and stored not in str(tuple(entry))


def test_a_reset_by_the_primary_user_lifts_a_hold(db, trust) -> None:
    with db.transaction() as session:
        session.execute(
            update(AppUser)
            .where(AppUser.id == trust["sam"])
            .values(failed_sign_ins=7, sign_in_blocked_until=utcnow() + timedelta(minutes=2))
        )
    set_password(db, trust["jane"], trust["sam"], "copper meadow signal")
    assert _counters(db, trust["sam"]) == (0, None)
    assert sign_in(db, "sam.patel", "copper meadow signal").id == trust["sam"]


def test_users_change_their_own_password_by_giving_the_current_one(db, trust) -> None:
    with pytest.raises(PermissionDenied, match="current password is not right"):
        set_password(db, trust["sam"], trust["sam"], "copper meadow signal", current_password="a guess at it")
    with pytest.raises(PermissionDenied, match="current password is not right"):
        set_password(db, trust["jane"], trust["jane"], "copper meadow signal")  # primary too: no current, no change
    set_password(db, trust["sam"], trust["sam"], "copper meadow signal", current_password=SAM_PASSWORD)
    with pytest.raises(SignInRefused):
        sign_in(db, "sam.patel", SAM_PASSWORD)
    assert sign_in(db, "sam.patel", "copper meadow signal").id == trust["sam"]


def test_nobody_else_sets_a_password(db, trust) -> None:
    with pytest.raises(PermissionDenied, match="Only a primary user sets the password of Jane Smith"):
        set_password(db, trust["sam"], trust["jane"], "copper meadow signal")
    assert sign_in(db, "jane.smith", JANE_PASSWORD).id == trust["jane"]


def test_weak_passwords_and_deactivated_users_are_refused_and_nothing_changes(db, trust) -> None:
    with pytest.raises(ValidationError, match="contains the username"):
        set_password(db, trust["jane"], trust["sam"], "sam.patel.2026")
    with pytest.raises(ValidationError, match="too short"):
        set_password(db, trust["sam"], trust["sam"], "short", current_password=SAM_PASSWORD)
    set_active(db, trust["jane"], trust["sam"], _version(db, trust["sam"]), False)
    with pytest.raises(ValidationError, match="Sam Patel is deactivated"):
        set_password(db, trust["jane"], trust["sam"], "copper meadow signal")
    set_active(db, trust["jane"], trust["sam"], _version(db, trust["sam"]), True)
    assert sign_in(db, "sam.patel", SAM_PASSWORD).id == trust["sam"]
    with db.read() as session:
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "password_set")).all() == [
            "password_set"
        ]


# -- a file made before passwords; the demo --------------------------------------------------------
def test_on_a_file_without_any_password_the_primary_user_signs_in_once_and_must_set_one(db, trust) -> None:
    with db.transaction() as session:  # as a database made before passwords existed
        session.execute(update(AppUser).values(password_hash=None))
    assert sign_in_mode(db) is SignInMode.FIRST_PASSWORD
    with pytest.raises(SignInRefused, match="No password is set for Sam Patel yet"):
        sign_in(db, "sam.patel", "")
    jane = sign_in(db, "jane.smith", "")
    assert must_set_password(db, jane.id)
    set_password(db, jane.id, jane.id, "copper meadow signal")
    assert not must_set_password(db, jane.id)
    assert sign_in_mode(db) is SignInMode.PASSWORD
    with pytest.raises(SignInRefused, match="Wrong username or password"):
        sign_in(db, "jane.smith", "")


def test_the_demo_trust_signs_in_without_a_password(demo_db) -> None:
    assert sign_in_mode(demo_db) is SignInMode.DEMO
    user = sign_in(demo_db, "sam.patel", "")
    assert user.username == "sam.patel" and not must_set_password(demo_db, user.id)
    with pytest.raises(SignInRefused, match="Wrong username or password"):
        sign_in(demo_db, "nobody.here", "")


@pytest.mark.engines("postgresql")
def test_on_a_shared_database_the_login_decides_and_passwords_are_refused(demo_db) -> None:
    assert sign_in_mode(demo_db) is SignInMode.LOGIN
    with pytest.raises(SignInRefused, match="your database login says who you are"):
        sign_in(demo_db, "sam.patel", "")


# -- the command line: --as needs the password outside the demo ----------------------------------------
def test_a_command_without_the_password_and_without_a_terminal_is_refused_in_one_sentence(
    db, trust, tmp_path, capsys, monkeypatch
) -> None:
    from desktop.cli import main

    monkeypatch.delenv("TRUSTDESK_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # a scheduled job: no terminal to ask at
    out = tmp_path / "review.xlsx"
    assert main(["export", "--db", db.display, "--out", str(out), "--as", "jane.smith"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert lines == [
        "trustdesk: Acting as jane.smith on this file needs their password: type it when asked in a terminal, "
        "or set TRUSTDESK_PASSWORD for a scheduled job."
    ]
    assert "Traceback" not in captured.out + captured.err and not out.exists()


def test_a_command_with_the_password_in_the_environment_acts_and_a_wrong_one_is_refused(
    db, trust, tmp_path, capsys, monkeypatch
) -> None:
    from desktop.cli import main

    out = tmp_path / "review.xlsx"
    monkeypatch.setenv("TRUSTDESK_PASSWORD", "not the password")
    assert main(["export", "--db", db.display, "--out", str(out), "--as", "jane.smith"]) == 2
    assert capsys.readouterr().err.strip() == f"trustdesk: {WRONG}"
    assert _counters(db, trust["jane"])[0] == 1
    monkeypatch.setenv("TRUSTDESK_PASSWORD", JANE_PASSWORD)
    assert main(["export", "--db", db.display, "--out", str(out), "--as", "jane.smith"]) == 0
    assert "Exported 0 activities" in capsys.readouterr().out and out.exists()
    assert _counters(db, trust["jane"])[0] == 0


def test_a_command_at_a_terminal_asks_for_the_password(db, trust, tmp_path, capsys, monkeypatch) -> None:
    from desktop.commands import acting

    monkeypatch.delenv("TRUSTDESK_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", _Terminal())
    asked: list[str] = []
    monkeypatch.setattr(acting.getpass, "getpass", lambda prompt: asked.append(prompt) or SAM_PASSWORD)
    assert acting.acting_user(db, "sam.patel").id == trust["sam"]
    assert asked == ["TrustDesk password for sam.patel: "]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_command_on_a_file_without_any_password_asks_for_one_to_be_set_first(db, trust, monkeypatch) -> None:
    from desktop.commands.acting import acting_user

    monkeypatch.setenv("TRUSTDESK_PASSWORD", "")
    with db.transaction() as session:
        session.execute(update(AppUser).values(password_hash=None))
    with pytest.raises(PermissionDenied, match=r"Nobody has a password on .* yet: open TrustDesk"):
        acting_user(db, "jane.smith")


def test_a_command_on_the_demo_needs_no_password(demo_db, monkeypatch) -> None:
    from desktop.commands.acting import acting_user

    monkeypatch.delenv("TRUSTDESK_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert acting_user(demo_db, "sam.patel").username == "sam.patel"
    with pytest.raises(PermissionDenied, match="no active TrustDesk user called “nobody”"):
        acting_user(demo_db, "nobody")


@pytest.mark.engines("postgresql")
def test_a_command_on_a_shared_database_acts_only_as_the_logins_user(demo_db) -> None:
    from desktop.commands.acting import acting_user
    from tests.helpers import login_acts_as

    login_acts_as(demo_db, "sam.patel")
    assert acting_user(demo_db, "sam.patel").username == "sam.patel"
    with pytest.raises(PermissionDenied, match=r"which is the TrustDesk user “sam\.patel”, not “alex\.morgan”"):
        acting_user(demo_db, "alex.morgan")
