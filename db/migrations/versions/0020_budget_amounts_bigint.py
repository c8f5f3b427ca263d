"""budgets hold up to the £100m the budget service accepts, on PostgreSQL too

``budgets.amount_pence`` was a 32-bit INTEGER: on PostgreSQL a budget stopped at
£21,474,836.47, although ``set_budget`` accepts up to £100m (SQLite's integers are
64-bit, so only a shared database refused, with an error instead of a sentence).  A
large trust's central budget passes that (the five-million-activity demo's did).  The
column is now BIGINT, as the running totals' sums are.  SQLite copies the small table
(Alembic's batch mode); PostgreSQL changes the column in place.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def _retype(old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    with op.batch_alter_table("budgets") as batch:
        batch.alter_column("amount_pence", existing_type=old, type_=new, existing_nullable=False)


def upgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())


def downgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())
