"""staff records a real trust brings in: TRN, title, staff code, start and leaving dates, saved mappings

A staff import matches a row to a job by the school and its own staff code
(else the work e-mail) and a job to a person by Teacher Reference Number (else
the e-mail), so those get columns and indexes.  A leaver's job keeps its
history with the day it ended.  Column mappings of imports are saved by name.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 14:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("title", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("trn", sa.String(length=7), nullable=True))
    op.create_index(op.f("ix_people_trn"), "people", ["trn"])
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("staff_code", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("started_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("ended_on", sa.Date(), nullable=True))
    op.create_index("ix_jobs_organisation_staff_code", "jobs", ["organisation_id", "staff_code"])
    op.create_index("ix_jobs_email", "jobs", ["email"])
    op.create_table(
        "import_mappings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"], ["app_users.id"], name=op.f("fk_import_mappings_created_by_user_id_app_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mappings")),
        sa.UniqueConstraint("kind", "name", name=op.f("uq_import_mappings_kind_name")),
    )
    if op.get_bind().dialect.name == "postgresql":
        from db.server_logins import regrant_linked_logins  # the new table, for logins linked before

        regrant_linked_logins(op.get_bind())


def downgrade() -> None:
    op.drop_table("import_mappings")
    op.drop_index("ix_jobs_email", table_name="jobs")
    op.drop_index("ix_jobs_organisation_staff_code", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("ended_on")
        batch.drop_column("started_on")
        batch.drop_column("staff_code")
    op.drop_index(op.f("ix_people_trn"), table_name="people")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("trn")
        batch.drop_column("title")
