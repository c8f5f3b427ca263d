"""grants per module and scope, sign-in passwords, cover-day limits per role

A user used to hold a whole role at one organisation.  Administration needs
finer grants: one module at one level, over the trust, one organisation or a
cluster, optionally restricted to groups of staff, under a team title (A1).
Every existing role assignment becomes one grant per module of its role, with
the role's name as the title, so nobody gains or loses anything.

Users get an e-mail address of their own, a password hash and a failed
sign-in counter (A3 on a SQLite file).  A job's cover-day limit may now be
left empty, meaning "the limit for this role, else the trust's default"; the
old default of 5 days becomes empty.  A demo database built before the demo marked
itself as one is marked, so that it keeps its password-free sign-in.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 14:00:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from db.demo.names import TRUST_NAME as DEMO_TRUST_NAME
from db.demo.names import TRUST_UID as DEMO_TRUST_UID

#: modules that came with grants, and the standard role every primary user holds (db.standard_roles)
NEW_MODULES = ("users", "permissions_report")
PRIMARY_ROLE = "Partnership primary user"

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_users") as batch:
        batch.add_column(sa.Column("email", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("password_hash", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("failed_sign_ins", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("sign_in_blocked_until", sa.DateTime(), nullable=True))

    op.create_table(
        "user_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=24), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("cluster", sa.String(length=80), nullable=True),
        sa.Column("title", sa.String(length=80), server_default="", nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=True),
        sa.Column("granted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_users.id"], name=op.f("fk_user_grants_user_id_app_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_user_grants_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["role_id"], ["roles.id"], name=op.f("fk_user_grants_role_id_roles"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_user_id"], ["app_users.id"], name=op.f("fk_user_grants_granted_by_user_id_app_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_grants")),
    )
    op.create_index(op.f("ix_user_grants_user_id"), "user_grants", ["user_id"])
    op.create_index(op.f("ix_user_grants_organisation_id"), "user_grants", ["organisation_id"])
    op.create_table(
        "user_grant_groups",
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["grant_id"], ["user_grants.id"], name=op.f("fk_user_grant_groups_grant_id_user_grants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_user_grant_groups_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("grant_id", "group_id", name=op.f("pk_user_grant_groups")),
    )
    op.create_index(op.f("ix_user_grant_groups_group_id"), "user_grant_groups", ["group_id"])

    # Every role held becomes one grant per module of the role, titled with the role's name.
    now = datetime.now(UTC).replace(tzinfo=None)
    op.get_bind().execute(
        sa.text(
            "INSERT INTO user_grants (user_id, module, level, organisation_id, title, role_id, granted_at) "
            "SELECT a.user_id, p.module, p.level, a.organisation_id, r.name, r.id, :now "
            "FROM role_assignments a JOIN role_permissions p ON p.role_id = a.role_id "
            "JOIN roles r ON r.id = a.role_id WHERE p.level > 0"
        ),
        {"now": now},
    )
    op.drop_table("role_assignments")
    # The modules that are new with grants: the primary user's role template has them, and every
    # primary user holds them at the trust, or nobody could administer users or see the report.
    for module in NEW_MODULES:
        op.get_bind().execute(
            sa.text(
                "INSERT INTO role_permissions (role_id, module, level) SELECT r.id, CAST(:module AS VARCHAR(24)), 3 FROM roles r "
                "WHERE r.name = :role AND NOT EXISTS "
                "(SELECT 1 FROM role_permissions p WHERE p.role_id = r.id AND p.module = :module)"
            ),
            {"module": module, "role": PRIMARY_ROLE},
        )
        op.get_bind().execute(
            sa.text(
                "INSERT INTO user_grants (user_id, module, level, organisation_id, title, role_id, granted_at) "
                "SELECT u.id, CAST(:module AS VARCHAR(24)), 3, t.id, CAST(:role AS VARCHAR(80)), "
                "(SELECT r.id FROM roles r WHERE r.name = :role), :now "
                "FROM app_users u JOIN organisations t ON t.kind = 'trust' WHERE u.is_primary AND NOT EXISTS "
                "(SELECT 1 FROM user_grants g WHERE g.user_id = u.id AND g.module = :module)"
            ),
            {"module": module, "role": PRIMARY_ROLE, "now": now},
        )

    op.create_table(
        "cover_limits",
        sa.Column("role", sa.String(length=80), nullable=False),
        sa.Column("days", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("role", name=op.f("pk_cover_limits")),
    )
    with op.batch_alter_table("jobs") as batch:
        batch.alter_column("cover_limit_days", existing_type=sa.Float(), nullable=True, server_default=None)
    op.execute("UPDATE jobs SET cover_limit_days = NULL WHERE cover_limit_days = 5")

    # A demo database built before the demo marked itself keeps its password-free sign-in.
    op.get_bind().execute(
        sa.text(
            "INSERT INTO trust_settings (key, value, version) SELECT 'demo_trust', '1', 1 FROM organisations "
            "WHERE kind = 'trust' AND trust_uid = :uid AND name = :name "
            "AND NOT EXISTS (SELECT 1 FROM trust_settings WHERE key = 'demo_trust')"
        ),
        {"uid": DEMO_TRUST_UID, "name": DEMO_TRUST_NAME},
    )

    if op.get_bind().dialect.name == "postgresql":
        from db.server_logins import regrant_linked_logins  # the new tables, for logins linked before

        regrant_linked_logins(op.get_bind())


def downgrade() -> None:
    op.execute("UPDATE jobs SET cover_limit_days = 5 WHERE cover_limit_days IS NULL")
    with op.batch_alter_table("jobs") as batch:
        batch.alter_column("cover_limit_days", existing_type=sa.Float(), nullable=False, server_default="5")
    op.drop_table("cover_limits")
    op.create_table(
        "role_assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_users.id"], name=op.f("fk_role_assignments_user_id_app_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["role_id"], ["roles.id"], name=op.f("fk_role_assignments_role_id_roles")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_role_assignments_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_assignments")),
        sa.UniqueConstraint(
            "user_id", "role_id", "organisation_id", name=op.f("uq_role_assignments_user_id_role_id_organisation_id")
        ),
    )
    op.create_index(op.f("ix_role_assignments_user_id"), "role_assignments", ["user_id"])
    # Grants made from a role template go back to that role; finer grants cannot be expressed and are lost.
    op.execute(
        "INSERT INTO role_assignments (user_id, role_id, organisation_id) "
        "SELECT DISTINCT user_id, role_id, organisation_id FROM user_grants WHERE role_id IS NOT NULL"
    )
    op.drop_table("user_grant_groups")
    op.drop_table("user_grants")
    with op.batch_alter_table("app_users") as batch:
        batch.drop_column("sign_in_blocked_until")
        batch.drop_column("failed_sign_ins")
        batch.drop_column("password_hash")
        batch.drop_column("email")
