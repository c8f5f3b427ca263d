"""one index that holds every figure "tick all" and the sign-off dialog add up

"Tick all 200,000 matching" then Authorise… read each matching row three
times from the table (its version for the ticks; its cost, state and cover
for the budget and cover figures; its earlier decisions for the refusals):
seconds at a million activities, with the window's thread starved meanwhile.
This index carries, per period and organisation, the job, the partnership
state, the cover days and the four costs (the total is generated from them,
and SQLite reads a generated column from the table), both earlier layers and
the version: those reads, and the budgets' and cover limits' sums over the
period, are answered from the index alone.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

NAME = "ix_cpd_activities_period_org_decide"
#: as declared in db/models/activities.py (``DECIDE_FIGURES``)
COLUMNS = (
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
)


def upgrade() -> None:
    op.create_index(NAME, "cpd_activities", list(COLUMNS))
    bind = op.get_bind()
    if (
        bind.dialect.name == "postgresql"
        or bind.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first()
    ):
        op.execute("ANALYZE cpd_activities")  # SQLite plans with no figures for a new index next to others'


def downgrade() -> None:
    op.drop_index(NAME, table_name="cpd_activities")
