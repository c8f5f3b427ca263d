"""a CPD request's whole life: entry on someone's behalf, justification, withdrawal, the
line-manager and CPD-team layers with reasons, further sessions, comments and evaluations

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 14:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ACTIVITY_COLUMNS = (
    ("entered_by_user_id", sa.Integer(), None),
    ("intended_outcome", sa.Text(), ""),
    ("impact_measure", sa.Text(), ""),
    ("sharing_plan", sa.Text(), ""),
    ("withdrawn_at", sa.DateTime(), None),
    ("withdrawn_by_user_id", sa.Integer(), None),
    ("line_manager_reason", sa.Text(), None),
    ("line_manager_user_id", sa.Integer(), None),
    ("cpd_team_reason", sa.Text(), None),
)
USER_COLUMNS = ("entered_by_user_id", "withdrawn_by_user_id", "line_manager_user_id")


def upgrade() -> None:
    # Plain ADD COLUMN, never a table copy: cpd_activities holds millions of rows on a large trust.
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Alembic leaves a foreign key out of SQLite's ADD COLUMN; SQLite takes one when the default
        # is NULL. A SQLite downgrade leaves the columns in place (see below), so they may be there.
        present = {row[1] for row in bind.exec_driver_sql("PRAGMA table_info(cpd_activities)")}
        for name, kind, default in ACTIVITY_COLUMNS:
            if name in present:
                continue
            if name in USER_COLUMNS:
                clause = f"INTEGER CONSTRAINT fk_cpd_activities_{name}_app_users REFERENCES app_users (id)"
            else:
                type_sql = kind.compile(dialect=bind.dialect)
                clause = type_sql if default is None else f"{type_sql} DEFAULT '{default}' NOT NULL"
            bind.exec_driver_sql(f"ALTER TABLE cpd_activities ADD COLUMN {name} {clause}")
    else:
        for name, kind, default in ACTIVITY_COLUMNS:
            references = (
                [sa.ForeignKey("app_users.id", name=f"fk_cpd_activities_{name}_app_users")]
                if name in USER_COLUMNS
                else []
            )
            op.add_column(
                "cpd_activities", sa.Column(name, kind, *references, nullable=default is None, server_default=default)
            )
    op.create_table(
        "activity_sessions",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["cpd_activities.id"],
            name=op.f("fk_activity_sessions_activity_id_cpd_activities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("activity_id", "on_date", name=op.f("pk_activity_sessions")),
    )
    op.create_table(
        "activity_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["cpd_activities.id"],
            name=op.f("fk_activity_comments_activity_id_cpd_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["app_users.id"], name=op.f("fk_activity_comments_user_id_app_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activity_comments")),
    )
    op.create_index("ix_activity_comments_activity_at", "activity_comments", ["activity_id", "at"])
    op.create_table(
        "activity_evaluations",
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("impact", sa.Text(), server_default="", nullable=False),
        sa.Column("practice_change", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["cpd_activities.id"],
            name=op.f("fk_activity_evaluations_activity_id_cpd_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["app_users.id"],
            name=op.f("fk_activity_evaluations_recorded_by_user_id_app_users"),
        ),
        sa.PrimaryKeyConstraint("activity_id", name=op.f("pk_activity_evaluations")),
    )
    if op.get_bind().dialect.name == "postgresql":
        from db.server_logins import regrant_linked_logins  # the new tables, for logins linked before

        regrant_linked_logins(op.get_bind())


def downgrade() -> None:
    op.drop_table("activity_evaluations")
    op.drop_index("ix_activity_comments_activity_at", table_name="activity_comments")
    op.drop_table("activity_comments")
    op.drop_table("activity_sessions")
    if op.get_bind().dialect.name != "postgresql":
        # SQLite drops a column a foreign key uses only by copying the table (millions of rows, and a
        # computed column batch mode cannot copy): the unused columns stay, and upgrading skips them.
        return
    for name in USER_COLUMNS:
        op.drop_constraint(f"fk_cpd_activities_{name}_app_users", "cpd_activities", type_="foreignkey")
    for name, _kind, _default in reversed(ACTIVITY_COLUMNS):
        op.drop_column("cpd_activities", name)
