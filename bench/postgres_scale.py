"""The shared PostgreSQL database at a million activities: what the user waits on, beside a reference.

    python bench/postgres_scale.py [--folder bench/data/pg-large] [--scale large] [--sorts start,cost]
                                   [--repeats 3] [--skip lists|dashboard|counts|sign-off|tick-all|filters]

A PostgreSQL server of its own (the binaries the tests use, ``TRUSTDESK_PG_BIN``) in ``--folder``,
kept between runs: the first run builds the demo trust into it (``large``: 1,000,000 activities) and
says how long that took.  Then, as the trust-wide CPD lead sam.patel:

1. each Partnership CPD filter preset (a period and its queues, all periods, one school, all the
   requests of one person) by each sort: the first page through ``first_rows`` (the path the
   panel's worker runs), against the same statements run bare on the driver; ``sorted`` marks a
   plan with a Sort node (the rows of the whole filter sorted before the first page), ``incremental``
   an Incremental Sort (the index gives the order; rows with the same key are put in id order);
2. the dashboard refresh (``dashboard_figures``, whole trust, current period) against one raw
   grouped scan of the period, then what the CPD was worth (``evaluation_figures``) against its own
   statements bare on the driver;
3. the count, total and queue tabs of a filter change (from the running totals where they hold the
   filter) against one raw count of the same rows;
4. sign-off of 10,000 ticked rows through the service against one raw ``UPDATE … WHERE id IN (…)``
   of the same ids and the same seven columns (the rows are put back between the two, untimed);
5. in the real main window on this server (as ``bench_partnership_cpd.py`` does on a SQLite file):
   "Tick all N matching" on the current period, then Authorise…, until the dialog shows its total
   and budget and cover warnings, with the longest the window's thread was busy meanwhile;
6. in the real main window, each filter change to its first page painted, against the same page's
   statements run once by Qt's own QPSQL driver into a ``QSqlQueryModel``, painted
   (``page_reference.py``), and bare on psycopg.

The server runs with fsync off (as the tests' does): commit times are a laptop's best case, for
both our figure and the reference.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_partnership_cpd import SEVEN, decidable_pending, timed_sign_off  # noqa: E402  (bench/ is on the path)
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import event, select  # noqa: E402
from window_timing import median_ms  # noqa: E402

from db.engine import Database, DatabaseTarget  # noqa: E402
from db.migrate import open_database  # noqa: E402
from db.models import AppUser, Module, PartnershipState  # noqa: E402
from db.queries import activities as q  # noqa: E402
from db.queries.dashboard import dashboard_figures  # noqa: E402
from db.queries.evaluation_figures import evaluation_figures  # noqa: E402
from db.queries.lookups import load_lookups  # noqa: E402
from db.queries.trust import is_empty  # noqa: E402
from db.scope import scope_for  # noqa: E402
from tests import pg_server  # noqa: E402
from tests import plan_probe as probe  # noqa: E402


def run_all(raw: Any, statements: list[probe.Statement]) -> None:
    for sql, params in statements:
        raw.execute(sql, params).fetchall()


def plan_sorts(raw: Any, sql: str, params: Any) -> str:
    """ "sorted" where PostgreSQL sorts every matching row (a Sort node); "incremental" where an index gives
    the leading key's order and only rows with equal keys are sorted (an Incremental Sort: about a page)."""
    (doc,) = raw.execute("EXPLAIN (FORMAT JSON) " + sql, params).fetchone()
    text = json.dumps(doc)
    if '"Node Type": "Sort"' in text:
        return "sorted"
    return "incremental" if '"Node Type": "Incremental Sort"' in text else ""


def bench_lists(db: Database, raw: Any, user: int, sorts: list[str], repeats: int) -> None:
    with db.read() as session:
        orgs = sorted(scope_for(session, user).orgs(Module.PARTNERSHIP_CPD))
    presets = probe.presets_of(db, orgs)
    print(f"1. First pages, as sam.patel ({len(orgs)} schools in reach), median of {repeats} (ms)")
    print(f"   {'preset | sort':<46}{'first_rows':>12}{'bare SQL':>12}  plan")
    ours_all, worst = [], ("", 0.0)
    for name, filt in {**presets.broad(), **presets.narrow()}.items():
        for sort in sorts:
            shaped = replace(filt, sort=sort)
            reads = probe.page_reads(db, user, shaped, with_counts=True)
            ours = median_ms(partial(q.first_rows, db, user, shaped), repeats)
            bare = median_ms(partial(run_all, raw, reads), repeats)
            plans = {plan_sorts(raw, sql, params) for sql, params in reads}
            shown = "sorted" if "sorted" in plans else "incremental" if "incremental" in plans else ""
            label = f"{name} | {sort}"
            print(f"   {label:<46}{ours:>12,.1f}{bare:>12,.1f}  {shown}", flush=True)
            ours_all.append(ours)
            if ours > worst[1]:
                worst = (label, ours)
    print(f"   median {statistics.median(ours_all):,.1f} ms, worst {worst[1]:,.1f} ms ({worst[0]})")


def bench_dashboard(db: Database, raw: Any, user: int, repeats: int) -> None:
    period = load_lookups(db, user).current_period_id
    assert period is not None
    figures = dashboard_figures(db, user, period)
    ours = median_ms(lambda: dashboard_figures(db, user, period), repeats)
    scan = (
        "SELECT organisation_id, count(*), sum(total_cost_pence) FROM cpd_activities "
        "WHERE period_id = %s GROUP BY organisation_id"
    )
    reference = median_ms(lambda: raw.execute(scan, (period,)).fetchall(), repeats)
    print(f"2. Dashboard, whole trust, current period ({figures.activities:,} activities), median of {repeats}")
    print(f"   ours {ours:,.1f} ms; one raw grouped scan of the period {reference:,.1f} ms", end="; ")
    print(f"ratio {ours / reference:.2f}×")
    # what the CPD was worth: the panel's next read, beside its own statements bare on the driver
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "cpd_activities" in statement:
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        worth = evaluation_figures(db, user, period, None)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    ours = median_ms(lambda: evaluation_figures(db, user, period, None), repeats)
    reference = median_ms(lambda: [raw.execute(sql, values).fetchall() for sql, values in seen], repeats)
    print(f"   what the CPD was worth ({worth.evaluations:,} evaluations, {worth.people:,} people): {ours:,.1f} ms")
    print(f"   its {len(seen)} statements bare on psycopg {reference:,.1f} ms; ratio {ours / reference:.2f}×")


def _fetch_all(raw: Any, sql: str, values: tuple[Any, ...]) -> list[Any]:
    return list(raw.execute(sql, values).fetchall())


def bench_counts(db: Database, raw: Any, user: int, repeats: int) -> None:
    """The count, total and queue tabs a filter change shows, against one raw count of the same rows."""
    period = load_lookups(db, user).current_period_id
    assert period is not None
    pending = PartnershipState.PENDING
    cases = {
        "current period + pending (the main view)": (
            q.ActivityFilter(period_id=period, partnership_state=pending),
            "period_id = %s AND partnership_state = 'pending'",
            (period,),
        ),
        "current period": (q.ActivityFilter(period_id=period), "period_id = %s", (period,)),
        "all periods": (q.ActivityFilter(), "TRUE", ()),
        "current period + search 'coaching'": (
            q.ActivityFilter(period_id=period, search="coaching"),
            "period_id = %s AND (title ILIKE '%%coaching%%' OR provider ILIKE '%%coaching%%')",
            (period,),
        ),
        "all periods + search 'coaching'": (
            q.ActivityFilter(search="coaching"),
            "title ILIKE '%%coaching%%' OR provider ILIKE '%%coaching%%'",
            (),
        ),
        "current period + pending + search 'e'": (
            q.ActivityFilter(period_id=period, partnership_state=pending, search="e"),
            "period_id = %s AND partnership_state = 'pending' AND (title ILIKE '%%e%%' OR provider ILIKE '%%e%%')",
            (period,),
        ),
    }
    print(f"3. Count, total and queue tabs after a filter change, median of {repeats}")
    for name, (filt, where, values) in cases.items():
        summary = median_ms(partial(q.summarise, db, user, filt), repeats)
        queues = median_ms(partial(q.queue_counts, db, user, filt), repeats)
        sql = f"SELECT count(*), sum(total_cost_pence) FROM cpd_activities WHERE {where}"
        reference = median_ms(partial(_fetch_all, raw, sql, values), repeats)
        print(f"   {name}: count and total {summary:,.1f} ms, queue tabs {queues:,.1f} ms", end="; ")
        print(f"one raw count {reference:,.1f} ms")


def bench_sign_off(db: Database, raw: Any, user: int) -> None:
    rounds = 3
    ids = decidable_pending(db, "sam.patel", 10_000 * rounds)
    size = min(10_000, len(ids) // rounds)  # fewer on the small demo
    ours, refs = [], []
    columns = ", ".join(SEVEN)
    for r in range(rounds):
        mine = ids[r * size : (r + 1) * size]
        saved = raw.execute(f"SELECT {columns}, id FROM cpd_activities WHERE id = ANY(%s)", (mine,)).fetchall()
        raw.commit()
        t0 = time.perf_counter()
        raw.execute(
            "UPDATE cpd_activities SET partnership_state = 'authorised', partnership_decided_at = %s, "
            "partnership_user_id = %s, partnership_reason = 'Benchmark', decision_batch_id = NULL, "
            "charged_organisation_id = organisation_id, version = version + 1 WHERE id = ANY(%s)",
            (datetime.now(UTC).replace(tzinfo=None), user, mine),
        )
        raw.commit()
        refs.append(time.perf_counter() - t0)
        put_back = f"UPDATE cpd_activities SET {', '.join(f'{c} = %s' for c in SEVEN)} WHERE id = %s"
        with raw.cursor() as cursor:
            cursor.executemany(put_back, saved)
        raw.commit()
        ours.append(timed_sign_off(db, user, mine))
    ours_m, refs_m = statistics.median(ours), statistics.median(refs)
    print(f"4. Sign-off of {size:,} ticked rows (versions, audit, notifications), median of 3")
    print(
        f"   ours {ours_m * 1000:,.0f} ms; one raw UPDATE of the same ids and seven columns {refs_m * 1000:,.0f} ms; "
        f"ratio {ours_m / refs_m:.2f}× (aim ≤ 2×)"
    )


#: the parts, in the order they run (``--skip`` leaves any out)
PARTS = ("lists", "dashboard", "counts", "sign-off", "tick-all", "filters")


def bench_tick_all_window(app: QApplication, db: Database, user: int) -> None:
    """Part 5: the SQLite benchmark's "tick all" in the real window, on this server's database."""
    import tempfile

    from bench_partnership_cpd import bench_tick_all

    with tempfile.TemporaryDirectory() as tmp:
        bench_tick_all(app, db, user, Path(tmp), part=5)


def bench_filters_window(app: QApplication, db: Database, user: int, url: str) -> None:
    """Part 6: the SQLite benchmark's filter changes in the real window, against Qt's QPSQL driver."""
    import tempfile

    from bench_partnership_cpd import bench_filter_change
    from page_reference import PostgresReference

    reference = PostgresReference(url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            bench_filter_change(app, db, reference, user, Path(tmp), part=6)
    finally:
        reference.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "bench" / "data" / "pg-large")
    parser.add_argument("--scale", default="large", choices=("small", "large", "huge"))
    parser.add_argument("--sorts", default="start,cost,individual,title,organisation,line_manager")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip", action="append", default=[], choices=PARTS)
    args = parser.parse_args()
    if not pg_server.available():
        sys.exit(f"postgres_scale: no PostgreSQL binaries in {pg_server.PG_BIN} (set TRUSTDESK_PG_BIN)")

    server = pg_server.PgServer(args.folder.resolve())
    server.start("-c shared_buffers=1GB -c work_mem=64MB")
    try:
        db = open_database(DatabaseTarget.parse(server.url()))
        if is_empty(db):
            print(f"Building the {args.scale} demo trust in PostgreSQL ({args.folder})…", file=sys.stderr)
            from db.demo import build_demo

            t0 = time.perf_counter()
            build_demo(db, scale=args.scale, seed=1)
            print(f"   built in {time.perf_counter() - t0:,.0f} s", file=sys.stderr)
        with db.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
        with db.read() as session:
            user = session.scalars(select(AppUser.id).where(AppUser.username == "sam.patel")).one()
            version = session.connection().exec_driver_sql("SHOW server_version").scalar()
        import psycopg

        raw = psycopg.connect(server.url().replace("postgresql+psycopg", "postgresql"))
        print(f"PostgreSQL {version}, {args.folder}")
        if "lists" not in args.skip:
            bench_lists(db, raw, user, args.sorts.split(","), args.repeats)
        if "dashboard" not in args.skip:
            bench_dashboard(db, raw, user, args.repeats)
        if "counts" not in args.skip:
            bench_counts(db, raw, user, args.repeats)
        if "sign-off" not in args.skip:
            bench_sign_off(db, raw, user)
        if "tick-all" not in args.skip or "filters" not in args.skip:
            from desktop.launch import create_application

            app = create_application()
            if "tick-all" not in args.skip:
                bench_tick_all_window(app, db, user)
            if "filters" not in args.skip:
                bench_filters_window(app, db, user, server.url())
        raw.close()
        db.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
