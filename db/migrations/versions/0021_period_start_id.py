"""the (period, start) index carries the id: "newest first" is read in order on PostgreSQL too

A period's activities by start date, newest first, are ordered by (start date, id).  SQLite's
indexes end with the row id, so its (period, start) index gave that order; PostgreSQL's did not,
and it read every activity of the first start date, joined each to its person, school, period and
the rest, and sorted them by id for a page of 200: 2,700 rows a day at five million activities,
86 ms for the current period's first page and 64 ms for all periods' (the other sorts: 20-25 ms).
With the id in the index the page comes straight from it.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 14:25:00
"""

from __future__ import annotations

from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

NAME = "ix_cpd_activities_period_start"


def _remake(columns: list[str]) -> None:
    op.drop_index(NAME, table_name="cpd_activities")
    op.create_index(NAME, "cpd_activities", columns)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE cpd_activities")
    elif bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        op.execute(f"ANALYZE {NAME}")  # statistics beside the others' (as 0012 does), or SQLite plans blind


def upgrade() -> None:
    _remake(["period_id", "starts_on", "id"])


def downgrade() -> None:
    _remake(["period_id", "starts_on"])
