"""The benchmark reference dataset: the `large` demo trust, built on first use.

Every bench script measures against the same file, ``bench/data/large.sqlite``
(1,000,000 activities; about 30-40 s to build here).  A file built by an older
TrustDesk is migrated first, so a read-only benchmark can open it.
Set ``TRUSTDESK_BENCH_DB`` to use another copy.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from db.engine import DatabaseTarget  # noqa: E402
from db.migrate import open_database  # noqa: E402
from db.queries.trust import is_empty  # noqa: E402

DEFAULT = ROOT / "bench" / "data" / "large.sqlite"


def reference_database() -> Path:
    """Path of the large demo, built or migrated as needed (never inside a timed section)."""
    path = Path(os.environ.get("TRUSTDESK_BENCH_DB", DEFAULT))
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(DatabaseTarget.parse(str(path)))  # migrates an older file, with a backup copy
    try:
        if is_empty(db):
            from db.demo import build_demo

            print(f"Building the reference dataset (large demo) in {path}…", file=sys.stderr)
            build_demo(db, scale="large", seed=1)
    finally:
        db.dispose()
    return path


if __name__ == "__main__":
    print(reference_database())
