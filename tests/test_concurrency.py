"""No lost updates and all-or-nothing, proved with real processes (issue 6).

Two processes sign off overlapping rows at the same moment; a child is killed
with SIGKILL at random points during a large sign-off and a large flood fill.
Each runs on SQLite and on PostgreSQL (the ``demo_db`` fixture).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from db.engine import Database
from db.models import CpdActivity, DecisionBatch, Job, Level, Module, PartnershipState, Person
from db.scope import scope_for
from db.services.signoff import SkipReason
from tests.bulk_rows import (
    add_pending_activities,
    assert_audit_trails_complete,
    audit_count,
    decidable_job,
    states_of,
    versions_of,
)
from tests.helpers import own_person_id, user_id

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).with_name("concurrency_worker.py")
#: 20 rounds on PostgreSQL; 10 on SQLite, where the two processes can only take turns (one writer at a
#: time), so more rounds add time without adding interleavings.
ROUNDS = {"postgresql": 20, "sqlite": 10}
PER_PROCESS = 5000
OVERLAP = 2500
KILLS = 20
AHEAD = 2  # workers starting up while one works


def _url(db: Database) -> str:
    return db.target.url.render_as_string(hide_password=False)


def test_two_processes_deciding_overlapping_rows_each_row_decided_once(demo_db: Database) -> None:
    job = decidable_job(demo_db, "alex.morgan", "sam.patel")
    size, rounds = 2 * PER_PROCESS - OVERLAP, ROUNDS[demo_db.engine.dialect.name]
    blocks = [versions_of(demo_db, add_pending_activities(demo_db, job, size)) for _ in range(rounds)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    pipes, children = [], []
    for username, decision in (("alex.morgan", "authorised"), ("sam.patel", "rejected")):
        mine, theirs = context.Pipe()
        child = context.Process(
            target=_decide_rounds_entry, args=(_url(demo_db), username, decision, theirs, barrier), daemon=True
        )
        child.start()
        pipes.append(mine)
        children.append(child)
    every_row: dict[int, tuple[PartnershipState, int]] = {}
    try:
        for block in blocks:
            ids = sorted(block)
            first, second = ids[:PER_PROCESS], ids[PER_PROCESS - OVERLAP :]
            overlap = set(first) & set(second)
            assert len(overlap) == OVERLAP
            pipes[0].send({i: block[i] for i in first})
            pipes[1].send({i: block[i] for i in second})
            results = [pipe.recv() for pipe in pipes]
            (applied_a, _), (applied_b, _) = results

            assert not set(applied_a) & set(applied_b), "a row was decided twice"
            assert set(applied_a) | set(applied_b) == set(ids), "a row was decided by nobody"
            for applied, skipped in results:
                lost = {row for row, _reason in skipped}
                assert lost == overlap - set(applied), "the loser must be told exactly which rows it lost"
                assert {reason for _row, reason in skipped} <= {
                    SkipReason.CHANGED.name,
                    SkipReason.ALREADY_DECIDED.name,
                }
            now = states_of(demo_db, ids)
            assert all(now[i] == (PartnershipState.AUTHORISED, 2) for i in applied_a)
            assert all(now[i] == (PartnershipState.REJECTED, 2) for i in applied_b)
            every_row.update(now)
    finally:
        for pipe in pipes:
            pipe.send(None)
        for child in children:
            child.join(30)
    assert all(child.exitcode == 0 for child in children)
    assert_audit_trails_complete(demo_db, every_row)


def _jobs_at_schools_both_decide(db: Database, usernames: tuple[str, str], count: int) -> list[int]:
    """One job at each of ``count`` organisations where both users decide, nobody's own."""
    with db.read() as session:
        orgs = set.intersection(
            *(set(scope_for(session, user_id(db, name)).orgs(Module.PARTNERSHIP_CPD, at_least=Level.DECIDE))
              for name in usernames)
        )  # fmt: skip
        own = {own_person_id(db, name) for name in usernames}
        jobs = [
            session.scalar(
                select(Job.id)
                .where(Job.organisation_id == org, Job.person_id.not_in(own), Job.active.is_(True))
                .order_by(Job.id)
                .limit(1)
            )
            for org in sorted(orgs)
        ]
    found = [job for job in jobs if job is not None][:count]
    assert len(found) == count
    return found


def test_two_sign_offs_at_the_same_schools_never_deadlock_on_the_dashboard_totals(demo_db: Database) -> None:
    """Two sign-offs of different rows at the same three schools, one meeting the schools in the
    opposite order to the other, while the parent folds the dashboard's totals again and again:
    totals updated in place, row by row, would deadlock here; none may, and none may be lost."""
    from db.services.activity_totals import fold_period
    from tests.totals_reference import assert_totals_kept

    users = ("alex.morgan", "sam.patel")
    jobs = _jobs_at_schools_both_decide(demo_db, users, 3)
    per_block, rounds = 300, 2
    work = []
    for _ in range(rounds):
        # blocks of one school each, interleaved, so that every chunk of a sign-off spans the schools
        first = [add_pending_activities(demo_db, job, per_block) for job in jobs * 2]
        second = [add_pending_activities(demo_db, job, per_block) for job in reversed(jobs * 2)]
        work.append([_versions(demo_db, markers) for markers in (first, second)])
    with demo_db.read() as session:
        periods = set(session.scalars(select(CpdActivity.period_id).where(CpdActivity.id.in_(list(work[0][0])))))
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    pipes, children = [], []
    for username in users:
        mine, theirs = context.Pipe()
        child = context.Process(
            target=_decide_rounds_entry, args=(_url(demo_db), username, "authorised", theirs, barrier), daemon=True
        )
        child.start()
        pipes.append(mine)
        children.append(child)
    folds = 0
    try:
        for halves in work:
            for pipe, rows in zip(pipes, halves, strict=True):
                pipe.send(rows)
            deadline = time.monotonic() + 120
            while not all(pipe.poll() for pipe in pipes):
                assert all(child.is_alive() for child in children), "a sign-off failed (a deadlock?)"
                assert time.monotonic() < deadline, "the two sign-offs did not finish"
                for period in periods:
                    fold_period(demo_db, period)
                    folds += 1
            for pipe, rows in zip(pipes, halves, strict=True):
                applied, skipped = pipe.recv()
                assert sorted(applied) == sorted(rows) and not skipped
            assert_totals_kept(demo_db)
    finally:
        for pipe in pipes:
            pipe.send(None)
        for child in children:
            child.join(30)
    assert all(child.exitcode == 0 for child in children)
    for period in periods:
        fold_period(demo_db, period)
    assert_totals_kept(demo_db)
    assert folds > 0


def _versions(db: Database, markers: list[str]) -> dict[int, int]:
    rows: dict[int, int] = {}
    for marker in markers:
        rows |= versions_of(db, marker)
    return rows


def _decide_rounds_entry(*args: object) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.concurrency_worker import decide_rounds

    decide_rounds(*args)


def _start_worker(mode: str, db: Database, username: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(WORKER), mode, _url(db), username],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )


def _go(child: subprocess.Popen[str], argument: str) -> None:
    """Wait until the worker has started and connected, then tell it to begin the work."""
    assert child.stdout is not None and child.stdin is not None
    line = child.stdout.readline()
    assert line.strip() == "ready", f"worker did not start: {line!r}"
    child.stdin.write(f"go {argument}\n")
    child.stdin.flush()


def _run_to_the_end(child: subprocess.Popen[str], argument: str) -> float:
    """Run one worker uninterrupted; returns how long its work took."""
    _go(child, argument)
    started = time.monotonic()
    assert child.wait(120) == 0
    _close(child)
    return time.monotonic() - started


def _close(child: subprocess.Popen[str]) -> None:
    for stream in (child.stdin, child.stdout):
        if stream is not None:
            stream.close()


def _settle(db: Database) -> None:
    """After a kill: wait until the server has noticed and rolled back the dead client's transaction."""
    if db.target.is_sqlite:
        return
    deadline = time.monotonic() + 15
    with db.engine.connect() as connection:
        while time.monotonic() < deadline:
            busy = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND state IN ('active', 'idle in transaction', "
                "'idle in transaction (aborted)')"
            ).scalar()
            connection.rollback()
            if not busy:
                return
            time.sleep(0.02)
    raise AssertionError("the killed client's transaction never ended")


def _kill_at_random(child: subprocess.Popen[str], argument: str, within: float, rng: random.Random) -> None:
    _go(child, argument)
    time.sleep(rng.uniform(0, within))
    child.send_signal(signal.SIGKILL)
    child.wait(30)
    _close(child)


def _kill_runs(mode: str, db: Database, argument: object, within: float, rng: random.Random, check: object) -> None:
    """KILLS workers, each killed at a random moment of its work.

    Two workers are always starting up ahead of the one at work, so the kills
    do not wait for interpreter start-ups one after another.
    """
    waiting = deque(_start_worker(mode, db, "alex.morgan") for _ in range(min(AHEAD, KILLS)))
    for n in range(KILLS):
        current = waiting.popleft()
        before = check(None)  # type: ignore[operator]
        _go(current, argument())  # type: ignore[operator]
        if n + len(waiting) + 1 < KILLS:
            waiting.append(_start_worker(mode, db, "alex.morgan"))
        time.sleep(rng.uniform(0, within))
        current.send_signal(signal.SIGKILL)
        current.wait(30)
        _close(current)
        _settle(db)
        check(before)  # type: ignore[operator]


def test_a_sign_off_killed_at_any_moment_leaves_all_or_nothing(demo_db: Database) -> None:
    rng = random.Random(6)
    job = decidable_job(demo_db, "alex.morgan")
    block = {"marker": add_pending_activities(demo_db, job, 10_000)}

    # One uninterrupted run tells how long the work takes (and that "after" is what we think).
    duration = _run_to_the_end(_start_worker("signoff", demo_db, "alex.morgan"), block["marker"])
    assert _states(demo_db, block["marker"]) == {PartnershipState.AUTHORISED}
    block["marker"] = add_pending_activities(demo_db, job, 10_000)
    outcomes = {"before": 0, "after": 0}

    def check(before: tuple[int, int] | None) -> tuple[int, int]:
        counts = audit_count(demo_db), _count(demo_db, DecisionBatch)
        if before is None:
            return counts
        states = _states(demo_db, block["marker"])
        if states == {PartnershipState.PENDING}:
            outcomes["before"] += 1
            assert counts == before, "nothing may be recorded for a sign-off that did not happen"
        else:
            outcomes["after"] += 1
            assert states == {PartnershipState.AUTHORISED}, f"half-applied sign-off: {states}"
            assert counts == (before[0] + 10_000, before[1] + 1)
            block["marker"] = add_pending_activities(demo_db, job, 10_000)
        return counts

    started = time.monotonic()
    _kill_runs("signoff", demo_db, lambda: block["marker"], duration * 1.1, rng, check)
    print(f"sign-off takes {duration:.2f} s; {KILLS} kills in {time.monotonic() - started:.1f} s: {outcomes}")
    assert outcomes["before"] > 0, outcomes  # the kills did land inside the work


def _states(db: Database, marker: str) -> set[PartnershipState]:
    """Which states the block's rows are in (one grouped query: this runs after every kill)."""
    with db.read() as session:
        found = session.execute(
            select(CpdActivity.partnership_state, func.count())
            .where(CpdActivity.title == marker)
            .group_by(CpdActivity.partnership_state)
        ).all()
    assert sum(count for _state, count in found) == 10_000
    return {state for state, _count in found}


def _count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def _add_jobs(db: Database, count: int) -> str:
    """``count`` new staff (one job each) at a school alex.morgan may flood-fill, marked by their role."""
    marker = f"Crash-test role {random.randrange(10**6)}"
    job = decidable_job(db, "alex.morgan")
    with db.read() as session:
        org = session.scalar(select(Job.organisation_id).where(Job.id == job))
        first = (session.scalar(select(func.max(Person.id))) or 0) + 1
    people = [
        {"id": first + n, "first_name": "Test", "last_name": f"Staff {n:05d}", "version": 1} for n in range(count)
    ]
    jobs = [
        {"person_id": first + n, "organisation_id": org, "role": marker, "version": 1, "cover_limit_days": 5.0}
        for n in range(count)
    ]
    with db.transaction() as session:
        session.execute(insert(Person), people)
        session.execute(insert(Job), jobs)
    if not db.target.is_sqlite:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("SELECT setval('people_id_seq', (SELECT max(id) FROM people))")
    return marker


def test_a_flood_fill_killed_at_any_moment_leaves_all_or_nothing(demo_db: Database) -> None:
    pytest.importorskip("db.services.flood_fill")
    from db.models import FloodFillBatch

    rng = random.Random(66)
    marker = _add_jobs(demo_db, 5000)

    def snapshot() -> tuple[int, int, int]:
        return _count(demo_db, CpdActivity), _count(demo_db, FloodFillBatch), audit_count(demo_db)

    first = snapshot()
    duration = _run_to_the_end(_start_worker("floodfill", demo_db, "alex.morgan"), marker)
    whole = tuple(b - a for a, b in zip(first, snapshot(), strict=True))
    assert whole[:2] == (5000, 1), f"one flood fill over 5,000 jobs made {whole}"
    outcomes = {"before": 0, "after": 0}

    def check(before: tuple[int, int, int] | None) -> tuple[int, int, int]:
        now = snapshot()
        if before is None:
            return now
        change = tuple(b - a for a, b in zip(before, now, strict=True))
        assert change in ((0, 0, 0), whole), f"half-made flood fill: {change} (a whole one is {whole})"
        outcomes["before" if change == (0, 0, 0) else "after"] += 1
        return now

    _kill_runs("floodfill", demo_db, lambda: marker, duration * 1.1, rng, check)
    assert outcomes["before"] > 0, outcomes
