"""A mistyped database path is refused, never turned into an empty database left behind.

Only ``trustdesk demo``, the first-start welcome dialog and an explicit
"create" make a database; every command and File › Connect to database…
open one that exists.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from db.engine import DatabaseTarget
from db.migrate import NoSuchDatabase, open_database
from desktop.cli import main

EXTRACT = Path(__file__).parent / "fixtures" / "gias" / "establishments.csv"
TRUST = "TR09471"

COMMANDS = {
    "export": lambda db, tmp: ["export", "--out", str(tmp / "out.xlsx"), "--as", "sam.patel", "--db", db],
    "import-decisions": lambda db, tmp: ["import-decisions", str(tmp / "in.xlsx"), "--as", "sam.patel", "--db", db],
    "import-gias": lambda db, tmp: ["import-gias", str(EXTRACT), "--trust", TRUST, "--as", "alex.morgan", "--db", db],
    "link-login": lambda db, tmp: ["link-login", "sam.patel", "sam.patel", "--db", db],
}


def _files(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("typo", ["trsut.sqlite", "no-such-folder/trust.sqlite", "trust"])
def test_a_command_refuses_a_path_that_does_not_exist(tmp_path, capsys, command, typo) -> None:
    work = tmp_path / "work"
    work.mkdir()
    assert main(["--data-dir", str(tmp_path / "data"), *COMMANDS[command](str(work / typo), tmp_path)]) == 2
    line = _one_error_line(capsys)
    assert line.startswith("trustdesk: There is no TrustDesk database at ") and str(work / typo) in line
    assert _files(work) == []  # no database, no -wal/-shm, no folder


@pytest.mark.parametrize("command", ["export", "import-decisions"])
def test_without_db_a_command_refuses_when_the_own_database_is_missing(tmp_path, capsys, monkeypatch, command) -> None:
    monkeypatch.delenv("TRUSTDESK_DATABASE_URL", raising=False)
    argv = [a for a in COMMANDS[command]("", tmp_path) if a not in ("--db", "")]
    assert main(["--data-dir", str(tmp_path / "data"), *argv]) == 2
    assert "There is no TrustDesk database at " in _one_error_line(capsys)
    assert not any(name.endswith(".sqlite") for name in _files(tmp_path))


def test_an_empty_file_or_an_empty_sqlite_database_is_refused_and_left_as_it_was(tmp_path, capsys) -> None:
    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    assert main(COMMANDS["export"](str(empty), tmp_path)) == 2
    assert "is an empty file, not a TrustDesk database" in _one_error_line(capsys)
    assert empty.read_bytes() == b""
    blank = tmp_path / "blank.sqlite"
    with sqlite3.connect(blank) as connection:
        connection.execute("pragma user_version = 7")  # a SQLite file with no tables
    before = blank.read_bytes()
    assert main(COMMANDS["import-gias"](str(blank), tmp_path)) == 2
    assert "is an empty SQLite file, not a TrustDesk database" in _one_error_line(capsys)
    assert blank.read_bytes() == before


def test_an_existing_database_still_opens_and_demo_still_creates(tmp_path, capsys) -> None:
    path = tmp_path / "new-demo.sqlite"
    assert main(["demo", "--db", str(path)]) == 0
    capsys.readouterr()
    assert main([*COMMANDS["import-gias"](str(path), tmp_path), "--dry-run"]) == 0
    assert "Nothing was written" in capsys.readouterr().out


def test_open_database_creates_only_when_asked(tmp_path) -> None:
    missing = tmp_path / "typo.sqlite"
    with pytest.raises(NoSuchDatabase, match="There is no TrustDesk database at"):
        open_database(DatabaseTarget.parse(str(missing)).must_exist())
    assert _files(tmp_path) == []
    target = DatabaseTarget.parse(str(missing))
    assert target.may_create and target == target.must_exist()  # the same database either way
    assert not target.must_exist().with_password("x").may_create
    open_database(target).dispose()
    assert missing.exists()
    open_database(target.must_exist()).dispose()  # now it exists, and opens


def test_connect_dialog_says_a_mistyped_file_and_chooses_nothing(qtbot, tmp_path) -> None:
    from desktop.dialogs.connect_dialog import ConnectDialog
    from desktop.paths import AppPaths
    from desktop.settings_file import open_settings

    paths = AppPaths.under(tmp_path / "app")
    paths.ensure()
    dialog = ConnectDialog(open_settings(paths), "/home/sam/trust.sqlite")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.file_choice.setChecked(True)
    for typo, message in ((tmp_path / "trsut.sqlite", "There is no database file at"), (tmp_path, "is a folder")):
        dialog.path_edit.setText(str(typo))
        dialog.accept()
        assert dialog.target is None and dialog.isVisible()
        assert message in dialog.error_label.text() and str(typo) in dialog.error_label.text()
    real = tmp_path / "trust.sqlite"
    open_database(DatabaseTarget.parse(str(real))).dispose()
    dialog.path_edit.setText(str(real))
    dialog.accept()
    assert dialog.target is not None and dialog.target.sqlite_path == real and not dialog.target.may_create
    assert not (tmp_path / "trsut.sqlite").exists()
