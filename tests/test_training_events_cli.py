"""`trustdesk events`: list, publish and cancel from the command line, a refusal in one line with exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import DatabaseTarget
from db.migrate import open_database
from db.models import TrainingEvent
from desktop.cli import main


@pytest.fixture
def demo_file(tmp_path: Path, demo_template: Path) -> Path:
    path = tmp_path / "demo.sqlite"
    path.write_bytes(demo_template.read_bytes())
    return path


def _draft(path: Path) -> tuple[int, str]:
    db = open_database(DatabaseTarget.parse(str(path)))
    try:
        with db.read() as session:
            return session.execute(
                select(TrainingEvent.id, TrainingEvent.title).where(TrainingEvent.published.is_(False))
            ).one()
    finally:
        db.dispose()


def _run(path: Path, *argv: str) -> int:
    return main(["events", *argv, "--db", str(path)])


def test_list_publish_and_cancel(demo_file: Path, capsys) -> None:
    event_id, title = _draft(demo_file)
    assert _run(demo_file, "list", "--view", "drafts", "--as", "sam.patel") == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [line for line in out.splitlines() if line.startswith(f"{event_id}\t")]
    assert title in out and "Draft" in out and err.strip() == "1 event(s): drafts"

    assert _run(demo_file, "publish", str(event_id), "--as", "chris.lee") == 2
    assert "only its own organisation sees its drafts" in capsys.readouterr().err  # the trust's draft
    assert _run(demo_file, "publish", str(event_id), "--as", "sam.patel") == 0
    assert f"Published “{title}”" in capsys.readouterr().out
    assert _run(demo_file, "publish", str(event_id), "--as", "sam.patel") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "already published" in err
    assert _run(demo_file, "cancel", str(event_id), "--reason", "Not mine", "--as", "chris.lee") == 2
    assert "You may not cancel" in capsys.readouterr().err

    assert _run(demo_file, "cancel", str(event_id), "--reason", "Room double-booked", "--as", "sam.patel") == 0
    assert f"Cancelled “{title}”" in capsys.readouterr().out
    assert _run(demo_file, "list", "--view", "cancelled", "--as", "chris.lee") == 0
    assert title in capsys.readouterr().out  # it had been published: every member sees it was cancelled
