"""reminders: the reminders already sent, so that nobody is reminded twice of one thing on one day

One row per person, thing and day (a request awaiting their decision as line
manager, CPD team or partnership, or a data sharing request).  The unique
constraint over (day, recipient, kind, item) is what makes two programs that
remind at the same moment send each reminder once: both insert, one insert
lands.  Its index is the one that check reads.  Linked PostgreSQL logins may
only add rows.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminders_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("recipient", sa.String(length=220), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders_sent")),
        sa.UniqueConstraint(
            "day", "recipient", "kind", "item_id", name=op.f("uq_reminders_sent_day_recipient_kind_item_id")
        ),
    )
    if op.get_bind().dialect.name == "postgresql":
        from db.server_logins import regrant_linked_logins  # the new table, for logins linked before

        regrant_linked_logins(op.get_bind())


def downgrade() -> None:
    op.drop_table("reminders_sent")
