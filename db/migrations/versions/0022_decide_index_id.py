"""the index "tick all" adds up from carries the id too: PostgreSQL answers from it alone

"Tick all" and the sign-off dialog add up the ticked rows' cost and cover per organisation and job
from one index (0014).  The ticked rows are those up to the highest id ticked, so the id is read
with them: SQLite's indexes end with the row id, PostgreSQL's did not, and it read each of the
period's 580,000 rows with cover from the table (a bitmap heap scan, then grouped by hashing: the
cover warnings took 830 ms of "tick all"'s figures at five million activities).  With the id in the
index PostgreSQL reads it alone, in order, and groups as it goes.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-02 14:45:00
"""

from __future__ import annotations

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

NAME = "ix_cpd_activities_period_org_decide"
#: as declared in db/models/activities.py, and 0014's columns before ``id``
COLUMNS = [
    "period_id",
    "organisation_id",
    "job_id",
    "partnership_state",
    "cover_days",
    "course_fee_pence",
    "cover_cost_pence",
    "travel_cost_pence",
    "other_cost_pence",
    "line_manager_state",
    "cpd_team_state",
    "version",
]


def _remake(columns: list[str]) -> None:
    op.drop_index(NAME, table_name="cpd_activities")
    op.create_index(NAME, "cpd_activities", columns)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("ANALYZE cpd_activities")
    elif bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first():
        op.execute(f"ANALYZE {NAME}")  # statistics beside the others' (as 0012 does), or SQLite plans blind


def upgrade() -> None:
    _remake([*COLUMNS, "id"])


def downgrade() -> None:
    _remake(COLUMNS)
