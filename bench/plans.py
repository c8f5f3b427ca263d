"""Partnership CPD first pages on several SQLite versions: each filter preset by each sort, ms and plan.

    python bench/plans.py [--db PATH] [--user sam.patel] [--sorts start,cost] [--repeats 3]
                          [--apsw-dir DIR ...]

On the large demo (bench/reference.py), as a trust-wide CPD lead: the real
statements ``first_rows`` sends for each preset and sort (caught on their way
to the driver, with the bounded count that decides how a small queue is read)
are run on Python's SQLite and on apsw's bundled newer one, median of
``--repeats`` after a warm-up.  ``--apsw-dir`` adds another apsw (e.g.
``pip install --target DIR apsw==3.45.3.0``), run in a child process, since
one process loads one apsw.  Each cell is the time and ``sorted`` where the
plan sorts the rows (``USE TEMP B-TREE FOR ORDER BY``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run_statements(path: Path, cases: dict[str, list[Any]], repeats: int) -> dict[str, Any]:
    """On each SQLite this process can load: case → [ms, sorts], and the versions."""
    from tests import plan_probe as probe

    results: dict[str, Any] = {}
    for sqlite in (probe.stdlib_sqlite(path), probe.apsw_sqlite(path)):
        if sqlite is None or (sqlite.name == "sqlite3" and os.environ.get("PLANS_APSW_ONLY")):
            continue
        rows: dict[str, list[Any]] = {}
        try:
            for label, reads in cases.items():
                statements = [(sql, tuple(params)) for sql, params in reads]
                details = [line for statement in statements for line in probe.plan(sqlite, statement)]
                rows[label] = [probe.timed(sqlite, statements, repeats) * 1000, probe.sorts(details)]
                print(f"{sqlite.name} {sqlite.version} {label}: {rows[label][0]:,.1f} ms", file=sys.stderr, flush=True)
        finally:
            sqlite.close()
        results[f"{sqlite.name} {sqlite.version}"] = rows
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="default: the reference dataset (bench/reference.py)")
    parser.add_argument("--user", default="sam.patel")
    parser.add_argument("--sorts", default="", help="comma-separated sort keys (default: every sort of the table)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--apsw-dir", action="append", default=[], help="a folder holding another apsw")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_statements(Path(args.db), json.loads(Path(args.child).read_text()), args.repeats)))
        return

    from reference import reference_database
    from sqlalchemy import select

    from db.engine import DatabaseTarget
    from db.migrate import open_database
    from db.models import AppUser, Module
    from db.queries import activities as q
    from db.scope import scope_for
    from tests import plan_probe as probe

    path = Path(args.db) if args.db else reference_database()
    db = open_database(DatabaseTarget.parse(str(path)))
    with db.read() as session:
        user = session.scalars(select(AppUser.id).where(AppUser.username == args.user)).one()
        orgs = sorted(scope_for(session, user).orgs(Module.PARTNERSHIP_CPD))
    presets = probe.presets_of(db, orgs)
    sorts = args.sorts.split(",") if args.sorts else list(q.SORT_COLUMNS)
    cases: dict[str, list[Any]] = {}
    for name, filt in {**presets.broad(), **presets.narrow()}.items():
        for sort in sorts:
            reads = probe.page_reads(db, user, replace(filt, sort=sort), with_counts=True)
            cases[f"{name} | {sort}"] = [[sql, list(params)] for sql, params in reads]
    db.dispose()

    results = run_statements(path, cases, args.repeats)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(cases, file)
    try:
        for folder in args.apsw_dir:
            env = {**os.environ, "PYTHONPATH": folder, "PLANS_APSW_ONLY": "1"}
            child = [sys.executable, __file__, "--db", str(path), "--child", file.name, "--repeats", str(args.repeats)]
            done = subprocess.run(child, env=env, check=True, stdout=subprocess.PIPE, text=True)
            results.update(json.loads(done.stdout))
    finally:
        os.unlink(file.name)

    names = list(results)
    print(f"First pages on {path} as {args.user} ({len(orgs)} schools in reach), median of {args.repeats} (ms)")
    print(f"{'preset | sort':<48}" + "".join(f"{name:>24}" for name in names))
    for label in cases:
        cells = []
        for name in names:
            ms, sorted_ = results[name][label]
            cells.append(f"{ms:>15,.1f}{' sorted' if sorted_ else '       '}  ")
        print(f"{label:<48}" + "".join(cells))
    print()
    for name in names:
        times = [ms for ms, _ in results[name].values()]
        sorting = sum(1 for _, sorted_ in results[name].values() if sorted_)
        print(
            f"{name}: median {statistics.median(times):,.1f} ms, worst {max(times):,.1f} ms "
            f"({max(results[name], key=lambda label: results[name][label][0])}), "
            f"{sorting} of {len(times)} first pages sorted"
        )


if __name__ == "__main__":
    main()
