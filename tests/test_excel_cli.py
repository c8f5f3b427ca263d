"""`trustdesk export` and `trustdesk import-decisions` print the same counts as the window."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from db.excel.layout import ID_COL, VERSION_COL
from db.models import CpdActivity, PartnershipState
from desktop.cli import main
from tests.excel_helpers import decidable, record_decisions, versions_in
from tests.excel_tamper import edit_cells, set_identity, shared_strings, with_parts
from tests.helpers import login_acts_as


@pytest.fixture(autouse=True)
def _sam_is_the_login(request) -> None:
    """On PostgreSQL ``--as`` must be the connection's own login: link it to sam.patel."""
    if "demo_db" in request.fixturenames:
        login_acts_as(request.getfixturevalue("demo_db"), "sam.patel")


def test_export_then_import_decisions_from_the_command_line(demo_db, tmp_path, capsys) -> None:
    out = tmp_path / "review.xlsx"
    options = ["--period", "2025/26", "--state", "pending", "--search", "phonics", "--as", "sam.patel"]
    code = main(["export", "--db", demo_db.display, "--out", str(out), *options])
    printed = capsys.readouterr().out
    assert code == 0 and out.exists()
    count = len(versions_in(out))
    assert f"Exported {count:,} activities" in printed
    assert "Academic period: 2025/26" in printed and "Search: “phonics”" in printed

    first, second = decidable(demo_db, "sam.patel", out, 2)
    record_decisions(out, {first: ("Authorise", ""), second: ("Reject", "")})
    code = main(["import-decisions", str(out), "--db", demo_db.display, "--as", "sam.patel", "--dry-run"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "Would apply 1 decisions (1 authorised, 0 rejected)." in printed
    assert "Invalid: 1." in printed and "a rejection needs a reason" in printed
    assert "Dry run: nothing was changed." in printed

    code = main(["import-decisions", str(out), "--db", demo_db.display, "--as", "sam.patel"])
    assert code == 0 and "Applied 1 decisions" in capsys.readouterr().out
    code = main(["import-decisions", str(out), "--db", demo_db.display, "--as", "sam.patel"])
    printed = capsys.readouterr().out
    assert "Applied 0 decisions" in printed and "Already decided this way, left alone: 1." in printed


def test_command_line_refusals_are_one_line_and_exit_2(demo_db, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    assert main(["import-decisions", str(bad), "--db", demo_db.display, "--as", "sam.patel"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trustdesk: “bad.xlsx” is damaged or incomplete")
    assert main(["export", "--db", demo_db.display, "--out", str(tmp_path / "x.xlsx"), "--as", "nobody"]) == 2
    refusal = capsys.readouterr().err
    assert (
        "no active TrustDesk user called “nobody”" in refusal if demo_db.target.is_sqlite else "not “nobody”" in refusal
    )


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_refusal(code: int, out: str, err: str, message: str) -> None:
    """Exit 2, one ``trustdesk: …`` sentence on stderr (after any progress lines), no traceback anywhere."""
    assert code == 2
    assert "Traceback" not in out + err
    sentences = [line for line in err.splitlines() if not line[:5].strip().endswith("%")]
    assert len(sentences) == 1 and sentences[0].startswith("trustdesk: "), err
    assert message in sentences[0]


@pytest.fixture
def decided(demo_db, tmp_path):
    out = tmp_path / "review.xlsx"
    export = ["export", "--db", demo_db.display, "--out", str(out), "--state", "pending", "--as", "sam.patel"]
    assert main(export) == 0
    ids = decidable(demo_db, "sam.patel", out, 6)
    record_decisions(out, {i: ("Authorise", "") for i in ids})
    return out, ids


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        ("another database", "was exported from another TrustDesk database"),
        ("never exported from here", "was exported from another TrustDesk database"),
        ("zip bomb", "expands to an implausible size"),
        ("huge shared strings", "shared-strings table unpacks to"),
        ("a folder", "is a folder"),
    ],
)
def test_tampered_workbooks_end_the_command_in_one_line(demo_db, decided, tmp_path, capsys, tamper, message) -> None:
    path, ids = decided
    if tamper == "another database":
        set_identity(demo_db, str(uuid.uuid4()))
    elif tamper == "never exported from here":
        set_identity(demo_db, None)
    elif tamper == "zip bomb":
        path = with_parts(path, tmp_path / "bomb.xlsx", {"xl/media/pad.bin": b"\0" * (64 * 1024 * 1024)})
    elif tamper == "huge shared strings":
        table = {"xl/sharedStrings.xml": shared_strings(40 * 1024 * 1024)}
        path = with_parts(path, tmp_path / "strings.xlsx", table, strings=True)
    else:
        path = tmp_path / "folder.xlsx"
        path.mkdir()
    for dry_run in ([], ["--dry-run"]):
        code, out, err = run(
            capsys, "import-decisions", str(path), "--db", demo_db.display, "--as", "sam.patel", *dry_run
        )
        assert_one_line_refusal(code, out, err, message)
    with demo_db.read() as session:
        now = set(session.scalars(select(CpdActivity.partnership_state).where(CpdActivity.id.in_(ids))))
    assert now == {PartnershipState.PENDING}


def test_out_of_range_ids_are_invalid_rows_on_the_command_line_not_tracebacks(demo_db, decided, capsys) -> None:
    path, ids = decided
    edit_cells(path, {ids[0]: {ID_COL: 1e30}, ids[1]: {ID_COL: -1}, ids[2]: {ID_COL: 2**63}})
    edit_cells(path, {ids[3]: {ID_COL: "twelve"}, ids[4]: {VERSION_COL: 2.5}})

    code, out, err = run(capsys, "import-decisions", str(path), "--db", demo_db.display, "--as", "sam.patel")

    assert code == 0 and "Traceback" not in out + err
    assert "Applied 1 decisions" in out and "Invalid: 5." in out
    assert "“1e+30” is not a whole number from 1 to 2,147,483,647" in out
    assert out.count("is not a whole number from 1 to 2,147,483,647") == 5


def test_an_unexpected_failure_of_export_is_one_sentence(demo_db, tmp_path, capsys) -> None:
    taken = tmp_path / "taken.xlsx"
    taken.mkdir()  # a folder where the workbook should go: the final rename fails
    code, out, err = run(capsys, "export", "--db", demo_db.display, "--out", str(taken), "--as", "sam.patel")
    assert_one_line_refusal(code, out, err, "Could not export to “taken.xlsx”")
    assert "no workbook was written" in err and not list(tmp_path.glob(".taken.partial-*"))
