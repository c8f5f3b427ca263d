"""the e-mail outbox: claims with a lease, retries, failures with their reason, the server's answer,
a stable Message-ID and the action's batch key on notifications; reminder opt-out and bounced
addresses on people (N1)

Columns are added in place (plain ADD COLUMN, never a table copy: notifications grow by a row per
decided activity).  None carries a foreign key.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

NOTIFICATION_COLUMNS = (
    ("batch_key", sa.String(40), None),
    ("claimed_at", sa.DateTime(), None),
    ("claimed_by", sa.String(120), None),
    ("lease_until", sa.DateTime(), None),
    ("attempts", sa.Integer(), "0"),
    ("next_attempt_at", sa.DateTime(), None),
    ("failed_at", sa.DateTime(), None),
    ("failure", sa.Text(), None),
    ("smtp_response", sa.Text(), None),
    ("message_id", sa.String(200), None),
)
PERSON_COLUMNS = (
    ("reminders_opt_out", sa.Boolean(), "0"),
    ("bounced_address", sa.String(200), None),
    ("bounced_at", sa.DateTime(), None),
    ("bounce_reason", sa.Text(), None),
)
INDEXES = (
    ("ix_notifications_waiting", ["sent_at", "failed_at", "id"]),
    ("ix_notifications_batch_key", ["batch_key"]),
    ("ix_notifications_created_at", ["created_at"]),
)


def _present(table: str) -> set[str]:
    return {column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    # A SQLite downgrade leaves the columns in place (see below), so they may already be there.
    added: tuple[tuple[str, tuple[tuple[str, sa.types.TypeEngine, str | None], ...]], ...] = (
        ("notifications", NOTIFICATION_COLUMNS),
        ("people", PERSON_COLUMNS),
    )
    for table, wanted in added:
        present = _present(table)
        for name, kind, default in wanted:
            if name not in present:
                op.add_column(table, sa.Column(name, kind, nullable=default is None, server_default=default))
    for index, indexed in INDEXES:
        op.create_index(index, "notifications", indexed)


def downgrade() -> None:
    for index, _indexed in INDEXES:
        op.drop_index(index, table_name="notifications")
    if op.get_bind().dialect.name != "postgresql":
        # Dropping columns on SQLite means copying the table: the unused columns stay, and upgrading skips them.
        return
    for person_column, _kind, _default in reversed(PERSON_COLUMNS):
        op.drop_column("people", person_column)
    for column, _type, _value in reversed(NOTIFICATION_COLUMNS):
        op.drop_column("notifications", column)
