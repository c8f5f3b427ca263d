"""The write contract: the one way a service changes data on behalf of a user.

Every service used to open its own transaction, work out the user's scope,
look the row up, raise NotFound or PermissionDenied, compare versions, build
its own audit row and tell the widget what to publish.  ``begin`` does that
preamble once:

    with begin(db, user_id) as act:
        org = act.fetch(Organisation, organisation_id, missing="That organisation no longer exists.")
        act.require(Module.BUDGETS, org.id, what=f"set the budget of {org.name}")
        act.check_version(budget, shown_version, f"The budget of {org.name}")
        ...
        act.audit("budget_set", "budget", budget.id, before=..., after=...)
        act.changed(BUDGETS, budget.id)

* one transaction (commit on success, roll back on any error);
* the acting user's scope, worked out once, inside the transaction, so a role
  or agreement changed a moment ago already counts (A1, D6);
* audit rows stamped with the acting user and the database identity in one
  place (A2, A3): services never pass ``db`` around to reach it;
* notification rows in the same transaction (N1);
* the list of what changed, published by the operation that ran the service
  (``db.changes.recorded``), never by the widget that asked.

Changes are collected per thread while an action runs and handed over only
when its transaction has committed: a service that fails publishes nothing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import Any, Protocol, TypeVar
from typing import cast as typed

from sqlalchemy import JSON, ColumnElement, Select, Table, cast, insert, literal, null, select
from sqlalchemy.orm import Session

from db.changes import ChangeKind, DataChange, journal_changes
from db.engine import Database
from db.errors import NotFound, PermissionDenied, StaleData
from db.models import AuditEntry, Level, Module, Notification, utcnow
from db.scope import Scope, central_action_refusals, require_central_action, scope_for

T = TypeVar("T")

#: the tables behind the models, typed as tables (``__table__`` is declared as any FromClause)
AUDIT_TABLE = typed(Table, AuditEntry.__table__)
NOTIFICATION_TABLE = typed(Table, Notification.__table__)


#: the one JSON encoder for rows written through the driver (as ``json.dumps`` writes, like SQLAlchemy's JSON)
_JSON = json.JSONEncoder()


class Versioned(Protocol):
    version: int


class Action:
    """One user action in one open transaction. Made by ``begin``; not shared between threads."""

    def __init__(self, session: Session, db: Database, user_id: int) -> None:
        self.session = session
        self.user_id = user_id
        self._db = db
        self._changes: dict[ChangeKind, set[int] | None] = {}

    # -- who may do what -------------------------------------------------------------------------
    @cached_property
    def scope(self) -> Scope:
        return scope_for(self.session, self.user_id)

    def require(self, module: Module, org_id: int, level: Level = Level.DECIDE, *, what: str) -> None:
        """Refuse unless the user holds ``level`` on ``module`` at ``org_id``.

        The scope already caps a trust-level grant by the school's data-sharing
        agreement (D6) and staff visibility (P3), so one call checks all three.
        ``what`` completes "You may not …".
        """
        if not self.scope.can_act(module, org_id, level):
            raise PermissionDenied(f"You may not {what}.")

    def require_central(self, module: Module, org_ids: Iterable[int], doing: str, *, then: str = "") -> None:
        """Refuse, naming each school and what its agreement does not share (D6), unless the user may
        ``doing`` at every one of ``org_ids``; ``then`` says what happened ("Nothing was changed.")."""
        require_central_action(self.session, self.scope, module, org_ids, doing, then=then)

    def central_refusals(self, module: Module, org_ids: Iterable[int], doing: str) -> dict[int, str]:
        """For each of ``org_ids`` the user may not ``doing`` at, the sentence why (D6): for actions that
        leave those rows alone (sign-off) or word the refusal themselves (flood fill)."""
        return central_action_refusals(self.session, self.scope, module, org_ids, doing)

    # -- rows --------------------------------------------------------------------------------------
    def fetch(self, model: type[T], row_id: int, *, missing: str) -> T:
        """The row, or NotFound with ``missing`` (a full sentence) when it has gone."""
        row = self.session.get(model, row_id)
        if row is None:
            raise NotFound(missing)
        return row

    @staticmethod
    def check_version(
        row: Versioned | None, shown_version: int | None, what: str, *, message: str | None = None
    ) -> None:
        """Refuse a change made on stale data (optimistic locking): ``what`` names the row for the sentence;
        ``message`` replaces the whole sentence where the standard one does not say what to do next."""
        current = None if row is None else row.version
        if current != shown_version:
            raise StaleData(message or f"{what} was changed by someone else since it was shown; nothing was changed.")

    # -- the record --------------------------------------------------------------------------------
    @cached_property
    def batch_key(self) -> str:
        """Stamped on every notification this action writes: the outbox sends one e-mail per person
        per action (a digest), never one per row (N1)."""
        return uuid.uuid4().hex

    @cached_property
    def identity(self) -> str:
        """Who the database says is connected (A3); asked once per action, not once per row."""
        return self._db.identity

    def audit(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        *,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        reason: str | None = None,
        batch_id: int | None = None,
    ) -> None:
        """One audit row (A2), stamped with the acting user and the database identity."""
        self.session.add(
            AuditEntry(
                at=utcnow(),
                user_id=self.user_id,
                db_identity=self.identity,
                action=action,
                entity=entity,
                entity_id=entity_id,
                before=before,
                after=after,
                reason=reason,
                decision_batch_id=batch_id,
            )
        )

    def _stamp(self) -> dict[str, Any]:
        return {"at": utcnow(), "user_id": self.user_id, "db_identity": self.identity}

    def audit_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """Many audit rows at once (bulk actions), each stamped like ``audit``; one Core executemany.

        A row may give its own ``at`` (a decision's rows share the batch's moment); the user and the
        database identity are always the action's own.
        """
        if not rows:
            return
        stamp = self._stamp()
        owner = {"user_id": self.user_id, "db_identity": self.identity}
        self.session.connection().execute(insert(AUDIT_TABLE), [{**stamp, **row, **owner} for row in rows])

    def audit_many(self, constants: Mapping[str, Any], columns: Sequence[str], rows: Iterable[tuple]) -> None:
        """Many audit rows through the driver's own ``executemany`` (thousands of decisions at once).

        ``constants`` are the columns every row shares (converted once), stamped with the user and
        the database identity as ``audit`` does; each of ``rows`` gives the values of ``columns``
        in order.  SQLAlchemy would build and convert a parameter dictionary per row; these are
        tuples from the start.
        """
        values = {"at": utcnow(), **constants, "user_id": self.user_id, "db_identity": self.identity}
        self._insert_many(AUDIT_TABLE, values, columns, rows)

    def notify_many(self, constants: Mapping[str, Any], columns: Sequence[str], rows: Iterable[tuple]) -> None:
        """Many notifications through the driver's ``executemany``, as ``audit_many`` (N1: one batch key)."""
        values = {"created_at": utcnow(), "body": "", **constants, "batch_key": self.batch_key}
        self._insert_many(NOTIFICATION_TABLE, values, columns, rows)

    def _insert_many(
        self, table: Table, constants: Mapping[str, Any], columns: Sequence[str], rows: Iterable[tuple]
    ) -> None:
        connection = self.session.connection()
        dialect = connection.dialect
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        names = [*constants, *columns]
        # PostgreSQL takes JSON as text only when told; SQLite stores the text as it is.
        json_mark = f"CAST({mark} AS JSON)" if dialect.name == "postgresql" else mark
        marks = ", ".join(json_mark if isinstance(table.c[name].type, JSON) else mark for name in names)
        quote = dialect.identifier_preparer.quote
        sql = f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) VALUES ({marks})"
        fixed = tuple(_converter(table, name, dialect)(value) for name, value in constants.items())
        converters = [
            (i, convert) for i, name in enumerate(columns) if (convert := _converter(table, name, dialect)) is not _same
        ]
        if converters:
            prepared = []
            for row in rows:
                values = list(row)
                for i, convert in converters:
                    values[i] = convert(values[i])
                prepared.append(fixed + tuple(values))
        else:
            prepared = [fixed + row for row in rows]
        if prepared:
            connection.exec_driver_sql(sql, prepared)

    def audit_from_select(self, constants: dict[str, Any], rows: Select, columns: Sequence[str]) -> None:
        """One audit row per row of ``rows`` in one INSERT … SELECT: the rows never travel through Python.

        ``rows`` selects the values of ``columns`` (e.g. ``entity_id``); every other column is one of
        ``constants``, stamped with the user and the database identity as ``audit`` does.
        """
        values = {**self._stamp(), **constants, "user_id": self.user_id, "db_identity": self.identity}
        self._insert_from_select(AUDIT_TABLE, values, rows, columns)

    def notify(self, job_id: int, kind: str, subject: str, body: str = "", *, activity_id: int | None = None) -> None:
        """A notification for the person behind ``job_id``, sent after the commit by the outbox (N1)."""
        self.session.add(
            Notification(
                created_at=utcnow(),
                recipient_job_id=job_id,
                kind=kind,
                subject=subject[:300],
                body=body,
                activity_id=activity_id,
                batch_key=self.batch_key,
            )
        )

    def notify_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        """Many notifications at once (bulk actions): each row gives ``recipient_job_id``, ``kind``,
        ``subject`` and optionally ``body``, ``activity_id`` and ``created_at``; one Core executemany."""
        if not rows:
            return
        made = {"created_at": utcnow(), "body": "", "activity_id": None}
        stamp = {"batch_key": self.batch_key}
        self.session.connection().execute(insert(NOTIFICATION_TABLE), [{**made, **row, **stamp} for row in rows])

    def notify_from_select(self, constants: dict[str, Any], rows: Select, columns: Sequence[str]) -> None:
        """One notification per row of ``rows`` (which selects ``columns``) in one INSERT … SELECT."""
        stamped = {"created_at": utcnow(), **constants, "batch_key": self.batch_key}
        self._insert_from_select(NOTIFICATION_TABLE, stamped, rows, columns)

    def _insert_from_select(
        self, table: Table, constants: dict[str, Any], rows: Select, columns: Sequence[str]
    ) -> None:
        chosen = rows.subquery()
        cast_to_type = self.session.get_bind().dialect.name == "postgresql"
        self.session.execute(
            insert(table).from_select(
                [*constants, *columns],
                select(
                    *(_constant(table, name, value, cast_to_type) for name, value in constants.items()),
                    *chosen.c,
                ),
            )
        )

    def changed(self, kind: ChangeKind, ids: int | Iterable[int] | None = None) -> None:
        """Say what this action changed; published once the transaction has committed.

        Without ids the change is "something of this kind" and every panel
        watching the kind reloads.
        """
        if kind in self._changes and self._changes[kind] is None:
            return
        if ids is None:
            self._changes[kind] = None
            return
        known = self._changes.setdefault(kind, set())
        assert known is not None
        known.update((ids,) if isinstance(ids, int) else ids)

    def changes(self) -> tuple[DataChange, ...]:
        return tuple(DataChange(kind, frozenset(ids or ())) for kind, ids in self._changes.items())


def _constant(table: Table, name: str, value: Any, cast_to_type: bool) -> ColumnElement[Any]:
    """A value for every selected row, bound with its column's type (JSON, dates) or NULL.

    PostgreSQL types a bare parameter in a SELECT list as text, so there it is cast to the
    column's type; SQLite would turn ``CAST(… AS JSON)`` into a number, so there it is not.
    """
    if value is None:
        return null().label(name)
    column = table.c[name]
    bound = literal(value, type_=column.type)
    return (cast(bound, column.type) if cast_to_type else bound).label(name)


def _same(value: Any) -> Any:
    return value


def _converter(table: Table, name: str, dialect: Any) -> Callable[[Any], Any]:
    """What the driver needs for a value of column ``name``: JSON as text from the one encoder, a
    date-time as SQLite stores it, everything else as it is (``_same``: nothing to do per row)."""
    column_type = table.c[name].type
    if isinstance(column_type, JSON):
        return _JSON.encode
    process = column_type.dialect_impl(dialect).bind_processor(dialect)  # e.g. SQLite's date-time text
    return process if process is not None else _same


@contextmanager
def begin(db: Database, user_id: int) -> Iterator[Action]:
    """One user action: a transaction, the user's scope, audit, notifications and what changed."""
    with db.transaction() as session:
        act = Action(session, db, user_id)
        yield act
    # Committed: only now may anyone hear about it.
    journal_changes(act.changes())
