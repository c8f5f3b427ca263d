"""running totals per title and provider: the count of a search read from them

A search of the Partnership CPD list matches an activity by its title or its provider, and its count
and total read every activity of the filter: 4.7 s for a period at five million activities.  Titles
and providers repeat, so ``activity_texts`` keeps each distinct pair once and ``activity_text_totals``
how many activities of each pair there are, and their cost, per period, organisation and decision
states (``db/models/text_totals.py``).  A search tests each pair once and sums the totals of those
that match.

The triggers work as 0016's do for ``activity_totals`` (read its docstring): on SQLite row triggers
add to the one row of a key, after adding the activity's pair to ``activity_texts`` if it is new; on
PostgreSQL statement triggers add each statement's new pairs, then insert its summed changes, and
``activity_text_totals_fold`` folds a period's rows back into one per key.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 02:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TABLE = "activity_text_totals"
TEXTS = "activity_texts"
STATES = ("partnership_state", "line_manager_state", "cpd_team_state")
KEY = ("period_id", "organisation_id", *STATES)  # and the pair's id, text_id
MEASURES = {"activities": "1", "total_pence": "{r}.total_cost_pence"}
#: the activity's columns the key and sums depend on (SQLite's UPDATE OF; the total is generated from the costs)
WATCHED = (
    "period_id",
    "organisation_id",
    *STATES,
    "title",
    "provider",
    "course_fee_pence",
    "cover_cost_pence",
    "travel_cost_pence",
    "other_cost_pence",
)
COLUMNS = ", ".join((*KEY, "text_id", *MEASURES))
SUMS = ", ".join(f"sum({name})" for name in MEASURES)
NOT_ALL_ZERO = " OR ".join(f"sum({name}) <> 0" for name in MEASURES)
SAFE_PATH = "SET search_path = pg_catalog, public, pg_temp"
INDEX = "ix_activity_text_totals_text_id_period_id_organisation_id"
UNIQUE = "uq_activity_texts_title_provider"
#: the first half of the fold's advisory lock (the second is the period); 0015 and 0016 use 13
FOLD_LOCK = 14
SQLITE_TRIGGERS = ("new_key", "insert", "delete", "update", "move")
PG_EVENTS = (
    ("INSERT", "NEW TABLE AS added_rows"),
    ("UPDATE", "OLD TABLE AS removed_rows NEW TABLE AS added_rows"),
    ("DELETE", "OLD TABLE AS removed_rows"),
)


def _values(row: str, sign: str = "") -> list[str]:
    return [f"{sign}({expression.format(r=row)})" for expression in MEASURES.values()]


# -- SQLite: row-level triggers adding to the one row of each key ------------------------------------


def _text_id(row: str) -> str:
    return f"(SELECT id FROM {TEXTS} WHERE title = {row}.title AND provider = {row}.provider)"


def _sqlite_key(row: str) -> str:
    return " AND ".join((f"text_id = {_text_id(row)}", *(f"{name} = {row}.{name}" for name in KEY)))


def _sqlite_add(row: str, values: list[str]) -> str:
    sets = ", ".join(f"{name} = {name} + {value}" for name, value in zip(MEASURES, values, strict=True))
    return f"UPDATE {TABLE} SET {sets} WHERE {_sqlite_key(row)};"


def _sqlite_make_key(row: str) -> str:
    """The row's pair, if new, and its key's row of zeros, if missing: before anything is added to it.

    "If new" is asked, not left to a conflict clause: a trigger's ``INSERT OR IGNORE`` takes the policy
    of the statement that fired it, and under an ``INSERT OR REPLACE`` of activities it would replace
    the pair with a new id, leaving its totals behind under the old one."""
    values = ", ".join((*(f"{row}.{name}" for name in KEY), _text_id(row)))
    return (
        f"INSERT INTO {TEXTS} (title, provider) SELECT {row}.title, {row}.provider "
        f"WHERE NOT EXISTS (SELECT 1 FROM {TEXTS} WHERE title = {row}.title AND provider = {row}.provider); "
        f"INSERT INTO {TABLE} ({', '.join((*KEY, 'text_id'))}) SELECT {values} "
        f"WHERE NOT EXISTS (SELECT 1 FROM {TABLE} WHERE {_sqlite_key(row)});"
    )


def _sqlite_triggers() -> list[str]:
    same_key = " AND ".join(f"NEW.{name} IS OLD.{name}" for name in (*KEY, "title", "provider"))
    difference = [f"{new} - {old}" for new, old in zip(_values("NEW"), _values("OLD"), strict=True)]
    changed = " OR ".join(f"{new} IS NOT {old}" for new, old in zip(_values("NEW"), _values("OLD"), strict=True))
    watched = ", ".join(WATCHED)
    return [
        f"CREATE TRIGGER {TABLE}_new_key BEFORE INSERT ON cpd_activities BEGIN {_sqlite_make_key('NEW')} END",
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON cpd_activities BEGIN {_sqlite_add('NEW', _values('NEW'))} END",
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON cpd_activities "
        f"BEGIN {_sqlite_add('OLD', _values('OLD', '-'))} END",
        # an edit of the cost: one row, by the difference
        f"CREATE TRIGGER {TABLE}_update AFTER UPDATE OF {watched} ON cpd_activities "
        f"WHEN {same_key} AND ({changed}) BEGIN {_sqlite_add('NEW', difference)} END",
        # a decision, a new title or provider, a move: out of the old key, into the new
        f"CREATE TRIGGER {TABLE}_move AFTER UPDATE OF {watched} ON cpd_activities WHEN NOT ({same_key}) BEGIN "
        f"{_sqlite_make_key('NEW')} {_sqlite_add('OLD', _values('OLD', '-'))} {_sqlite_add('NEW', _values('NEW'))} END",
    ]


# -- PostgreSQL: statement-level triggers inserting each statement's changes -------------------------


def _pg_new_texts(table: str) -> str:
    """The statement's new pairs, in one order for every writer: two statements adding the same two new
    pairs wait for each other's in turn, never each for the other's (a deadlock)."""
    return (
        f"INSERT INTO public.{TEXTS} (title, provider) SELECT DISTINCT title, provider FROM {table} "
        "ORDER BY title, provider ON CONFLICT DO NOTHING"
    )


def _pg_changes(sources: list[tuple[str, str]]) -> str:
    """INSERT of the summed changes per key, from transition tables given as (name, sign)."""
    rows = " UNION ALL ".join(
        f"SELECT {', '.join(f'r.{name}' for name in KEY)}, r.title, r.provider, "
        + ", ".join(f"{value} AS {name}" for name, value in zip(MEASURES, _values("r", sign), strict=True))
        + f" FROM {table} r"
        for table, sign in sources
    )
    key = ", ".join(f"c.{name}" for name in KEY)
    sums = ", ".join(f"sum(c.{name})" for name in MEASURES)
    not_all_zero = " OR ".join(f"sum(c.{name}) <> 0" for name in MEASURES)
    return (
        f"INSERT INTO public.{TABLE} ({COLUMNS}) SELECT {key}, x.id, {sums} FROM ({rows}) c "
        f"JOIN public.{TEXTS} x ON x.title = c.title AND x.provider = c.provider "
        f"GROUP BY {key}, x.id HAVING {not_all_zero}"
    )


PG_CHANGES = f"""
CREATE FUNCTION activity_text_totals_add_changes() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER {SAFE_PATH}
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_pg_new_texts("added_rows")};
        {_pg_changes([("added_rows", "")])};
    ELSIF TG_OP = 'DELETE' THEN
        {_pg_changes([("removed_rows", "-")])};
    ELSE
        {_pg_new_texts("added_rows")};
        {_pg_changes([("added_rows", ""), ("removed_rows", "-")])};
    END IF;
    RETURN NULL;
END
$$
"""

PG_FOLD = f"""
CREATE FUNCTION activity_text_totals_fold(period integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
{SAFE_PATH} AS $$
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
        SELECT {", ".join(KEY)}, text_id, {SUMS} FROM gone GROUP BY {", ".join(KEY)}, text_id HAVING {NOT_ALL_ZERO}
    )
    SELECT count(*) INTO folded FROM gone;
    RETURN folded;
END
$$
"""


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        TEXTS,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("provider", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=f"pk_{TEXTS}"),
        sa.UniqueConstraint("title", "provider", name=UNIQUE),
    )
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.String(40), nullable=False) for name in STATES),
        sa.Column("activities", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total_pence", sa.BigInteger(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{TABLE}"),
    )
    op.create_index(INDEX, TABLE, ["text_id", "period_id", "organisation_id"])
    # the triggers first, then the backfill, in the migration's one transaction: nothing written in between
    if dialect == "postgresql":
        op.execute(PG_CHANGES)
        op.execute(PG_FOLD)
        for event, referencing in PG_EVENTS:
            op.execute(
                f"CREATE TRIGGER {TABLE}_{event.lower()} AFTER {event} ON cpd_activities "
                f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION activity_text_totals_add_changes()"
            )
    else:
        for statement in _sqlite_triggers():
            op.execute(statement)
    op.execute(f"INSERT INTO {TEXTS} (title, provider) SELECT DISTINCT title, provider FROM cpd_activities")
    key = ", ".join(f"a.{name}" for name in KEY)
    op.execute(
        f"INSERT INTO {TABLE} ({COLUMNS}) SELECT {key}, x.id, count(*), sum(a.total_cost_pence) "
        f"FROM cpd_activities a JOIN {TEXTS} x ON x.title = a.title AND x.provider = a.provider "
        f"GROUP BY {key}, x.id"
    )
    if (
        dialect == "sqlite"
        and op.get_bind().exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first()
    ):
        op.execute(f"ANALYZE {TEXTS}")  # statistics beside the others' (as 0012 does), or SQLite plans blind
        op.execute(f"ANALYZE {TABLE}")
    if dialect == "postgresql":
        from db.server_logins import regrant_linked_logins  # new tables: read only, for linked logins

        regrant_linked_logins(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for event, _referencing in PG_EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{event.lower()} ON cpd_activities")
        op.execute("DROP FUNCTION IF EXISTS activity_text_totals_add_changes()")
        op.execute("DROP FUNCTION IF EXISTS activity_text_totals_fold(integer)")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_{name}")
    op.drop_index(INDEX, table_name=TABLE)
    op.drop_table(TABLE)
    op.drop_table(TEXTS)
