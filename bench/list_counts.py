"""The Partnership CPD list's count, total and queue tabs after a filter change, against counting the rows.

    python bench/list_counts.py [FILE] [--user sam.patel] [--repeats 5]

On a SQLite file (the reference dataset by default; a `trustdesk demo --scale huge` file for 5M), as
the trust-wide CPD lead: for the main view (current period + pending), the current period, all
periods and a search, ``summarise`` and ``queue_counts`` (the two reads the panel makes after the
first page) against the same figures counted from the matching activities with the list's own
conditions, as they were read before migrations 0016 and 0017 — measured in the same run, on the same
file.  A search is read from the totals per title and provider (0017): a common word, a rare one, one
letter (nearly every title), and a word in all periods.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from reference import reference_database  # noqa: E402  (bench/ is on the path)
from sqlalchemy import select  # noqa: E402
from window_timing import median_ms  # noqa: E402

from db.engine import Database, DatabaseTarget  # noqa: E402
from db.migrate import open_database  # noqa: E402
from db.models import AppUser, PartnershipState  # noqa: E402
from db.queries import activities as q  # noqa: E402
from db.queries.lookups import load_lookups  # noqa: E402
from tests.totals_reference import counted_from_rows  # noqa: E402


def shown(db: Database, user: int, filt: q.ActivityFilter) -> tuple[Any, Any]:
    """What the panel reads after the first page: the count and total, and the queue tabs."""
    return q.summarise(db, user, filt), q.queue_counts(db, user, filt)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", help="a SQLite file (default: the reference dataset)")
    parser.add_argument("--user", default="sam.patel")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    db = open_database(DatabaseTarget.parse(args.file or str(reference_database())))
    with db.read() as session:
        user = session.scalars(select(AppUser.id).where(AppUser.username == args.user)).one()
    period = load_lookups(db, user).current_period_id
    filters = {
        "current period + pending (the main view)": q.ActivityFilter(
            period_id=period, partnership_state=PartnershipState.PENDING
        ),
        "current period": q.ActivityFilter(period_id=period),
        "all periods": q.ActivityFilter(),
        "current period + search 'coaching'": q.ActivityFilter(period_id=period, search="coaching"),
        "current period + search 'first steps'": q.ActivityFilter(period_id=period, search="first steps"),
        "current period + pending + search 'e'": q.ActivityFilter(
            period_id=period, partnership_state=PartnershipState.PENDING, search="e"
        ),
        "all periods + search 'coaching'": q.ActivityFilter(search="coaching"),
    }
    print(f"Count, total and queue tabs as {args.user}, median of {args.repeats} (aim < 200 ms)")
    for name, filt in filters.items():
        count = q.summarise(db, user, filt).count
        ours = median_ms(partial(shown, db, user, filt), args.repeats)
        rows = median_ms(partial(counted_from_rows, db, user, filt), args.repeats)
        print(f"   {name} ({count:,}): ours {ours:,.1f} ms · from the rows {rows:,.1f} ms · {ours / rows:.3f}×")
    db.dispose()


if __name__ == "__main__":
    main()
