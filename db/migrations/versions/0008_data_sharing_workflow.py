"""data sharing workflow: contacts, reminders, declines, notifications by e-mail, levels never lowered (D1-D6)

Requests may go to a contact the central team added by hand (a school leader
known before any staff import), so there is a table of contacts and a request
names its recipient's contact and name.  A request counts its reminders (D2)
and keeps who declined it and why (D3).  A notification may now go to a user
(the requester, told of an approval) or to an e-mail address alone (a
contact), so its job is optional.

An agreement's level is never lowered and an agreement is never removed (D4):
a trigger refuses it on both engines, whoever asks; on SQLite a REPLACE over an
agreement with a lower level is refused as well.  Linked PostgreSQL logins may
insert and update agreements (the trigger stops a lowering) but not delete them.

Existing trust databases get the new standard role "Head teacher".

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LOWERED = "A data sharing level can only be raised, never lowered (D4); nothing was changed."
REMOVED = "A data sharing agreement is never removed: its level can only be raised (D4); nothing was changed."
SAFE_PATH = "SET search_path = pg_catalog, public, pg_temp"

GUARD = f"""
CREATE FUNCTION data_sharing_never_lowered() RETURNS trigger LANGUAGE plpgsql {SAFE_PATH} AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION '{REMOVED}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.level < OLD.level OR NEW.organisation_id <> OLD.organisation_id THEN
        RAISE EXCEPTION '{LOWERED}' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$
"""


def _upgrade_tables() -> None:
    op.create_table(
        "data_sharing_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("added_by_user_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_data_sharing_contacts_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["added_by_user_id"], ["app_users.id"], name=op.f("fk_data_sharing_contacts_added_by_user_id_app_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_sharing_contacts")),
    )
    op.create_index(op.f("ix_data_sharing_contacts_organisation_id"), "data_sharing_contacts", ["organisation_id"])
    with op.batch_alter_table("data_sharing_requests") as batch:
        batch.add_column(sa.Column("recipient_contact_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recipient_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("reminder_count", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("decided_by_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("decline_reason", sa.Text(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_data_sharing_requests_recipient_contact_id_data_sharing_contacts"),
            "data_sharing_contacts",
            ["recipient_contact_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_data_sharing_requests_decided_by_user_id_app_users"), "app_users", ["decided_by_user_id"], ["id"]
        )
    # Requests sent before reminders were counted: one reminder each that has a reminder date.
    op.execute("UPDATE data_sharing_requests SET reminder_count = 1 WHERE reminded_at IS NOT NULL")
    with op.batch_alter_table("notifications") as batch:
        batch.alter_column("recipient_job_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("recipient_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recipient_email", sa.String(length=200), nullable=True))
        batch.create_foreign_key(
            op.f("fk_notifications_recipient_user_id_app_users"), "app_users", ["recipient_user_id"], ["id"]
        )


def _add_head_teacher_role() -> None:
    """Existing trusts get the new standard role; an empty database gets its roles with its trust."""
    bind = op.get_bind()
    if not bind.scalar(sa.text("SELECT count(*) FROM organisations")):
        return
    from sqlalchemy.orm import Session

    from db.standard_roles import ensure_standard_roles

    session = Session(bind=bind)
    try:
        ensure_standard_roles(session)
        session.flush()
    finally:
        session.close()


def upgrade() -> None:
    _upgrade_tables()
    _add_head_teacher_role()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD)
        op.execute(
            "CREATE TRIGGER data_sharing_agreements_never_lowered BEFORE UPDATE OR DELETE ON data_sharing_agreements "
            "FOR EACH ROW EXECUTE FUNCTION data_sharing_never_lowered()"
        )
        op.execute(
            "CREATE TRIGGER data_sharing_agreements_no_truncate BEFORE TRUNCATE ON data_sharing_agreements "
            "FOR EACH STATEMENT EXECUTE FUNCTION data_sharing_never_lowered()"
        )
        from db.server_logins import regrant_linked_logins  # the new table and the agreements' narrower grant

        regrant_linked_logins(op.get_bind())
        return
    op.execute(
        "CREATE TRIGGER data_sharing_agreements_never_lowered BEFORE UPDATE ON data_sharing_agreements "
        "WHEN NEW.level < OLD.level OR NEW.organisation_id <> OLD.organisation_id "
        f"BEGIN SELECT RAISE(ABORT, '{LOWERED}'); END"
    )
    op.execute(
        "CREATE TRIGGER data_sharing_agreements_never_removed BEFORE DELETE ON data_sharing_agreements "
        f"BEGIN SELECT RAISE(ABORT, '{REMOVED}'); END"
    )
    # INSERT OR REPLACE deletes the old row without firing the DELETE trigger: refuse it when it would lower.
    op.execute(
        "CREATE TRIGGER data_sharing_agreements_never_replaced_lower BEFORE INSERT ON data_sharing_agreements "
        "WHEN EXISTS (SELECT 1 FROM data_sharing_agreements "
        "WHERE organisation_id = NEW.organisation_id AND level > NEW.level) "
        f"BEGIN SELECT RAISE(ABORT, '{LOWERED}'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS data_sharing_agreements_no_truncate ON data_sharing_agreements")
        op.execute("DROP TRIGGER IF EXISTS data_sharing_agreements_never_lowered ON data_sharing_agreements")
        op.execute("DROP FUNCTION IF EXISTS data_sharing_never_lowered()")
    else:
        for name in ("never_lowered", "never_removed", "never_replaced_lower"):
            op.execute(f"DROP TRIGGER IF EXISTS data_sharing_agreements_{name}")
    # Notifications with no job cannot be kept by the older schema; the standard role stays (a trust may use it).
    op.execute("DELETE FROM notifications WHERE recipient_job_id IS NULL")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("fk_notifications_recipient_user_id_app_users"), type_="foreignkey")
        batch.drop_column("recipient_email")
        batch.drop_column("recipient_user_id")
        batch.alter_column("recipient_job_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("data_sharing_requests") as batch:
        batch.drop_constraint(op.f("fk_data_sharing_requests_decided_by_user_id_app_users"), type_="foreignkey")
        batch.drop_constraint(
            op.f("fk_data_sharing_requests_recipient_contact_id_data_sharing_contacts"), type_="foreignkey"
        )
        for column in (
            "decline_reason",
            "decided_at",
            "decided_by_user_id",
            "reminder_count",
            "recipient_name",
            "recipient_contact_id",
        ):
            batch.drop_column(column)
    op.drop_index(op.f("ix_data_sharing_contacts_organisation_id"), table_name="data_sharing_contacts")
    op.drop_table("data_sharing_contacts")
