"""`trustdesk data-sharing`: the trust requests and reminds, the head approves or declines, one line per refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.engine import Database, DatabaseTarget
from db.migrate import open_database
from db.models import AuditEntry, DataSharingRequest, SharingRequestState
from desktop.cli import main
from tests.sharing_trust import PASSWORD, build_sharing_trust


@pytest.fixture
def trust_file(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("TRUSTDESK_PASSWORD", PASSWORD)  # each command proves who --as is (A3)
    path = tmp_path / "oakfield.sqlite"
    db = open_database(DatabaseTarget.parse(str(path)))
    try:
        build_sharing_trust(db)
    finally:
        db.dispose()
    return path


def _run(path: Path, *argv: str) -> int:
    return main(["data-sharing", *argv, "--db", str(path)])


def _requests(path: Path) -> dict[str, int]:
    db: Database = open_database(DatabaseTarget.parse(str(path)))
    try:
        with db.read() as session:
            return dict(
                session.execute(select(DataSharingRequest.state, func.count()).group_by(DataSharingRequest.state)).all()
            )
    finally:
        db.dispose()


def test_request_remind_approve_decline_and_list(trust_file: Path, capsys) -> None:
    assert _run(trust_file, "request", "--all-without-agreement", "--level", "institution", "--as", "jane.smith") == 0
    assert "Sent 5 requests for Institution data to 5 schools." in capsys.readouterr().out
    assert _run(trust_file, "remind", "--school", "Birchwell", "--as", "jane.smith") == 0
    assert "Reminded 1 recipient at 1 school." in capsys.readouterr().out
    # head1 is Finchbrook's head (the first school in id order); head2 Larkwell's
    assert _run(trust_file, "approve", "Finchbrook", "--level", "institution", "--as", "head1") == 0
    assert "Finchbrook Primary Academy now shares Institution data" in capsys.readouterr().out
    assert _run(trust_file, "decline", "Larkwell", "--reason", "Governors meet in January", "--as", "head2") == 0
    capsys.readouterr()
    assert _requests(trust_file) == {
        SharingRequestState.APPROVED: 1,
        SharingRequestState.DECLINED: 1,
        SharingRequestState.PENDING: 3,
    }
    assert _run(trust_file, "list", "--as", "jane.smith") == 0
    out = capsys.readouterr().out
    assert "No agreement (1)" in out and "Pending (3)" in out and "Approved (1)" in out
    assert "Governors meet in January" in out and "1 reminder" in out
    assert (
        _run(trust_file, "request", "--school", "Finchbrook", "--level", "mis", "--to", "all", "--as", "jane.smith")
        == 0
    )
    assert "Sent 1 request for + MIS data to 1 school." in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["approve", "Finchbrook", "--level", "institution", "--as", "jane.smith"], "No data sharing request awaits"),
        (["approve", "Finchbrook", "--level", "mis", "--as", "head1"], "asks for institution data"),
        (["request", "--school", "Finchbrook", "--level", "mis", "--as", "chris.lead"], "needs a Data sharing"),
        (["request", "--school", "Nowhere", "--level", "mis", "--as", "jane.smith"], "names no school"),
        (["request", "--school", "Finchbrook", "--level", "mis", "--to", "bursar", "--as", "jane.smith"], "--to takes"),
        (["request", "--school", "Finchbrook", "--level", "mis", "--as", "jane.smith"], "already been asked"),
        (["decline", "Finchbrook", "--reason", " ", "--as", "head1"], "Give a reason"),
        (["list", "--as", "nobody"], "Wrong username or password"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(trust_file: Path, capsys, argv, expected) -> None:
    assert _run(trust_file, "request", "--school", "Finchbrook", "--level", "institution", "--as", "jane.smith") == 0
    capsys.readouterr()
    db = open_database(DatabaseTarget.parse(str(trust_file)))
    with db.read() as session:
        audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
    db.dispose()
    before = _requests(trust_file)
    assert _run(trust_file, *argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and expected in err[0], err
    assert _requests(trust_file) == before
    db = open_database(DatabaseTarget.parse(str(trust_file)))
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == audit_before
    db.dispose()
