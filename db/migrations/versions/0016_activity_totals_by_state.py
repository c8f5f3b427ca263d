"""the running totals kept per decision state too, with the cost: the list's count and total read from them

After a filter change the Partnership CPD list shows how many activities match and what they cost,
and each queue tab its count.  Those read every matching activity: at five million activities the
CPD lead's main view (a period's pending requests) took 0.25 s for its count and 0.38 s for its
tabs, all periods 2.5 s and 5 s.  ``activity_totals`` (0015) already follows every write of an
activity; keyed also by the three decision states and summing the total cost, it answers the count,
the total and every tab of a filter made of the period, the organisation, those states and whole
months — the list's presets and the dashboard's drill-throughs — from a few hundred rows
(``db/queries/activity_counts.py``).  The dashboard sums the same rows per period, organisation
and month as before.

The table is derived data: it is dropped and made again with the finer key, its triggers with it,
and backfilled by one grouped pass.  The triggers work as 0015's do (read its docstring): on SQLite
row triggers add to the one row of a key, on PostgreSQL statement triggers insert each statement's
summed changes and ``activity_totals_fold`` folds a period's rows back into one per key.  A decision
now moves an activity's sums from one key to another (two small updates where 0015 made one).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 23:00:00
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

TABLE = "activity_totals"
STATES = ("partnership_state", "line_manager_state", "cpd_team_state")
KEY = ("period_id", "organisation_id", "month", *STATES)
#: what one activity ``{r}`` adds to each sum: 0015's, and the total cost whatever the state
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
    "total_pence": "{r}.total_cost_pence",
}
#: the activity's columns the key and sums depend on (SQLite's UPDATE OF; the total is generated from the costs)
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
COUNTS = (
    "activities",
    "pending_line_manager",
    "pending_cpd_team",
    "pending_partnership",
    "needs_reauthorisation",
    "authorised",
)
COLUMNS = ", ".join((*KEY, *MEASURES))
BY_KEY = ", ".join(str(number) for number in range(1, len(KEY) + 1))
SUMS = ", ".join(f"sum({name})" for name in MEASURES)
SAFE_PATH = "SET search_path = pg_catalog, public, pg_temp"
INDEX = "ix_activity_totals_period_id_organisation_id_month"
#: the first half of the fold's advisory lock (the second is the period): as 0015's
FOLD_LOCK = 13
SQLITE_TRIGGERS = ("new_key", "insert", "delete", "update", "move")


def _month(dialect: str, row: str) -> str:
    if dialect == "sqlite":
        return f"substr({row}.starts_on, 1, 7) || '-01'"  # dates are ISO text
    return f"date_trunc('month', {row}.starts_on)::date"


def _key_values(dialect: str, row: str) -> str:
    return ", ".join(
        (f"{row}.period_id", f"{row}.organisation_id", _month(dialect, row), *(f"{row}.{s}" for s in STATES))
    )


def _values(row: str, sign: str = "") -> list[str]:
    return [f"{sign}({expression.format(r=row)})" for expression in MEASURES.values()]


def _not_all_zero() -> str:
    return " OR ".join(f"sum({name}) <> 0" for name in MEASURES)


# -- SQLite: row-level triggers adding to the one row of each key ------------------------------------


def _sqlite_key(row: str) -> str:
    return " AND ".join(
        (
            f"period_id = {row}.period_id",
            f"organisation_id = {row}.organisation_id",
            f"month = {_month('sqlite', row)}",
            *(f"{state} = {row}.{state}" for state in STATES),
        )
    )


def _sqlite_add(row: str, values: list[str]) -> str:
    sets = ", ".join(f"{name} = {name} + {value}" for name, value in zip(MEASURES, values, strict=True))
    return f"UPDATE {TABLE} SET {sets} WHERE {_sqlite_key(row)};"


def _sqlite_triggers() -> list[str]:
    """As 0015's: a key's row is made (of zeros) before its first activity arrives, and only added to after."""
    same_key = " AND ".join(
        (
            "NEW.period_id IS OLD.period_id",
            "NEW.organisation_id IS OLD.organisation_id",
            "substr(NEW.starts_on, 1, 7) IS substr(OLD.starts_on, 1, 7)",
            *(f"NEW.{state} IS OLD.{state}" for state in STATES),
        )
    )
    changed = " OR ".join(f"{new} IS NOT {old}" for new, old in zip(_values("NEW"), _values("OLD"), strict=True))
    difference = [f"{new} - {old}" for new, old in zip(_values("NEW"), _values("OLD"), strict=True)]
    watched = ", ".join(WATCHED)
    missing = f"NOT EXISTS (SELECT 1 FROM {TABLE} WHERE {_sqlite_key('NEW')})"
    make = f"INSERT INTO {TABLE} ({', '.join(KEY)})"
    return [
        f"CREATE TRIGGER {TABLE}_new_key BEFORE INSERT ON cpd_activities WHEN {missing} "
        f"BEGIN {make} VALUES ({_key_values('sqlite', 'NEW')}); END",
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON cpd_activities BEGIN {_sqlite_add('NEW', _values('NEW'))} END",
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON cpd_activities "
        f"BEGIN {_sqlite_add('OLD', _values('OLD', '-'))} END",
        # an edit of the cost or the cover: one row, by the difference
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {watched} ON cpd_activities "
        f"WHEN {same_key} AND ({changed}) BEGIN {_sqlite_add('NEW', difference)} END",
        # a decision, or a move to another period, organisation or month: out of the old key, into the new
        f"CREATE TRIGGER {TABLE}_move AFTER UPDATE OF {watched} ON cpd_activities WHEN NOT ({same_key}) BEGIN "
        f"{make} SELECT {_key_values('sqlite', 'NEW')} WHERE {missing}; "
        f"{_sqlite_add('OLD', _values('OLD', '-'))} {_sqlite_add('NEW', _values('NEW'))} END",
    ]


# -- PostgreSQL: statement-level triggers inserting each statement's changes -------------------------


def _pg_changes(sources: list[tuple[str, str]]) -> str:
    """INSERT of the summed changes per key, from transition tables given as (name, sign)."""
    names = ", ".join(KEY)
    rows = " UNION ALL ".join(
        f"SELECT {_key_values('postgresql', 'r')}, "
        + ", ".join(f"{value} AS {name}" for name, value in zip(MEASURES, _values("r", sign), strict=True))
        + f" FROM {table} r"
        for table, sign in sources
    )
    return (
        f"INSERT INTO public.{TABLE} ({COLUMNS}) SELECT {names}, {SUMS} "
        f"FROM ({rows}) c ({names}, {', '.join(MEASURES)}) GROUP BY {BY_KEY} HAVING {_not_all_zero()}"
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
        SELECT {", ".join(KEY)}, {SUMS} FROM gone GROUP BY {BY_KEY} HAVING {_not_all_zero()}
    )
    SELECT count(*) INTO folded FROM gone;
    RETURN folded;
END
$$
"""
PG_EVENTS = (
    ("INSERT", "NEW TABLE AS added_rows"),
    ("UPDATE", "OLD TABLE AS removed_rows NEW TABLE AS added_rows"),
    ("DELETE", "OLD TABLE AS removed_rows"),
)


def _drop_totals(dialect: str) -> None:
    """The table, its index and the triggers and functions that write it (0015's or these: same names)."""
    if dialect == "postgresql":
        for event, _referencing in PG_EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{event.lower()} ON cpd_activities")
        op.execute("DROP FUNCTION IF EXISTS activity_totals_add_changes()")
        op.execute("DROP FUNCTION IF EXISTS activity_totals_fold(integer)")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name}")
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_table(TABLE)


def _state_column(name: str) -> sa.Column:
    return sa.Column(name, sa.String(40), nullable=False)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _drop_totals(dialect)
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        *(_state_column(name) for name in STATES),
        *(sa.Column(name, sa.Integer(), nullable=False, server_default="0") for name in COUNTS),
        sa.Column("authorised_pence", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("undecided_pence", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("cover_days", sa.Float(), nullable=False, server_default="0"),
        sa.Column("completed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("without_evaluation", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total_pence", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_activity_totals"),
    )
    op.create_index(INDEX, TABLE, ["period_id", "organisation_id", "month"])
    # the triggers first, then the backfill, in the migration's one transaction: nothing written in between
    if dialect == "postgresql":
        op.execute(PG_CHANGES)
        op.execute(PG_FOLD)
        for event, referencing in PG_EVENTS:
            op.execute(
                f"CREATE TRIGGER {TABLE}_{event.lower()} AFTER {event} ON cpd_activities "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION activity_totals_add_changes()"
            )
    else:
        for statement in _sqlite_triggers():
            op.execute(statement)
    sums = ", ".join(f"sum({value})" for value in _values("a"))
    op.execute(
        f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {_key_values(dialect, 'a')}, {sums} FROM cpd_activities a "
        f"GROUP BY {BY_KEY}"
    )
    if (
        dialect == "sqlite"
        and op.get_bind().exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
    ):
        op.execute(f"ANALYZE {TABLE}")  # statistics beside the others' (as 0012 does), or SQLite plans blind
    if dialect == "postgresql":
        from db.server_logins import regrant_linked_logins  # the table is new again: read only, for linked logins

        regrant_linked_logins(op.get_bind())


def _revision_0015() -> ModuleType:
    """0015's own module, whose code makes the totals as they were."""
    path = next(Path(__file__).parent.glob("0015_*.py"))
    spec = importlib.util.spec_from_file_location("trustdesk_migration_0015", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    """Back to 0015's totals (per period, organisation and month), made by 0015's own code."""
    dialect = op.get_bind().dialect.name
    _drop_totals(dialect)
    earlier = _revision_0015()
    earlier._create_table()
    if dialect == "postgresql":
        op.execute(earlier.PG_CHANGES)
        op.execute(earlier.PG_FOLD)
        for event, referencing in PG_EVENTS:
            op.execute(
                f"CREATE TRIGGER {TABLE}_{event.lower()} AFTER {event} ON cpd_activities "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION activity_totals_add_changes()"
            )
    else:
        for statement in earlier._sqlite_triggers():
            op.execute(statement)
    op.execute(f"INSERT INTO {TABLE} ({earlier.COLUMNS}) {earlier._grouped(dialect, 'cpd_activities', 'a')}")
    if dialect == "postgresql":
        from db.server_logins import regrant_linked_logins

        regrant_linked_logins(op.get_bind())
