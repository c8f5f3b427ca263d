"""Partnership CPD at a million activities: our figure, a reference measured in the same run, the ratio.

    python bench/bench_partnership_cpd.py [--source PATH (default: bench/reference.py)] [--copy /tmp/cpd-bench.sqlite]

Works on a copy of the large demo (the sign-off writes).  Measures:
1. filter change → first page shown (query + model reset + paint, offscreen) vs QSqlTableModel
   with the same filter and order on the same file;
2. sign-off of 10,000 ticked activities (version checks, audit, notifications) vs one raw
   ``UPDATE … WHERE id IN (…)`` of 10,000 other rows' status;
3. "tick all N matching" on a ~200,000-row filter, then opening the sign-off dialog (target < 1 s);
4. resident memory after scrolling 50,000 rows in the real window (target < 300 MB), in a child process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import cast

from reference import reference_database  # bench/reference.py: builds the dataset on first use

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import Qt
from PySide6.QtSql import QSqlDatabase, QSqlTableModel
from PySide6.QtWidgets import QApplication, QTableView
from sqlalchemy import select

from db.engine import Database, DatabaseTarget
from db.migrate import open_database
from db.models import AppUser, CpdActivity, Job, Level, Module, PartnershipState
from db.queries import activities as q
from db.scope import scope_for
from db.services.signoff import sign_off

REPEATS = 5


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def user(db: Database, name: str) -> int:
    with db.read() as session:
        return session.scalars(select(AppUser.id).where(AppUser.username == name)).one()


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def report(title: str, ours: float, reference: float, target: str) -> None:
    print(f"{title}: ours {ms(ours)} · reference {ms(reference)} · ratio {ours / reference:.2f}× ({target})")


# -- 1 ----------------------------------------------------------------------------
def bench_filter_change(app: QApplication, db: Database, path: Path, sam: int) -> None:
    from desktop.modules.partnership_cpd.activity_table_model import ActivityTableModel
    from desktop.modules.partnership_cpd.check_header import CheckHeader

    with db.read() as session:
        visible = sorted(scope_for(session, sam).orgs(Module.PARTNERSHIP_CPD))
        period = session.scalars(select(CpdActivity.period_id).order_by(CpdActivity.period_id.desc()).limit(1)).one()
        period = period - 1  # a full period, like the current one
    pending = PartnershipState.PENDING
    filters = {
        "period": (q.ActivityFilter(period_id=period), f"period_id={period}"),
        "period+pending": (
            q.ActivityFilter(period_id=period, partnership_state=pending),
            f"period_id={period} AND partnership_state='pending'",
        ),
        "period+organisation": (
            q.ActivityFilter(period_id=period, organisation_id=visible[5]),
            f"period_id={period} AND organisation_id={visible[5]}",
        ),
        "period+search": (
            q.ActivityFilter(period_id=period, search="coaching"),
            f"period_id={period} AND (title LIKE '%coaching%' OR provider LIKE '%coaching%')",
        ),
        "all periods": (q.ActivityFilter(), "1=1"),
    }
    org_clause = f" AND organisation_id IN ({','.join(map(str, visible))})"

    model = ActivityTableModel()
    view = QTableView()
    view.setHorizontalHeader(CheckHeader(0, view))
    view.setModel(model)
    view.resize(1400, 800)
    view.show()

    qdb = QSqlDatabase.addDatabase("QSQLITE", "bench")
    qdb.setDatabaseName(str(path))
    assert qdb.open()
    ref_model = QSqlTableModel(None, qdb)
    ref_model.setTable("cpd_activities")
    ref_view = QTableView()
    ref_view.setModel(ref_model)
    ref_view.resize(1400, 800)
    ref_view.show()
    start_col = ref_model.fieldIndex("starts_on")
    app.processEvents()

    print("1. Filter change → first page shown (median of 5; count and total follow separately)")
    ours_all, refs_all = [], []
    for name, (filt, where) in filters.items():
        ours, refs, counts = [], [], []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            page = q.first_rows(db, sam, filt)
            model.reset(None, page.rows)
            view.viewport().repaint()
            ours.append(time.perf_counter() - t0)
            t1 = time.perf_counter()
            q.summarise(db, sam, filt)
            counts.append(time.perf_counter() - t1)

            t0 = time.perf_counter()
            ref_model.setFilter(where + org_clause)
            ref_model.setSort(start_col, Qt.SortOrder.DescendingOrder)
            ref_model.select()
            ref_view.viewport().repaint()
            refs.append(time.perf_counter() - t0)
        ours_m, ref_m = statistics.median(ours), statistics.median(refs)
        ours_all.append(ours_m)
        refs_all.append(ref_m)
        report(f"   {name:<20}", ours_m, ref_m, f"count+total arrive after {ms(statistics.median(counts))}")
    report("   median over filters ", statistics.median(ours_all), statistics.median(refs_all), "aim ≤ 2×, < 100 ms")
    ref_model.clear()
    del ref_model
    qdb.close()


# -- 2 ----------------------------------------------------------------------------
def decidable_pending(db: Database, username: str, count: int) -> list[int]:
    with db.read() as session:
        scope = scope_for(session, user(db, username))
        orgs = sorted(scope.orgs(Module.PARTNERSHIP_CPD, at_least=Level.DECIDE))
        own = session.scalar(select(Job.person_id).where(Job.id == scope.own_job_id))
        return list(
            session.scalars(
                select(CpdActivity.id)
                .join(Job, Job.id == CpdActivity.job_id)
                .where(
                    CpdActivity.partnership_state == PartnershipState.PENDING,
                    CpdActivity.organisation_id.in_(orgs),
                    Job.person_id != own,
                )
                .order_by(CpdActivity.id)
                .limit(count)
            )
        )


def bench_sign_off(db: Database, path: Path, sam: int) -> None:
    rounds = 3
    ids = decidable_pending(db, "sam.patel", 20_000 * rounds)
    ours, refs = [], []
    for r in range(rounds):
        mine, theirs = ids[r * 20_000 : r * 20_000 + 10_000], ids[r * 20_000 + 10_000 : (r + 1) * 20_000]
        with db.read() as session:
            shown = dict(
                session.execute(select(CpdActivity.id, CpdActivity.version).where(CpdActivity.id.in_(mine)))
                .tuples()
                .all()
            )
        t0 = time.perf_counter()
        result = sign_off(db, sam, shown, PartnershipState.AUTHORISED, "Benchmark")
        ours.append(time.perf_counter() - t0)
        assert len(result.applied) == 10_000, result.skipped[:3]

        raw = sqlite3.connect(path, timeout=30)
        t0 = time.perf_counter()
        raw.execute(
            f"UPDATE cpd_activities SET partnership_state = 'authorised' WHERE id IN ({','.join(map(str, theirs))})"
        )
        raw.commit()
        refs.append(time.perf_counter() - t0)
        raw.close()
    print("2. Sign-off of 10,000 ticked activities (median of 3)")
    report("   sign_off vs raw UPDATE", statistics.median(ours), statistics.median(refs), "aim ≤ 3×")


# -- 3 ----------------------------------------------------------------------------
def bench_tick_all(app: QApplication, db: Database, sam: int, tmp: Path) -> None:
    from db.queries.users import list_users
    from desktop.app import build_context
    from desktop.kit.ops import Operations
    from desktop.modules.partnership_cpd.activity_table_model import ActivityTableModel
    from desktop.modules.partnership_cpd.sign_off_dialog import SignOffDialog
    from desktop.paths import AppPaths
    from desktop.settings_file import open_settings

    paths = AppPaths.under(tmp / "bench-app")
    paths.ensure()
    me = next(u for u in list_users(db) if u.username == "sam.patel")
    context = build_context(db, me, paths, open_settings(paths), Operations())
    with db.read() as session:
        period = (
            session.scalars(select(CpdActivity.period_id).order_by(CpdActivity.period_id.desc()).limit(1)).one() - 1
        )
    filt = q.ActivityFilter(period_id=period)
    model = ActivityTableModel()
    model.reset(None, q.first_rows(db, sam, filt).rows)
    times, impacts, count = [], [], 0
    for _ in range(3):
        model.clear_ticks()
        t0 = time.perf_counter()
        versions = q.matching_versions(db, sam, filt)
        model.tick_all(versions)
        dialog = SignOffDialog(context, model.ticked, PartnershipState.AUTHORISED)
        dialog.show()
        app.processEvents()
        times.append(time.perf_counter() - t0)
        count = len(versions)
        while dialog.impact is None and time.perf_counter() - t0 < 60:
            app.processEvents()
            time.sleep(0.005)
        impacts.append(time.perf_counter() - t0)
        dialog.close()
        dialog.deleteLater()
    context.ops.wait_for_done(60_000)
    print(f"3. Tick all {count:,} matching, then open the sign-off dialog (median of 3)")
    print(f"   dialog shown after {ms(statistics.median(times))} (target < 1 s); ")
    print(f"   its total cost and budget/cover warnings filled in after {ms(statistics.median(impacts))}")


# -- 4 ----------------------------------------------------------------------------
def bench_memory(path: Path, tmp: Path) -> None:
    """Child process: the real main window, scrolled until 50,000 rows are loaded."""
    from PySide6.QtCore import QEventLoop, QTimer

    from desktop.main_window import MainWindow
    from desktop.modules.partnership_cpd.panel import PartnershipCpdPanel
    from tests.gui_helpers import make_context

    db = open_database(DatabaseTarget.parse(str(path)))
    context = make_context(db, tmp / "rss-app")
    window = MainWindow(context)
    window.resize(1400, 860)
    window.show()
    panel = cast(PartnershipCpdPanel, window.panels["partnership_cpd"])
    panel.activate()

    def wait(condition: Callable[..., bool], timeout: float = 60) -> None:
        end = time.perf_counter() + timeout
        while not condition() and time.perf_counter() < end:
            loop = QEventLoop()
            QTimer.singleShot(5, loop.quit)
            loop.exec()

    wait(lambda: panel.model.loaded > 0)
    before = rss_mb()
    t0 = time.perf_counter()
    while panel.model.loaded < 50_000:
        loaded = panel.model.loaded
        panel.table.scrollToBottom()
        wait(lambda loaded=loaded: panel.model.loaded > loaded)
        if panel.model.loaded == loaded:
            break
    took = time.perf_counter() - t0
    after = rss_mb()
    print(
        f"4. Resident memory after scrolling {panel.model.loaded:,} rows: {after:,.0f} MB "
        f"(window open with the first page: {before:,.0f} MB; scrolling took {took:.1f} s; target < 300 MB)"
    )
    context.ops.wait_for_done(10_000)
    QApplication.processEvents()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=None, help="default: the reference dataset (bench/reference.py)")
    parser.add_argument("--copy", default="/tmp/cpd-bench.sqlite")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--skip-copy", action="store_true", help="reuse an existing copy")
    args = parser.parse_args()
    args.source = args.source or str(reference_database())
    path, tmp = Path(args.copy), Path(args.copy).parent
    if args.memory_child:
        from desktop.launch import create_application

        create_application()
        bench_memory(path, tmp)
        return
    if not args.skip_copy or not path.exists():
        print(f"Copying {args.source} to {path}…")
        for suffix in ("-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        shutil.copyfile(args.source, path)
    from desktop.launch import create_application

    app = create_application()
    db = open_database(DatabaseTarget.parse(str(path)))
    sam = user(db, "sam.patel")
    with db.read() as session:
        total = session.scalar(select(CpdActivity.id).order_by(CpdActivity.id.desc()).limit(1))
    print(f"Partnership CPD benchmark on {path} (~{total:,} activities), as sam.patel")
    bench_filter_change(app, db, path, sam)
    bench_tick_all(app, db, sam, tmp)
    bench_sign_off(db, path, sam)
    db.dispose()
    child = [sys.executable, __file__, "--copy", str(path), "--memory-child"]
    subprocess.run(child, check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})


if __name__ == "__main__":
    main()
