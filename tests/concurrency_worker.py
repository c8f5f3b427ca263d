"""Child processes for the concurrency and crash tests (a separate interpreter each, like a second laptop).

Used two ways: ``decide_rounds`` is a multiprocessing (spawn) target that signs
off whatever the parent sends, round after round, starting together with its
rival at a barrier; run as a script, it does one sign-off or one flood fill and
says "ready" on stdout just before it starts, so the parent can kill it at a
random moment during the work.  A script worker starts (imports, connects),
says "ready", then waits for a "go" line on stdin: the parent starts the next
worker while the current one works, so the 20 kills do not wait 20 start-ups.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.engine import DatabaseTarget
from db.migrate import open_database


def decide_rounds(url: str, username: str, decision: str, conn: Any, barrier: Any) -> None:
    from db.models import PartnershipState
    from db.services.signoff import sign_off
    from tests.helpers import user_id

    db = open_database(DatabaseTarget.parse(url), migrate=False)
    me = user_id(db, username)
    try:
        while (shown := conn.recv()) is not None:
            barrier.wait()
            result = sign_off(db, me, shown, PartnershipState(decision), reason="Concurrency test", source="test")
            conn.send((list(result.applied), [(s.activity_id, s.reason.name) for s in result.skipped]))
    finally:
        db.dispose()


def _go() -> str:
    """Wait for the parent's "go ARGUMENT" line; returns the argument."""
    print("ready", flush=True)
    line = sys.stdin.readline().split(maxsplit=1)
    if not line or line[0] != "go":
        raise SystemExit(0)
    return line[1].strip() if len(line) > 1 else ""


def _sign_off(url: str, username: str) -> None:
    from db.models import PartnershipState
    from db.services.signoff import sign_off
    from tests.bulk_rows import versions_of
    from tests.helpers import user_id

    db = open_database(DatabaseTarget.parse(url), migrate=False)
    me = user_id(db, username)
    marker = _go()
    shown = versions_of(db, marker)
    result = sign_off(db, me, shown, PartnershipState.AUTHORISED, source="test")
    print(f"done {len(result.applied)}", flush=True)


def _flood_fill(url: str, username: str) -> None:
    from datetime import date

    from sqlalchemy import select

    from db.models import AppUser, Job
    from db.services.flood_fill import FloodFillSpec, create_flood_fill
    from tests.helpers import user_id

    db = open_database(DatabaseTarget.parse(url), migrate=False)
    me = user_id(db, username)
    job_marker = _go()
    with db.read() as session:
        creator = session.scalar(select(AppUser.job_id).where(AppUser.id == me))
        jobs = list(session.scalars(select(Job.id).where(Job.role == job_marker).order_by(Job.id)))
    spec = FloodFillSpec(
        title="Crash-test flood fill",
        activity_type="Course",
        provider="TrustDesk tests",
        starts_on=date(2026, 1, 12),
        ends_on=date(2026, 1, 12),
        course_fee_pence=1500,
        creator_job_id=creator,
    )
    result = create_flood_fill(db, me, spec, jobs)
    print(f"done {result.activity_count}", flush=True)


if __name__ == "__main__":
    mode, *arguments = sys.argv[1:]
    {"signoff": _sign_off, "floodfill": _flood_fill}[mode](*arguments)
