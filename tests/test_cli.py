"""The command line: builds demos, and says in one line what is wrong with a database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.cli import main, parse_args


def test_demo_command_builds_a_database(tmp_path: Path, capsys) -> None:
    path = tmp_path / "demo.sqlite"
    assert main(["demo", "--db", str(path), "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "Built the small demo trust" in out
    with sqlite3.connect(path) as connection:
        assert connection.execute("select count(*) from cpd_activities").fetchone()[0] > 1000


def test_demo_command_accepts_db_before_the_subcommand(tmp_path: Path) -> None:
    assert main(["--db", str(tmp_path / "d.sqlite"), "demo"]) == 0


def test_demo_refuses_a_database_that_already_holds_a_trust(tmp_path: Path, demo_template: Path, capsys) -> None:
    path = tmp_path / "existing.sqlite"
    path.write_bytes(demo_template.read_bytes())
    assert main(["demo", "--db", str(path)]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("trustdesk: ")]
    assert len(errors) == 1 and "already has organisations" in errors[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [("this is a shopping list", "not a TrustDesk database"), (None, "is a file, not a folder")],
)
def test_bad_database_is_one_line_and_a_non_zero_exit(tmp_path: Path, capsys, content, expected) -> None:
    if content is None:
        blocker = tmp_path / "plain-file"
        blocker.write_text("x")
        target = blocker / "trust.sqlite"
    else:
        target = tmp_path / "list.sqlite"
        target.write_text(content)
    assert main(["demo", "--db", str(target)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0]
    if content is not None:
        assert target.read_text() == content


def test_environment_variable_chooses_the_database(tmp_path: Path, monkeypatch) -> None:
    from db.engine import DatabaseTarget

    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", str(tmp_path / "env.sqlite"))
    assert DatabaseTarget.resolve(None, tmp_path / "default.sqlite").sqlite_path == tmp_path / "env.sqlite"
    assert DatabaseTarget.resolve(str(tmp_path / "arg.sqlite"), tmp_path / "d.sqlite").sqlite_path == (
        tmp_path / "arg.sqlite"
    )


def test_the_window_options_parse_without_the_sub_commands() -> None:
    args = parse_args(["--demo", "--user", "sam.patel", "--db", "trust.sqlite", "-v"])
    assert (args.command, args.demo, args.user, args.db, args.verbose) == (
        None,
        True,
        "sam.patel",
        "trust.sqlite",
        True,
    )
    assert parse_args([]).command is None


def test_help_still_lists_every_sub_command(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        parse_args(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "export", "import-decisions", "import-gias", "link-login"):
        assert command in out


def test_an_unknown_option_is_refused_by_name(capsys) -> None:
    with pytest.raises(SystemExit) as stop:
        parse_args(["--demo", "--colour=blue"])
    assert stop.value.code == 2
    assert "--colour" in capsys.readouterr().err
