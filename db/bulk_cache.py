"""A bigger SQLite page cache for one statement that rewrites a large share of a big table.

Moving half a million activities to another period rewrites each row and four of its indexes;
with SQLite's default 2 MB cache the same pages are read and written again and again. The cache
is a setting of the connection, so it is put back afterwards. PostgreSQL manages its own buffers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection

#: KiB (a negative cache_size is in KiB): 256 MB, freed when the statement's connection resets it
BULK_CACHE_KIB = 262_144


@contextmanager
def bigger_sqlite_cache(conn: Connection) -> Iterator[None]:
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(before or -2000)}")
