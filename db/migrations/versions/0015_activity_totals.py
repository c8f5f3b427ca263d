"""the dashboard's sums per (period, organisation, month), kept up to date by triggers on the activities

The dashboard read every activity of the chosen period (428 ms at a million activities, about
2 s at five million).  ``activity_totals`` holds exactly the sums it shows, per period,
organisation and month of the start date, and triggers on ``cpd_activities`` move them with every
insert, delete and change of a column they depend on — whichever service, bulk path or script
wrote the row — so the dashboard reads a few hundred rows instead.

SQLite has one writer at a time: row-level triggers add each row's change to the one row of its
key (update, then insert if it is missing).  PostgreSQL has many: a shared row updated by every
writer would make two bulk sign-offs wait for each other and deadlock, so statement-level triggers
read the statement's transition tables and *insert* one row of its summed changes per key (no
unique key: nobody waits), readers sum a key's rows, and ``activity_totals_fold(period)`` folds a
period's rows back into one per key in one statement (``db.services.activity_totals``).  Both
functions run as the tables' owner: a login reads the totals and never writes them itself.

Backfilled by one grouped pass over the activities.  Also a partial index of each period's evaluated
activities: the dashboard's "what the CPD was worth" read every evaluation ever recorded.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLE = "activity_totals"
KEY = ("period_id", "organisation_id", "month")
#: what one activity ``{r}`` adds to each sum (db/queries/dashboard.py reads them): a withdrawn request
#: waits for no layer, and "undecided" money is pending or needing re-authorisation
MEASURES: dict[str, str] = {
    "activities": "1",
    "pending_line_manager": (
        "CASE WHEN {r}.line_manager_state = 'pending' AND {r}.partnership_state <> 'withdrawn' THEN 1 ELSE 0 END"
    ),
    "pending_cpd_team": (
        "CASE WHEN {r}.cpd_team_state = 'pending' AND {r}.partnership_state <> 'withdrawn' THEN 1 ELSE 0 END"
    ),
    "pending_partnership": "CASE WHEN {r}.partnership_state = 'pending' THEN 1 ELSE 0 END",
    "needs_reauthorisation": "CASE WHEN {r}.partnership_state = 'needs_reauthorisation' THEN 1 ELSE 0 END",
    "authorised": "CASE WHEN {r}.partnership_state = 'authorised' THEN 1 ELSE 0 END",
    "authorised_pence": "CASE WHEN {r}.partnership_state = 'authorised' THEN {r}.total_cost_pence ELSE 0 END",
    "undecided_pence": (
        "CASE WHEN {r}.partnership_state IN ('pending', 'needs_reauthorisation') THEN {r}.total_cost_pence ELSE 0 END"
    ),
    "cover_days": "CASE WHEN {r}.partnership_state = 'authorised' THEN {r}.cover_days ELSE 0 END",
    "completed": "CASE WHEN {r}.completion_state = 'completed' THEN 1 ELSE 0 END",
    "without_evaluation": ("CASE WHEN {r}.completion_state = 'completed' AND {r}.evaluation IS NULL THEN 1 ELSE 0 END"),
}
#: the activity's columns the sums depend on (SQLite's UPDATE OF; total_cost_pence is computed from the four costs)
WATCHED = (
    "period_id",
    "organisation_id",
    "starts_on",
    "line_manager_state",
    "cpd_team_state",
    "partnership_state",
    "course_fee_pence",
    "cover_cost_pence",
    "travel_cost_pence",
    "other_cost_pence",
    "cover_days",
    "completion_state",
    "evaluation",
)
COLUMNS = ", ".join((*KEY, *MEASURES))
COUNTS = (
    "activities",
    "pending_line_manager",
    "pending_cpd_team",
    "pending_partnership",
    "needs_reauthorisation",
    "authorised",
)
SAFE_PATH = "SET search_path = pg_catalog, public, pg_temp"
#: the evaluated activities of a period, so that the dashboard's "what the CPD was worth" reads that period's only
EVALUATED = "ix_cpd_activities_period_evaluated"
#: the first half of the fold's advisory lock (the second is the period): two folds of a period never meet
FOLD_LOCK = 13


def _month(dialect: str, row: str) -> str:
    if dialect == "sqlite":
        return f"substr({row}.starts_on, 1, 7) || '-01'"  # dates are ISO text
    return f"date_trunc('month', {row}.starts_on)::date"


def _values(row: str, sign: str = "") -> list[str]:
    return [f"{sign}({expression.format(r=row)})" for expression in MEASURES.values()]


def _grouped(dialect: str, source: str, row: str) -> str:
    """SELECT of the sums per key over ``source`` (aliased ``row``), for the backfill."""
    month = _month(dialect, row)
    sums = ", ".join(f"sum({value})" for value in _values(row))
    return f"SELECT {row}.period_id, {row}.organisation_id, {month}, {sums} FROM {source} {row} GROUP BY 1, 2, 3"


def _not_all_zero(prefix: str = "sum(", suffix: str = ")") -> str:
    return " OR ".join(f"{prefix}{name}{suffix} <> 0" for name in MEASURES)


# -- SQLite: row-level triggers adding to the one row of each key ------------------------------------


def _sqlite_key(row: str) -> str:
    return (
        f"period_id = {row}.period_id AND organisation_id = {row}.organisation_id AND month = {_month('sqlite', row)}"
    )


def _sqlite_add(row: str, values: list[str]) -> str:
    """Add ``values`` to the row of ``row``'s key (SQLite has one row per key: the only writer is us)."""
    sets = ", ".join(f"{name} = {name} + {value}" for name, value in zip(MEASURES, values, strict=True))
    return f"UPDATE {TABLE} SET {sets} WHERE {_sqlite_key(row)};"


def _sqlite_key_values(row: str) -> str:
    return f"{row}.period_id, {row}.organisation_id, {_month('sqlite', row)}"


def _sqlite_triggers() -> list[str]:
    """Each key's row is made (of zeros) before the first activity of it arrives, and only added to after:
    an UPDATE by the key is the whole cost of a row written (an INSERT … SELECT in every trigger would
    cost three times as much; SQLite materialises a SELECT that reads the table it inserts into)."""
    same_key = (
        "NEW.period_id IS OLD.period_id AND NEW.organisation_id IS OLD.organisation_id "
        "AND substr(NEW.starts_on, 1, 7) IS substr(OLD.starts_on, 1, 7)"
    )
    changed = " OR ".join(f"{new} IS NOT {old}" for new, old in zip(_values("NEW"), _values("OLD"), strict=True))
    difference = [f"{new} - {old}" for new, old in zip(_values("NEW"), _values("OLD"), strict=True)]
    watched = ", ".join(WATCHED)
    missing = f"NOT EXISTS (SELECT 1 FROM {TABLE} WHERE {_sqlite_key('NEW')})"
    make = f"INSERT INTO {TABLE} ({', '.join(KEY)})"
    return [
        f"CREATE TRIGGER {TABLE}_new_key BEFORE INSERT ON cpd_activities WHEN {missing} "
        f"BEGIN {make} VALUES ({_sqlite_key_values('NEW')}); END",
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON cpd_activities BEGIN {_sqlite_add('NEW', _values('NEW'))} END",
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON cpd_activities "
        f"BEGIN {_sqlite_add('OLD', _values('OLD', '-'))} END",
        # the common change (a decision, an edit of the cost): one row, by the difference
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {watched} ON cpd_activities "
        f"WHEN {same_key} AND ({changed}) BEGIN {_sqlite_add('NEW', difference)} END",
        # moved to another period, organisation or month: out of the old key, into the new (made if need be)
        f"CREATE TRIGGER {TABLE}_move AFTER UPDATE OF {watched} ON cpd_activities WHEN NOT ({same_key}) BEGIN "
        f"{make} SELECT {_sqlite_key_values('NEW')} WHERE {missing}; "
        f"{_sqlite_add('OLD', _values('OLD', '-'))} {_sqlite_add('NEW', _values('NEW'))} END",
    ]


SQLITE_TRIGGERS = ("new_key", "insert", "delete", "update", "move")


# -- PostgreSQL: statement-level triggers inserting each statement's changes -------------------------


def _pg_changes(sources: list[tuple[str, str]]) -> str:
    """INSERT of the summed changes per key, from transition tables given as (name, sign)."""
    month = _month("postgresql", "r")
    rows = " UNION ALL ".join(
        f"SELECT r.period_id, r.organisation_id, {month} AS month, "
        + ", ".join(f"{value} AS {name}" for name, value in zip(MEASURES, _values("r", sign), strict=True))
        + f" FROM {table} r"
        for table, sign in sources
    )
    sums = ", ".join(f"sum({name})" for name in MEASURES)
    return (
        f"INSERT INTO public.{TABLE} ({COLUMNS}) SELECT period_id, organisation_id, month, {sums} "
        f"FROM ({rows}) c GROUP BY 1, 2, 3 HAVING {_not_all_zero()}"
    )


PG_CHANGES = f"""
CREATE FUNCTION activity_totals_add_changes() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH} AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_pg_changes([("added_rows", "")])};
    ELSIF TG_OP = 'DELETE' THEN
        {_pg_changes([("removed_rows", "-")])};
    ELSE
        {_pg_changes([("added_rows", ""), ("removed_rows", "-")])};
    END IF;
    RETURN NULL;
END
$$
"""

_SUMS = ", ".join(f"sum({name})" for name in MEASURES)
PG_FOLD = f"""
CREATE FUNCTION activity_totals_fold(period integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH}
AS $$
DECLARE
    folded integer;
BEGIN
    -- a fold already under way for this period does the work; waiting for it would only repeat it
    IF NOT pg_try_advisory_xact_lock({FOLD_LOCK}, period) THEN
        RETURN 0;
    END IF;
    WITH gone AS (
        DELETE FROM public.{TABLE} WHERE period_id = period RETURNING {COLUMNS}
    ), kept AS (
        INSERT INTO public.{TABLE} ({COLUMNS})
        SELECT period_id, organisation_id, month, {_SUMS} FROM gone GROUP BY 1, 2, 3 HAVING {_not_all_zero()}
    )
    SELECT count(*) INTO folded FROM gone;
    RETURN folded;
END
$$
"""


def _create_table() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0") for name in COUNTS),
        sa.Column("authorised_pence", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("undecided_pence", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("cover_days", sa.Float(), nullable=False, server_default="0"),
        sa.Column("completed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("without_evaluation", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_activity_totals"),
    )
    op.create_index("ix_activity_totals_period_id_organisation_id_month", TABLE, list(KEY))


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _create_table()
    # the triggers first, then the backfill, in the migration's one transaction: nothing written in between
    if dialect == "postgresql":
        op.execute(PG_CHANGES)
        op.execute(PG_FOLD)
        for event, referencing in (
            ("INSERT", "NEW TABLE AS added_rows"),
            ("UPDATE", "OLD TABLE AS removed_rows NEW TABLE AS added_rows"),
            ("DELETE", "OLD TABLE AS removed_rows"),
        ):
            op.execute(
                f"CREATE TRIGGER {TABLE}_{event.lower()} AFTER {event} ON cpd_activities "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION activity_totals_add_changes()"
            )
    else:
        for statement in _sqlite_triggers():
            op.execute(statement)
    op.execute(f"INSERT INTO {TABLE} ({COLUMNS}) {_grouped(dialect, 'cpd_activities', 'a')}")
    op.create_index(
        EVALUATED,
        "cpd_activities",
        ["period_id", "organisation_id", "id"],
        sqlite_where=sa.text("evaluation IS NOT NULL"),
        postgresql_where=sa.text("evaluation IS NOT NULL"),
    )
    if (
        dialect == "sqlite"
        and op.get_bind().exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
    ):
        op.execute(f"ANALYZE {EVALUATED}")  # statistics beside the others' (as 0012 does), or SQLite plans blind
    if dialect == "postgresql":
        from db.server_logins import regrant_linked_logins  # the new table (read only), for logins linked before

        regrant_linked_logins(op.get_bind())


def downgrade() -> None:
    op.drop_index(EVALUATED, table_name="cpd_activities")
    if op.get_bind().dialect.name == "postgresql":
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{event} ON cpd_activities")
        op.execute("DROP FUNCTION IF EXISTS activity_totals_add_changes()")
        op.execute("DROP FUNCTION IF EXISTS activity_totals_fold(integer)")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name}")
    op.drop_index("ix_activity_totals_period_id_organisation_id_month", table_name=TABLE)
    op.drop_table(TABLE)
