"""each activity carries its evaluation's hours and rating; what the CPD was worth sums one index

The dashboard's "what the CPD was worth" joined the period's evaluated activities to their
evaluations and grouped them per organisation, provider, type and job, then added the
groups up per person in Python: 1.25 s for a period at five million activities (42,000
evaluations, 36,000 people).  The activity now keeps its evaluation's hours (0 when none
was given: set exactly when there is an evaluation) and rating, written by the one service
that records evaluations, and a partial index holds them with the columns the figures group
by.  The figures are then two grouped reads of that index, and the people are ranked in SQL.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

OLD = "ix_cpd_activities_period_evaluated"  # 0015's: (period, organisation, id) of the evaluated activities
NAME = "ix_cpd_activities_period_evaluations"
#: as declared in db/models/activities.py
COLUMNS = (
    "period_id",
    "organisation_id",
    "provider",
    "activity_type",
    "job_id",
    "evaluation_hours",
    "evaluation_rating",
)
WHERE = "evaluation_hours IS NOT NULL"


def upgrade() -> None:
    op.add_column("cpd_activities", sa.Column("evaluation_hours", sa.Float(), nullable=True))
    op.add_column("cpd_activities", sa.Column("evaluation_rating", sa.Integer(), nullable=True))
    # UPDATE … FROM: SQLite 3.33 and later, PostgreSQL; one pass over the evaluations
    op.execute(
        "UPDATE cpd_activities SET evaluation_hours = coalesce(e.hours, 0), evaluation_rating = e.rating "
        "FROM activity_evaluations e WHERE e.activity_id = cpd_activities.id"
    )
    op.drop_index(OLD, table_name="cpd_activities")
    op.create_index(
        NAME,
        "cpd_activities",
        list(COLUMNS),
        sqlite_where=sa.text(WHERE),
        postgresql_where=sa.text(WHERE),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE cpd_activities")  # the new columns' figures, for the planner
    elif bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        op.execute(f"ANALYZE {NAME}")  # statistics beside the others' (as 0012 does), or SQLite plans blind


def downgrade() -> None:
    op.drop_index(NAME, table_name="cpd_activities")
    op.create_index(
        OLD,
        "cpd_activities",
        ["period_id", "organisation_id", "id"],
        sqlite_where=sa.text("evaluation IS NOT NULL"),
        postgresql_where=sa.text("evaluation IS NOT NULL"),
    )
    op.execute("ALTER TABLE cpd_activities DROP COLUMN evaluation_rating")
    op.execute("ALTER TABLE cpd_activities DROP COLUMN evaluation_hours")
