"""Declarative base shared by every table.

The naming convention gives every constraint a stable name, which Alembic
needs to alter SQLite tables in batch mode and to compare schemas reliably.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import DateTime, Enum, Integer, MetaData
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """Timestamps are stored in UTC; the UI converts to local time for display."""
    return datetime.now(UTC).replace(tzinfo=None)


def enum_column(enum_cls: type[enum.Enum], length: int = 24) -> Enum:
    """Store a Python enum by its value as a short string (readable in SQL, portable)."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
        create_constraint=False,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: DateTime()}


def partial_on_postgresql(metadata: MetaData) -> None:
    """Give PostgreSQL the condition of every partial index declared for SQLite (``sqlite_where``).

    The models declare a partial index once, for SQLite: naming ``postgresql_where`` in the
    declaration makes SQLAlchemy import its whole PostgreSQL dialect to check the word (about 50 ms
    of every start, also on SQLite).  A PostgreSQL engine calls this when it is made, with that
    dialect loaded anyway.  The migrations create the indexes with their own conditions; this keeps
    the models' description of them true on both engines (``tests/test_migrations.py`` compares).
    """
    for table in metadata.tables.values():
        for index in table.indexes:
            where = index.dialect_options["sqlite"]["where"]
            if where is not None:
                index.dialect_options["postgresql"]["where"] = where


class Versioned:
    """Rows that people edit carry a version counter (optimistic locking, DESIGN §3).

    SQLAlchemy increments it on every ORM flush and adds it to the UPDATE's
    WHERE clause; bulk services compare and bump it themselves.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}
