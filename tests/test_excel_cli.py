"""`trustdesk export` and `trustdesk import-decisions` print the same counts as the window."""

from __future__ import annotations

from desktop.cli import main
from tests.excel_helpers import decidable, record_decisions, versions_in


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
    assert "no active TrustDesk user called “nobody”" in capsys.readouterr().err
