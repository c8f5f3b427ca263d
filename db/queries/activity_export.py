"""Every activity matching a filter, streamed for an export.

The panel pages through rows; an export needs all of them, possibly hundreds
of thousands.  They are read with a server-side cursor (``yield_per``) in one
read transaction, so memory stays flat and the workbook is one consistent
snapshot: the versions written into it are the versions the import checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, func, or_, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute, Session

from db.engine import Database
from db.errors import NotFound, ValidationError
from db.models import AcademicPeriod, AppUser, CpdActivity, Organisation, PartnershipState, Person, TrainingEvent
from db.queries.activities import (
    SORT_COLUMNS,
    ActivityFilter,
    ActivityRow,
    _conditions,
    _creator_person,
    _row_select,
    sort_order,
)
from db.scope import Scope, scope_for

BATCH = 5000


def count_activities(session: Session, scope: Scope, filt: ActivityFilter) -> int:
    return int(session.scalar(select(func.count()).where(and_(*_conditions(filt, scope)))) or 0)


def iter_activities_in(
    session: Session, scope: Scope, filt: ActivityFilter, batch: int = BATCH
) -> Iterator[ActivityRow]:
    """The filter's rows in the panel's order, ``batch`` rows fetched at a time."""
    order = sort_order(filt)
    query = _row_select().where(and_(*_conditions(filt, scope))).order_by(*order)
    result = session.execute(query, execution_options={"yield_per": batch})
    for partition in result.partitions():
        for row in partition:
            yield ActivityRow(*row)


def iter_export_values_in(session: Session, scope: Scope, filt: ActivityFilter, batch: int = BATCH) -> Iterator[tuple]:
    """The same rows as ``iter_activities_in`` as plain rows of values (in ``columns`` order), for the workbook writer.

    Why not ``ActivityRow``: at 200,000 rows, converting two dates and four
    enums per row in SQLAlchemy's result processors and building a dataclass
    took longer than writing the rows.  Here dates come back as the driver
    gives them (an ISO string from SQLite, a ``date`` from PostgreSQL) and
    states as their stored values; the writer converts them cheaply.
    """
    order = sort_order(filt)
    a = CpdActivity
    columns = [
        a.id,
        a.version,
        (Person.first_name + " " + Person.last_name),
        Organisation.name,
        a.title,
        a.activity_type,
        a.provider,
        type_coerce(a.starts_on, String),
        type_coerce(a.ends_on, String),
        AcademicPeriod.label,
        a.course_fee_pence,
        a.cover_cost_pence,
        a.travel_cost_pence + a.other_cost_pence,
        a.total_cost_pence,
        a.cover_days,
        type_coerce(a.line_manager_state, String),
        type_coerce(a.cpd_team_state, String),
        type_coerce(a.partnership_state, String),
        type_coerce(a.completion_state, String),
        TrainingEvent.title,
        (_creator_person.first_name + " " + _creator_person.last_name),
    ]
    query = _row_select().with_only_columns(*columns).where(and_(*_conditions(filt, scope))).order_by(*order)
    result = session.execute(query, execution_options={"yield_per": batch})
    for partition in result.partitions():
        # Rows go out as they are: a Row is a tuple-like sequence the writer indexes, and copying
        # 200,000 of them into tuples would cost time for nothing.
        yield from partition  # type: ignore[misc]  # Rows, indexed like the tuples declared


def iter_activities(db: Database, user_id: int, filt: ActivityFilter, batch: int = BATCH) -> Iterator[ActivityRow]:
    """Stand-alone stream (holds one read session open until exhausted or closed)."""
    with db.read() as session:
        yield from iter_activities_in(session, scope_for(session, user_id), filt, batch)


@dataclass(frozen=True, slots=True)
class FilterDescription:
    """A filter in words, for the workbook's Notes sheet and the CLI."""

    lines: tuple[tuple[str, str], ...]

    def __str__(self) -> str:
        return "; ".join(f"{name}: {value}" for name, value in self.lines)


def describe_filter(session: Session, filt: ActivityFilter) -> FilterDescription:
    def label(model: type[Any], column: InstrumentedAttribute[Any], key: int | None) -> str:
        if key is None:
            return "any"
        found = session.scalar(select(column).where(model.id == key))
        return str(found) if found is not None else f"#{key} (no longer exists)"

    lines = [
        ("Academic period", label(AcademicPeriod, AcademicPeriod.label, filt.period_id)),
        ("Organisation", label(Organisation, Organisation.name, filt.organisation_id)),
        ("Partnership authorisation", filt.partnership_state.value if filt.partnership_state else "any"),
        ("Line-manager agreement", filt.line_manager_state.value if filt.line_manager_state else "any"),
        ("CPD-team approval", filt.cpd_team_state.value if filt.cpd_team_state else "any"),
        ("Training event", label(TrainingEvent, TrainingEvent.title, filt.training_event_id)),
        ("Individual", f"one person (#{filt.person_id})" if filt.person_id is not None else "any"),
        ("Search", f"“{filt.search.strip()}”" if filt.search.strip() else "none"),
        ("Sorted by", f"{filt.sort}, {'descending' if filt.descending else 'ascending'}"),
    ]
    return FilterDescription(tuple(lines))


def user_id_named(db: Database, username: str) -> int:
    """The active app user called ``username`` (for ``--as`` on the command line)."""
    with db.read() as session:
        found = session.scalar(select(AppUser.id).where(AppUser.username == username, AppUser.active.is_(True)))
    if found is None:
        raise NotFound(f"There is no active TrustDesk user called “{username}” in {db.display}.")
    return found


def filter_from_options(
    db: Database,
    *,
    period: str | None = None,
    organisation: str | None = None,
    state: str | None = None,
    search: str = "",
    sort: str = "start",
    descending: bool = True,
) -> ActivityFilter:
    """Build a filter from command-line words: ``2025/26``, a URN (or exact name), ``pending``."""
    with db.read() as session:
        period_id = None
        if period:
            period_id = session.scalar(select(AcademicPeriod.id).where(AcademicPeriod.label == period))
            if period_id is None:
                known = ", ".join(session.scalars(select(AcademicPeriod.label).order_by(AcademicPeriod.starts_on)))
                raise ValidationError(f"There is no academic period “{period}” (known: {known or 'none'}).")
        organisation_id = None
        if organisation:
            organisation_id = session.scalar(
                select(Organisation.id).where(or_(Organisation.urn == organisation, Organisation.name == organisation))
            )
            if organisation_id is None:
                raise ValidationError(f"No organisation has the URN or name “{organisation}”.")
    partnership_state = None
    if state:
        try:
            partnership_state = PartnershipState(state.replace("-", "_"))
        except ValueError:
            choices = ", ".join(s.value for s in PartnershipState)
            raise ValidationError(f"“{state}” is not a partnership state (choose from {choices}).") from None
    if sort not in SORT_COLUMNS:
        raise ValidationError(f"Cannot sort by “{sort}” (choose from {', '.join(SORT_COLUMNS)}).")
    return ActivityFilter(
        period_id=period_id,
        organisation_id=organisation_id,
        partnership_state=partnership_state,
        search=search,
        sort=sort,
        descending=descending,
    )
