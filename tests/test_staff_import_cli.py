"""`trustdesk new-trust` and `trustdesk import-staff` from an empty machine: one line and exit 2 for
every refusal, a dry run that writes nothing, and a second import that changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.engine import DatabaseTarget
from db.migrate import open_database
from db.models import AppUser, Job, SharingLevel
from desktop.cli import main
from tests.staff_import_helpers import GIAS, HR, MIS, TRUST_UID, share

PASSWORD = "Heron-meadow-1987"


@pytest.fixture(autouse=True)
def _password(monkeypatch) -> None:
    """new-trust sets the primary user's password from it, and every --as proves itself with it (A3)."""
    monkeypatch.setenv("TRUSTDESK_PASSWORD", PASSWORD)


def _new_trust(path: Path, *extra: str) -> int:
    return main(["new-trust", "--db", str(path), "--name", "Oakfield Learning Trust", "--uid", TRUST_UID,
                 "--primary", "sam.lead", "--primary-name", "Sam Lead", *extra])  # fmt: skip


def _jobs(path: Path) -> int:
    db = open_database(DatabaseTarget.parse(str(path)))
    try:
        with db.read() as session:
            return session.scalar(select(func.count()).select_from(Job))
    finally:
        db.dispose()


def test_new_trust_creates_the_database_and_its_primary_user_with_the_password_given(tmp_path, capsys) -> None:
    path = tmp_path / "oakfield.sqlite"
    assert _new_trust(path, "--email", "sam@oakfield.org.uk") == 0
    out = capsys.readouterr().out
    assert "Created Oakfield Learning Trust (TR09471)" in out and "No password" not in out
    db = open_database(DatabaseTarget.parse(str(path)))
    try:
        with db.read() as session:
            user = session.scalar(select(AppUser))
            assert (user.username, user.display_name, user.email) == ("sam.lead", "Sam Lead", "sam@oakfield.org.uk")
            assert user.is_primary and user.password_hash is not None and PASSWORD not in user.password_hash
    finally:
        db.dispose()


def test_without_a_password_the_first_sign_in_sets_it(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("TRUSTDESK_PASSWORD")  # and no terminal to type one at: none is set
    path = tmp_path / "oakfield.sqlite"
    assert _new_trust(path) == 0
    assert "asks them to choose one" in capsys.readouterr().out
    assert main(["import-gias", str(GIAS), "--db", str(path), "--trust", TRUST_UID, "--as", "sam.lead"]) == 2
    assert "Nobody has a password" in capsys.readouterr().err


def test_new_trust_refuses_an_existing_file_and_leaves_it_alone(tmp_path, capsys) -> None:
    path = tmp_path / "oakfield.sqlite"
    path.write_bytes(b"somebody's file")
    assert _new_trust(path) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already exists" in err
    assert path.read_bytes() == b"somebody's file"


def test_new_trust_with_a_bad_username_leaves_no_file_behind(tmp_path, capsys) -> None:
    path = tmp_path / "oakfield.sqlite"
    code = main(["new-trust", "--db", str(path), "--name", "T", "--uid", "TR1", "--primary", "No Spaces!",
                 "--primary-name", "Sam"])  # fmt: skip
    assert code == 2 and "Enter a username" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def trust_file(tmp_path) -> Path:
    path = tmp_path / "oakfield.sqlite"
    assert _new_trust(path) == 0
    assert main(["import-gias", str(GIAS), "--db", str(path), "--trust", TRUST_UID, "--as", "sam.lead"]) == 0
    db = open_database(DatabaseTarget.parse(str(path)))
    share(db, SharingLevel.GROUP_ACTIONS)
    db.dispose()
    return path


def test_import_staff_dry_run_then_import_then_nothing_to_change(trust_file, capsys) -> None:
    capsys.readouterr()
    args = ["import-staff", str(MIS), "--db", str(trust_file), "--as", "sam.lead"]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Read mis_staff.csv (UTF-8 with BOM): 15 rows." in out
    assert "Dry run: would be 14 new people, 1 new job of someone already known. Nothing was written." in out
    assert "1 row looks like someone already known at another school" in out
    assert _jobs(trust_file) == 0
    assert main([*args, "--link"]) == 0
    assert "13 people added, 15 jobs added" in capsys.readouterr().out
    assert main(args) == 0
    assert "15 unchanged. Nothing to change." in capsys.readouterr().out
    assert main(["import-staff", str(HR), "--db", str(trust_file), "--as", "sam.lead"]) == 0
    assert "Columns not imported: NI Number, Contract Type, FTE." in capsys.readouterr().out
    assert _jobs(trust_file) == 15 + 11


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("s.csv", b"Surname,Forename\nLee,Ann\n", "lacks the columns"),
        ("s.xlsx", b"Surname,Forename\nLee,Ann\n", "is a text (CSV) file with an .xlsx name"),
        ("s.csv", "Surname\nZoë\n".encode("utf-16"), "UTF-16"),
    ],
)
def test_import_staff_refuses_a_bad_file_in_one_line(trust_file, tmp_path, capsys, name, data, message) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    capsys.readouterr()
    assert main(["import-staff", str(path), "--db", str(trust_file), "--as", "sam.lead"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trustdesk: ") and err.count("\n") == 1 and message in err


def test_import_staff_refuses_an_unknown_user_and_an_unknown_mapping(trust_file, capsys) -> None:
    capsys.readouterr()
    assert main(["import-staff", str(MIS), "--db", str(trust_file), "--as", "nobody"]) == 2
    assert "Wrong username or password" in capsys.readouterr().err
    assert main(["import-staff", str(MIS), "--db", str(trust_file), "--as", "sam.lead", "--mapping", "Nope"]) == 2
    assert "no saved staff mapping called “Nope”" in capsys.readouterr().err
