"""the organisation's name on each activity, and an index for the Partnership CPD list's Organisation sort

Sorting by organisation joined ``organisations`` and sorted the whole period
before the first page could show (0.9-3.6 s for one period at a million
activities, 8.5-12.7 s for all periods).  The activity keeps a copy of its
organisation's name (``organisation_sort``, as 0012 did for the individual's
last name; the services keep it up to date when an organisation is renamed),
backfilled here, and gets a (period, name, id) index like 0012's sort indexes,
carrying the partnership state and organisation.

A database whose statistics were gathered before has them gathered again for
the new index (see 0012).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEX = "ix_cpd_activities_period_organisation_id"
COLUMNS = ["period_id", "organisation_sort", "id", "partnership_state", "organisation_id"]


def _refresh_statistics() -> None:
    """PostgreSQL: the table's figures.  SQLite (where statistics were gathered): the new index's alone,
    the others' stand."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE cpd_activities")
    elif bind.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first():
        op.execute(f"ANALYZE {INDEX}")


def upgrade() -> None:
    op.add_column(
        "cpd_activities", sa.Column("organisation_sort", sa.String(length=200), nullable=False, server_default="")
    )
    op.execute(
        "UPDATE cpd_activities SET organisation_sort = "
        "(SELECT organisations.name FROM organisations WHERE organisations.id = cpd_activities.organisation_id)"
    )
    op.create_index(INDEX, "cpd_activities", COLUMNS)
    _refresh_statistics()


def downgrade() -> None:
    op.drop_index(INDEX, table_name="cpd_activities")
    op.execute("ALTER TABLE cpd_activities DROP COLUMN organisation_sort")  # both engines; no table copy
