"""Every activity matching a filter, streamed for an export.

The panel pages through rows; an export needs all of them, possibly hundreds
of thousands.  They are read with a server-side cursor (``yield_per``) in one
read transaction, so memory stays flat and the workbook is one consistent
snapshot: the versions written into it are the versions the import checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import AcademicPeriod, CpdActivity, Organisation, TrainingEvent
from db.queries.activities import SORT_COLUMNS, ActivityFilter, ActivityRow, _conditions, _row_select
from db.scope import Scope, scope_for

BATCH = 5000


def count_activities(session: Session, scope: Scope, filt: ActivityFilter) -> int:
    return int(session.scalar(select(func.count()).where(and_(*_conditions(filt, scope)))) or 0)


def iter_activities_in(
    session: Session, scope: Scope, filt: ActivityFilter, batch: int = BATCH
) -> Iterator[ActivityRow]:
    """The filter's rows in the panel's order, ``batch`` rows fetched at a time."""
    key = SORT_COLUMNS.get(filt.sort, CpdActivity.starts_on)
    order = [key.desc(), CpdActivity.id.desc()] if filt.descending else [key.asc(), CpdActivity.id.asc()]
    query = _row_select().where(and_(*_conditions(filt, scope))).order_by(*order)
    result = session.execute(query, execution_options={"yield_per": batch})
    for partition in result.partitions():
        for row in partition:
            yield ActivityRow(*row)


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
    def label(model: type, column: object, key: int | None) -> str:
        if key is None:
            return "any"
        found = session.scalar(select(column).where(model.id == key))  # type: ignore[attr-defined]
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
