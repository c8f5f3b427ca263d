"""the individual's last name on each activity, and an index for every sort of the Partnership CPD list

Sorting by cost, individual or title read and sorted the whole period before
the first page could show (510 ms at a million activities, 5 s at five
million); each sort of the table on a column of the activity gets an index on
(period, column, id), like the end date's from 0004: a period's first page is
read in order and all periods' is merged from each period's.  Each also
carries the partnership state and organisation, so that a queue tab and the
user's reach are checked in the index.  The decision layers get theirs per
period too: 0004's (state, id) read the ids across periods, and the ids follow
the periods, so one period's page came after every later period's rows.  The Individual
column sorts by the person's last name, which is two joins away, so the
activity keeps a copy (``individual_sort``; the services keep it up to date),
backfilled here.  A queue tab of one period (period, partnership state) newest
first gets (period, state, start, id).

A database whose statistics were gathered before (the demo's are) has them
gathered again for the new indexes: SQLite plans with no figures for an index
next to figures for the others.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

#: carried at the end of each sort index: a queue tab and the user's reach are checked in the index
CHECKED = ("partnership_state", "organisation_id")
OLD_END = "ix_cpd_activities_period_end_id"
# name -> columns of cpd_activities (as declared in db/models/activities.py)
INDEXES: dict[str, tuple[str, ...]] = {
    "ix_cpd_activities_period_state_start_id": ("period_id", "partnership_state", "starts_on", "id"),
    "ix_cpd_activities_period_line_manager_id": ("period_id", "line_manager_state", "id", *CHECKED),
    "ix_cpd_activities_period_cpd_team_id": ("period_id", "cpd_team_state", "id", *CHECKED),
    "ix_cpd_activities_period_partnership_id": ("period_id", "partnership_state", "id", "organisation_id"),
    "ix_cpd_activities_period_end_id": ("period_id", "ends_on", "id", *CHECKED),  # 0004's, widened
    "ix_cpd_activities_period_created_id": ("period_id", "created_at", "id", *CHECKED),
    "ix_cpd_activities_period_title_id": ("period_id", "title", "id", *CHECKED),
    "ix_cpd_activities_period_cost_id": ("period_id", "total_cost_pence", "id", *CHECKED),
    "ix_cpd_activities_period_individual_id": ("period_id", "individual_sort", "id", *CHECKED),
    "ix_cpd_activities_period_type_id": ("period_id", "activity_type", "id", *CHECKED),
    "ix_cpd_activities_period_cover_days_id": ("period_id", "cover_days", "id", *CHECKED),
    "ix_cpd_activities_period_course_fee_id": ("period_id", "course_fee_pence", "id", *CHECKED),
    "ix_cpd_activities_period_cover_cost_id": ("period_id", "cover_cost_pence", "id", *CHECKED),
    "ix_cpd_activities_period_travel_id": ("period_id", "travel_cost_pence", "id", *CHECKED),
    "ix_cpd_activities_period_other_id": ("period_id", "other_cost_pence", "id", *CHECKED),
}


def _refresh_statistics() -> None:
    bind = op.get_bind()
    if (
        bind.dialect.name == "postgresql"
        or bind.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")).first()
    ):
        op.execute("ANALYZE cpd_activities")


def upgrade() -> None:
    op.add_column(
        "cpd_activities", sa.Column("individual_sort", sa.String(length=80), nullable=False, server_default="")
    )
    op.execute(
        "UPDATE cpd_activities SET individual_sort = (SELECT people.last_name FROM jobs "
        "JOIN people ON people.id = jobs.person_id WHERE jobs.id = cpd_activities.job_id)"
    )
    op.drop_index(OLD_END, table_name="cpd_activities")
    for name, columns in INDEXES.items():
        op.create_index(name, "cpd_activities", list(columns))

    _refresh_statistics()


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="cpd_activities")
    op.create_index(OLD_END, "cpd_activities", ["period_id", "ends_on", "id"])

    op.execute("ALTER TABLE cpd_activities DROP COLUMN individual_sort")  # both engines; no table copy
