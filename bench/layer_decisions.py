"""The line-manager and CPD-team layers on 10,000 ticked rows against the partnership sign-off of
the same rows, in the same run (aim: each layer within 1.5× of the sign-off).

    python bench/layer_decisions.py [--source PATH (default: bench/reference.py)] [--copy /tmp/layer-bench.sqlite]

Works on a copy of the large demo (every step writes).  Each round takes 10,000 rows pending at all
three layers that sam.patel (CPD lead at the trust) may decide, and times, on those same rows:
the line manager's agreement recorded on the line managers' behalf, the CPD team's approval, and
the partnership's authorisation — every one through its service, with version checks, an audit
row and a notification per row.  The order of the three turns from round to round, so that no step
always finds the rows warm in the cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from reference import reference_database  # bench/reference.py: builds the dataset on first use

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select

from db.engine import Database, DatabaseTarget
from db.migrate import open_database
from db.models import (
    AppUser,
    CpdActivity,
    CpdTeamState,
    Job,
    Level,
    LineManagerState,
    Module,
    PartnershipState,
)
from db.scope import scope_for
from db.services.layer_decisions import Layer, decide_layer
from db.services.signoff import sign_off

ROWS = 10_000
ROUNDS = 3


def user(db: Database, name: str) -> int:
    with db.read() as session:
        return session.scalars(select(AppUser.id).where(AppUser.username == name)).one()


def fresh_rows(db: Database, sam: int, count: int) -> list[int]:
    """Rows pending at every layer that sam may decide, none of them his own."""
    with db.read() as session:
        scope = scope_for(session, sam)
        orgs = sorted(scope.orgs(Module.PARTNERSHIP_CPD, at_least=Level.DECIDE))
        own = session.scalar(select(Job.person_id).where(Job.id == scope.own_job_id))
        return list(
            session.scalars(
                select(CpdActivity.id)
                .join(Job, Job.id == CpdActivity.job_id)
                .where(
                    CpdActivity.partnership_state == PartnershipState.PENDING,
                    CpdActivity.line_manager_state == LineManagerState.PENDING,
                    CpdActivity.cpd_team_state == CpdTeamState.PENDING,
                    CpdActivity.organisation_id.in_(orgs),
                    Job.person_id != own,
                )
                .order_by(CpdActivity.id)
                .limit(count)
            )
        )


def shown(db: Database, ids: list[int]) -> dict[int, int]:
    with db.read() as session:
        return dict(
            session.execute(select(CpdActivity.id, CpdActivity.version).where(CpdActivity.id.in_(ids))).tuples().all()
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=None, help="the large demo (default: bench/reference.py)")
    parser.add_argument("--copy", type=Path, default=Path("/tmp/layer-bench.sqlite"))
    args = parser.parse_args()
    source = args.source or reference_database()
    shutil.copyfile(source, args.copy)
    db = open_database(DatabaseTarget.parse(str(args.copy)))
    try:
        sam = user(db, "sam.patel")
        ids = fresh_rows(db, sam, ROWS * ROUNDS)
        assert len(ids) == ROWS * ROUNDS, f"only {len(ids):,} rows pending at every layer"

        def line_manager(rows: dict[int, int]) -> int:
            result = decide_layer(db, sam, Layer.LINE_MANAGER, rows, LineManagerState.AGREED, "Benchmark")
            assert len(result.on_behalf) == len(result.applied)
            return len(result.applied)

        def cpd_team(rows: dict[int, int]) -> int:
            return len(decide_layer(db, sam, Layer.CPD_TEAM, rows, CpdTeamState.APPROVED, "Benchmark").applied)

        def partnership(rows: dict[int, int]) -> int:
            return len(sign_off(db, sam, rows, PartnershipState.AUTHORISED, "Benchmark").applied)

        steps: list[tuple[str, Callable[[dict[int, int]], int]]] = [
            ("line manager", line_manager),
            ("CPD team", cpd_team),
            ("partnership sign-off", partnership),
        ]
        times: dict[str, list[float]] = {name: [] for name, _ in steps}
        for r in range(ROUNDS):
            rows = ids[r * ROWS : (r + 1) * ROWS]
            for name, step in steps[r:] + steps[:r]:
                versions = shown(db, rows)
                t0 = time.perf_counter()
                applied = step(versions)
                times[name].append(time.perf_counter() - t0)
                assert applied == ROWS, f"{name}: {applied:,} of {ROWS:,} applied"
        base = statistics.median(times["partnership sign-off"])
        print(f"Decisions on {ROWS:,} ticked rows (median of {ROUNDS}, the same rows for all three)")
        for name, _ in steps:
            median = statistics.median(times[name])
            print(f"   {name}: {median * 1000:,.0f} ms · ratio to the sign-off {median / base:.2f}× (aim ≤ 1.5×)")
    finally:
        db.dispose()


if __name__ == "__main__":
    main()
