"""shared saved views of Partnership CPD, and indexes for the state sorts

Sorting by line-manager agreement, CPD-team approval or partnership
authorisation read and sorted every activity of the period (about 4 s on the
large demo, 15-20 s across all periods) before the first page could show; with
an index on (state, id) the first page is read in order (30-140 ms), for one
period and for all.  The end date, shown by default, gets (period, end, id):
one period sorted by end date went from about 3 s to 0.3 s.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# name -> columns of cpd_activities
INDEXES: dict[str, tuple[str, ...]] = {
    "ix_cpd_activities_line_manager_state_id": ("line_manager_state", "id"),
    "ix_cpd_activities_cpd_team_state_id": ("cpd_team_state", "id"),
    "ix_cpd_activities_partnership_state_id": ("partnership_state", "id"),
    "ix_cpd_activities_period_end_id": ("period_id", "ends_on", "id"),
}


def upgrade() -> None:
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("filter", sa.JSON(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["app_users.id"], name=op.f("fk_saved_views_created_by_user_id_app_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_views")),
        sa.UniqueConstraint("name", name=op.f("uq_saved_views_name")),
    )
    for name, columns in INDEXES.items():
        op.create_index(name, "cpd_activities", list(columns))
    if op.get_bind().dialect.name == "postgresql":
        from db.server_logins import regrant_linked_logins  # logins linked before may use shared views too

        regrant_linked_logins(op.get_bind())


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="cpd_activities")
    op.drop_table("saved_views")
