"""training events (T1) and the calendar (CA1): description, provider, type, who pays, publishing and cancelling; sessions,
notify targets, who opted in, bookings with a waiting list, and each session's register

Bookings hold at most one live (booked or waiting) row per job and event: a partial unique index,
on both engines, so that two people booking the same person at once end with one booking.
Whoever holds Partnership CPD somewhere is given the new Calendar module there, at view level.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# (column, type, server default or None for a nullable column, referenced table or None)
EVENT_COLUMNS: tuple[tuple[str, sa.types.TypeEngine, str | None, str | None], ...] = (
    ("description", sa.Text(), "", None),
    ("provider", sa.String(length=200), "", None),
    ("activity_type", sa.String(length=60), "", None),
    ("learning_module_id", sa.Integer(), None, "learning_modules"),
    ("payer", sa.String(length=24), "school", None),
    ("created_by_user_id", sa.Integer(), None, "app_users"),
    ("created_at", sa.DateTime(), None, None),
    ("published_at", sa.DateTime(), None, None),
    ("cancelled_at", sa.DateTime(), None, None),
    ("cancelled_by_user_id", sa.Integer(), None, "app_users"),
    ("cancelled_reason", sa.Text(), None, None),
)
LIVE_BOOKING = sa.text("state <> 'cancelled'")


def _add_columns(table: str, columns: tuple[tuple[str, sa.types.TypeEngine, str | None, str | None], ...]) -> None:
    """ADD COLUMN in place on both engines; SQLite takes a foreign key in ADD COLUMN when the default is NULL."""
    bind = op.get_bind()
    # A SQLite downgrade leaves the columns in place (see downgrade), so they may be there already.
    present = (
        {row[1] for row in bind.exec_driver_sql(f"PRAGMA table_info({table})")}
        if bind.dialect.name == "sqlite"
        else set()
    )
    for name, kind, default, target in columns:
        fk_name = f"fk_{table}_{name}_{target}"
        if name in present:
            continue
        if bind.dialect.name == "sqlite":
            type_sql = kind.compile(dialect=bind.dialect)
            if target is not None:
                clause = f"{type_sql} CONSTRAINT {fk_name} REFERENCES {target} (id)"
            else:
                clause = type_sql if default is None else f"{type_sql} DEFAULT '{default}' NOT NULL"
            bind.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {name} {clause}")
        else:
            references = [sa.ForeignKey(f"{target}.id", name=fk_name)] if target is not None else []
            op.add_column(table, sa.Column(name, kind, *references, nullable=default is None, server_default=default))


def upgrade() -> None:
    _add_columns("training_events", EVENT_COLUMNS)
    _add_columns("training_event_opt_ins", (("opted_in_by_user_id", sa.Integer(), None, "app_users"),))
    op.create_index("ix_training_events_starts_on_id", "training_events", ["starts_on", "id"])
    op.create_index("ix_training_events_ends_on", "training_events", ["ends_on"])
    op.create_table(
        "training_event_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=True),
        sa.Column("ends_at", sa.Time(), nullable=True),
        sa.Column("location", sa.Text(), server_default="", nullable=False),
        sa.Column("online_link", sa.Text(), server_default="", nullable=False),
        sa.CheckConstraint(
            "ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at",
            name=op.f("ck_training_event_sessions_session_times"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["training_events.id"],
            name=op.f("fk_training_event_sessions_event_id_training_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_event_sessions")),
    )
    op.create_index("ix_training_event_sessions_event_date", "training_event_sessions", ["event_id", "on_date"])
    op.create_index("ix_training_event_sessions_on_date", "training_event_sessions", ["on_date"])
    op.create_table(
        "training_event_notify_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(organisation_id IS NULL) <> (group_id IS NULL)", name=op.f("ck_training_event_notify_targets_one_target")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["training_events.id"],
            name=op.f("fk_training_event_notify_targets_event_id_training_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name=op.f("fk_training_event_notify_targets_group_id_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_training_event_notify_targets_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_event_notify_targets")),
    )
    op.create_index("ix_training_event_notify_targets_event_id", "training_event_notify_targets", ["event_id"])
    op.create_table(
        "training_event_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("booked_by_user_id", sa.Integer(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_by_user_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["cpd_activities.id"],
            name=op.f("fk_training_event_bookings_activity_id_cpd_activities"),
        ),
        sa.ForeignKeyConstraint(
            ["booked_by_user_id"], ["app_users.id"], name=op.f("fk_training_event_bookings_booked_by_user_id_app_users")
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_user_id"],
            ["app_users.id"],
            name=op.f("fk_training_event_bookings_cancelled_by_user_id_app_users"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["training_events.id"],
            name=op.f("fk_training_event_bookings_event_id_training_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], name=op.f("fk_training_event_bookings_job_id_jobs")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_training_event_bookings_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_event_bookings")),
    )
    op.create_index(
        "uq_training_event_bookings_live_job",
        "training_event_bookings",
        ["event_id", "job_id"],
        unique=True,
        sqlite_where=LIVE_BOOKING,
        postgresql_where=LIVE_BOOKING,
    )
    op.create_index(
        "ix_training_event_bookings_event_state_queued",
        "training_event_bookings",
        ["event_id", "state", "queued_at", "id"],
    )
    op.create_index("ix_training_event_bookings_job_id", "training_event_bookings", ["job_id"])
    op.create_index("ix_training_event_bookings_activity_id", "training_event_bookings", ["activity_id"])
    op.create_table(
        "training_event_attendance",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_user_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["training_event_bookings.id"],
            name=op.f("fk_training_event_attendance_booking_id_training_event_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_user_id"],
            ["app_users.id"],
            name=op.f("fk_training_event_attendance_recorded_by_user_id_app_users"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_event_sessions.id"],
            name=op.f("fk_training_event_attendance_session_id_training_event_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "booking_id", name=op.f("pk_training_event_attendance")),
    )
    # Every existing event gets its one session, the span it had, so that the calendar and the
    # register find it; events of several days get one session a day.
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql(
            "INSERT INTO training_event_sessions (event_id, on_date) "
            "SELECT e.id, d::date FROM training_events e, generate_series(e.starts_on, e.ends_on, interval '1 day') d"
        )
        from db.server_logins import regrant_linked_logins  # the new tables, for logins linked before

        regrant_linked_logins(bind)
    else:
        bind.exec_driver_sql(
            "WITH RECURSIVE days(event_id, on_date, last) AS ("
            " SELECT id, starts_on, ends_on FROM training_events"
            " UNION ALL SELECT event_id, date(on_date, '+1 day'), last FROM days WHERE on_date < last)"
            " INSERT INTO training_event_sessions (event_id, on_date) SELECT event_id, on_date FROM days"
        )
    bind.exec_driver_sql("UPDATE training_events SET published_at = CURRENT_TIMESTAMP WHERE published")
    # The Calendar module arrives with these tables: whoever may see Partnership CPD somewhere may open
    # the calendar there (what it shows of activities is still their Partnership CPD scope).
    bind.exec_driver_sql(
        "INSERT INTO user_grants (user_id, module, level, organisation_id, cluster, title, role_id,"
        " granted_by_user_id, granted_at)"
        " SELECT g.user_id, 'calendar', 1, g.organisation_id, g.cluster, g.title, g.role_id, g.granted_by_user_id,"
        " CURRENT_TIMESTAMP FROM user_grants g WHERE g.module = 'partnership_cpd' AND NOT EXISTS ("
        " SELECT 1 FROM user_grants c WHERE c.user_id = g.user_id AND c.module = 'calendar'"
        " AND c.organisation_id = g.organisation_id"
        " AND (c.cluster = g.cluster OR (c.cluster IS NULL AND g.cluster IS NULL)))"
    )


def downgrade() -> None:
    op.drop_table("training_event_attendance")
    op.drop_table("training_event_bookings")
    op.drop_table("training_event_notify_targets")
    op.drop_table("training_event_sessions")
    op.drop_index("ix_training_events_ends_on", table_name="training_events")
    op.drop_index("ix_training_events_starts_on_id", table_name="training_events")
    # SQLite keeps the added columns (dropping them would copy the table); PostgreSQL drops them.
    if op.get_bind().dialect.name == "postgresql":
        op.drop_column("training_event_opt_ins", "opted_in_by_user_id")
        for name, *_ in reversed(EVENT_COLUMNS):
            op.drop_column("training_events", name)
