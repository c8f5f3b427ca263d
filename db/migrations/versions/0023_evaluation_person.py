"""each evaluated activity carries whose hours they are: the hours per person need no join to the jobs

What the CPD was worth ranks people by their evaluated hours.  The evaluations' index (0018) held the
job, so the ranking joined every one of the period's evaluated activities to its job to find the
person, then grouped by person: at five million activities (42,000 evaluations, 35,000 people) the
ranking took 75 ms of SQLite's 96 ms for the figures, and PostgreSQL hashed all 150,000 jobs for it
(111 ms of 123 ms).  The activity now keeps the person beside the hours (set with them by
``db.services.evaluations``, moved when two records of one person are linked), and a partial index
of the evaluated activities in order of person holds it with the hours: the hours per person are
added up as that index is read, without a join or a sort of every evaluation.

Only evaluated activities carry it, so the backfill writes those rows only (about 4 % of them).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

TABLE = "cpd_activities"
COLUMN = "evaluation_person_id"
FOREIGN_KEY = f"fk_{TABLE}_{COLUMN}_people"
NAME = "ix_cpd_activities_period_evaluation_people"
#: as declared in db/models/activities.py
COLUMNS = ["period_id", COLUMN, "organisation_id", "job_id", "evaluation_hours"]
WHERE = "evaluation_hours IS NOT NULL"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # SQLite takes a foreign key in ADD COLUMN when the default is NULL
        present = {row[1] for row in bind.exec_driver_sql(f"PRAGMA table_info({TABLE})")}
        if COLUMN not in present:  # a SQLite downgrade leaves it in place (see downgrade)
            reference = f"CONSTRAINT {FOREIGN_KEY} REFERENCES people (id)"
            bind.exec_driver_sql(f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} INTEGER {reference}")
    else:
        person = sa.ForeignKey("people.id", name=FOREIGN_KEY)
        op.add_column(TABLE, sa.Column(COLUMN, sa.Integer(), person, nullable=True))
    # the evaluated activities only: hours are set exactly when there is an evaluation (0018)
    op.execute(
        f"UPDATE {TABLE} SET {COLUMN} = (SELECT jobs.person_id FROM jobs WHERE jobs.id = {TABLE}.job_id) WHERE {WHERE}"
    )
    op.create_index(NAME, TABLE, COLUMNS, sqlite_where=sa.text(WHERE), postgresql_where=sa.text(WHERE))
    if bind.dialect.name == "postgresql":
        op.execute(f"ANALYZE {TABLE}")
    elif bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        op.execute(f"ANALYZE {NAME}")  # statistics beside the others' (as 0012 does), or SQLite plans blind


def downgrade() -> None:
    op.drop_index(NAME, table_name=TABLE)
    # SQLite keeps the column (it cannot drop a column with a foreign key without copying the table)
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(FOREIGN_KEY, TABLE, type_="foreignkey")
        op.drop_column(TABLE, COLUMN)
