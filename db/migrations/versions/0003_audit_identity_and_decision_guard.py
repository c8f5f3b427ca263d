"""audit log closed to every rewrite; on PostgreSQL the server stamps who acted and guards decisions (A2, A3, C3)

SQLite: ``INSERT OR REPLACE`` / ``REPLACE INTO`` over an existing id deletes
the old entry without firing the DELETE trigger (recursive triggers are off),
so a BEFORE INSERT trigger refuses any id that is already there.  That also
refuses an UPSERT (``ON CONFLICT DO UPDATE`` is an UPDATE anyway) and turns
``INSERT OR IGNORE`` over an existing id into a refusal; UPDATE (including
``UPDATE OR REPLACE``) and DELETE were refused by 0002.  Whoever owns the file
can still drop the triggers: that is out of reach of any database rule.

PostgreSQL:
- ``audit_log.db_identity`` is ``current_user``, stamped by a BEFORE INSERT
  trigger whatever the client sent; for a login linked to a TrustDesk user
  (``app_users.db_login``) the entry must name that user.
- every change of a ``cpd_activities`` row, and every insert of one that is
  already decided, must come with an audit entry for that row written in the
  same transaction by the same login (checked at commit by a deferred
  constraint trigger, so the order of the statements does not matter); a
  change of the partnership state must be the state that entry records; a
  decision must name the login's own user and may not be on a request of that
  user's own person.  The tables' owner is exempt: it could drop the trigger.
- existing linked logins get the narrower grants of ``db.server_logins``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 11:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MESSAGE = "The audit log cannot be changed: entries are only ever added."
# Functions run with the caller's rights; a fixed search path keeps a temporary table from
# standing in for app_users or audit_log.
SAFE_PATH = "SET search_path = pg_catalog, public, pg_temp"

STAMP = f"""
CREATE FUNCTION audit_log_stamp_identity() RETURNS trigger LANGUAGE plpgsql {SAFE_PATH} AS $$
DECLARE
    linked integer;
BEGIN
    NEW.db_identity := current_user;
    SELECT id INTO linked FROM public.app_users WHERE db_login = current_user;
    IF linked IS NOT NULL THEN
        IF NEW.user_id IS NULL THEN
            NEW.user_id := linked;
        ELSIF NEW.user_id <> linked THEN
            RAISE EXCEPTION 'An audit entry written by the login % names another TrustDesk user; it was refused.',
                current_user USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NEW;
END
$$
"""

GUARD = f"""
CREATE FUNCTION cpd_activity_change_guard() RETURNS trigger LANGUAGE plpgsql {SAFE_PATH} AS $$
DECLARE
    linked_user integer;
    linked_person integer;
    state_changed boolean;
BEGIN
    state_changed := TG_OP = 'INSERT' OR OLD.partnership_state IS DISTINCT FROM NEW.partnership_state;
    IF NOT EXISTS (
        SELECT 1 FROM public.audit_log a
        WHERE a.entity = 'cpd_activity' AND a.entity_id = NEW.id
          AND a.db_identity = current_user
          AND a.xmin = (txid_current() % 4294967296)::text::xid
          AND (NOT state_changed OR a.after ->> 'partnership_state' = NEW.partnership_state)
    ) THEN
        RAISE EXCEPTION 'CPD activity % was changed without its audit entry; TrustDesk records every change, '
            'so nothing was changed.', NEW.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF state_changed AND NEW.partnership_state IN ('authorised', 'rejected') THEN
        SELECT u.id, j.person_id INTO linked_user, linked_person
        FROM public.app_users u LEFT JOIN public.jobs j ON j.id = u.job_id
        WHERE u.db_login = current_user;
        -- An undo puts back an earlier decision, with the user who took it; anything else is the login's own.
        IF (linked_user IS NULL OR NEW.partnership_user_id IS DISTINCT FROM linked_user) AND NOT EXISTS (
            SELECT 1 FROM public.audit_log a
            WHERE a.entity = 'cpd_activity' AND a.entity_id = NEW.id AND a.db_identity = current_user
              AND a.xmin = (txid_current() % 4294967296)::text::xid AND a.action = 'partnership_reverted'
        ) THEN
            RAISE EXCEPTION 'A partnership decision must name the TrustDesk user of the login % that takes it.',
                current_user USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF linked_person IS NOT NULL
           AND linked_person = (SELECT person_id FROM public.jobs WHERE id = NEW.job_id) THEN
            RAISE EXCEPTION 'Nobody authorises their own CPD request (activity %); nothing was changed.', NEW.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN NULL;
END
$$
"""

# The tables' owner could drop the guard, so it is exempt, and queues no check at all: a demo
# build or a migration creating indexes in the same transaction must not meet pending events.
OWNER = f"""
CREATE FUNCTION trustdesk_caller_owns_tables() RETURNS boolean LANGUAGE sql STABLE {SAFE_PATH} AS $$
    SELECT pg_has_role(current_user, relowner, 'MEMBER') FROM pg_class WHERE oid = 'public.cpd_activities'::regclass
$$
"""

DECIDED_ON_INSERT = (
    "NEW.partnership_state <> 'pending' OR NEW.partnership_user_id IS NOT NULL "
    "OR NEW.partnership_decided_at IS NOT NULL OR NEW.decision_batch_id IS NOT NULL "
    "OR NEW.charged_organisation_id IS NOT NULL"
)


def _upgrade_postgresql() -> None:
    op.execute(STAMP)
    op.execute(
        "CREATE TRIGGER audit_log_stamp_identity BEFORE INSERT ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_stamp_identity()"
    )
    op.execute("ALTER TABLE audit_log ALTER COLUMN db_identity SET DEFAULT current_user")
    op.execute(OWNER)
    op.execute(GUARD)
    op.execute(
        "CREATE CONSTRAINT TRIGGER cpd_activities_change_guard AFTER UPDATE ON cpd_activities "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NOT trustdesk_caller_owns_tables()) "
        "EXECUTE FUNCTION cpd_activity_change_guard()"
    )
    op.execute(
        "CREATE CONSTRAINT TRIGGER cpd_activities_decided_insert_guard AFTER INSERT ON cpd_activities "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (({DECIDED_ON_INSERT}) AND NOT trustdesk_caller_owns_tables()) "
        "EXECUTE FUNCTION cpd_activity_change_guard()"
    )
    from db.server_logins import grant_statements, schema_tables  # the grants of today, for logins linked before

    logins = op.get_bind().exec_driver_sql(
        "SELECT u.db_login FROM app_users u JOIN pg_roles r ON r.rolname = u.db_login WHERE u.db_login IS NOT NULL"
    )
    for (login,) in logins.all():
        for statement in grant_statements(login, schema_tables(op.get_bind())):
            op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    op.execute(
        "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log "
        "WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id) "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # Narrowed grants stay: widening a login's rights is an administrator's decision.
        op.execute("DROP TRIGGER IF EXISTS cpd_activities_decided_insert_guard ON cpd_activities")
        op.execute("DROP TRIGGER IF EXISTS cpd_activities_change_guard ON cpd_activities")
        op.execute("DROP FUNCTION IF EXISTS cpd_activity_change_guard()")
        op.execute("DROP FUNCTION IF EXISTS trustdesk_caller_owns_tables()")
        op.execute("ALTER TABLE audit_log ALTER COLUMN db_identity DROP DEFAULT")
        op.execute("DROP TRIGGER IF EXISTS audit_log_stamp_identity ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_stamp_identity()")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_replace")
