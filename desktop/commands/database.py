"""Which database a command works on: ``--db``, ``TRUSTDESK_DATABASE_URL`` or the user's own file.

Only ``trustdesk demo`` creates a database. Every other command works on one
that exists: a mistyped ``--db trsut.sqlite`` is refused in one sentence
(exit status 2) instead of becoming an empty, migrated database left behind.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # SQLAlchemy is imported when a command runs, not when the parser is built
    from db.engine import Database


def open_existing_database(args: argparse.Namespace) -> Database:
    """Open (and migrate) the database the command names; never create one."""
    from db.engine import DatabaseTarget
    from db.migrate import open_database
    from desktop.paths import AppPaths

    default = AppPaths.under_or_default(getattr(args, "data_dir", None)).default_database
    return open_database(DatabaseTarget.resolve(getattr(args, "db", None), default).must_exist())
