"""An activity filter in words, one part per condition, so nothing narrows a list unseen.

The Partnership CPD panel turns each part into a chip with a ×; exports and
saved views use the whole sentence (``describe_filter``).  A part's ``key``
names the condition it stands for, and ``without`` removes exactly that
condition — so a drill-through ("starting in November 2026") or a flood fill
("Show its activities") can be seen and undone like any other filter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import select

from db.engine import Database
from db.labels import state_label
from db.models import AcademicPeriod, CompletionState, FloodFillBatch, Organisation, Person, TrainingEvent
from db.queries.activities import ActivityFilter

#: the filter fields each part key stands for (``without`` resets them to "any")
PART_FIELDS: dict[str, tuple[str, ...]] = {
    "period": ("period_id",),
    "organisation": ("organisation_id",),
    "person": ("person_id",),
    "partnership_state": ("partnership_state",),
    "line_manager_state": ("line_manager_state",),
    "cpd_team_state": ("cpd_team_state",),
    "training_event": ("training_event_id",),
    "completion_state": ("completion_state",),
    "without_evaluation": ("without_evaluation",),
    "pending_started": ("pending_started",),
    "starts": ("starts_from", "starts_before"),
    "flood_fill": ("flood_fill_batch_id",),
    "search": ("search",),
}


@dataclass(frozen=True, slots=True)
class FilterNames:
    """What the ids in a filter are called; a missing name falls back to "#id"."""

    period: str | None = None
    organisation: str | None = None
    person: str | None = None
    training_event: str | None = None
    flood_fill: str | None = None


@dataclass(frozen=True, slots=True)
class FilterPart:
    key: str  # a key of PART_FIELDS
    text: str


def _state(value: object) -> str:
    return state_label(value)


def _starts(filt: ActivityFilter) -> str:
    if filt.starts_from and filt.starts_before:
        last = filt.starts_before - timedelta(days=1)
        same_month = (filt.starts_from.year, filt.starts_from.month) == (last.year, last.month)
        if same_month and filt.starts_from.day == 1 and filt.starts_before.day == 1:
            return f"Starting in {filt.starts_from:%B %Y}"
        return f"Starting {filt.starts_from:%d %b %Y} to {last:%d %b %Y}"
    if filt.starts_from:
        return f"Starting from {filt.starts_from:%d %b %Y}"
    return f"Starting before {filt.starts_before:%d %b %Y}"


def filter_parts(filt: ActivityFilter, names: FilterNames = FilterNames()) -> list[FilterPart]:
    """Every condition of ``filt`` in words, in the order the filter bar shows them."""
    parts: list[FilterPart] = []

    def add(key: str, text: str) -> None:
        parts.append(FilterPart(key, text))

    if filt.period_id is not None:
        add("period", f"Period {names.period or f'#{filt.period_id}'}")
    if filt.organisation_id is not None:
        add("organisation", names.organisation or f"Organisation #{filt.organisation_id}")
    if filt.person_id is not None:
        add("person", names.person or f"Individual #{filt.person_id}")
    if filt.partnership_state is not None:
        add("partnership_state", f"Partnership: {_state(filt.partnership_state)}")
    if filt.line_manager_state is not None:
        add("line_manager_state", f"Line manager: {_state(filt.line_manager_state)}")
    if filt.cpd_team_state is not None:
        add("cpd_team_state", f"CPD team: {_state(filt.cpd_team_state)}")
    if filt.training_event_id is not None:
        add("training_event", f"Training event: {names.training_event or f'#{filt.training_event_id}'}")
    if filt.completion_state is not None:
        completed = filt.completion_state is CompletionState.COMPLETED
        add("completion_state", "Completed" if completed else _state(filt.completion_state))
    if filt.without_evaluation:
        add("without_evaluation", "Without an evaluation")
    if filt.pending_started:
        add("pending_started", "Pending and already started")
    if filt.starts_from is not None or filt.starts_before is not None:
        add("starts", _starts(filt))
    if filt.flood_fill_batch_id is not None:
        add("flood_fill", f"Flood fill: {names.flood_fill or f'#{filt.flood_fill_batch_id}'}")
    if filt.search.strip():
        add("search", f"Search “{filt.search.strip()}”")
    return parts


def without(filt: ActivityFilter, key: str) -> ActivityFilter:
    """``filt`` with the condition of one part removed (sort and order kept)."""
    defaults = ActivityFilter()
    return replace(filt, **{name: getattr(defaults, name) for name in PART_FIELDS[key]})


def sentence(parts: list[FilterPart]) -> str:
    return "; ".join(part.text for part in parts) if parts else "All activities"


def filter_names(db: Database, filt: ActivityFilter) -> FilterNames:
    """Looks up the names of the ids ``filt`` holds, in one short read."""
    with db.read() as session:

        def name_of(column, key_column, value):
            return session.scalar(select(column).where(key_column == value)) if value is not None else None

        return FilterNames(
            period=name_of(AcademicPeriod.label, AcademicPeriod.id, filt.period_id),
            organisation=name_of(Organisation.name, Organisation.id, filt.organisation_id),
            person=name_of(Person.first_name + " " + Person.last_name, Person.id, filt.person_id),
            training_event=name_of(TrainingEvent.title, TrainingEvent.id, filt.training_event_id),
            flood_fill=name_of(FloodFillBatch.title, FloodFillBatch.id, filt.flood_fill_batch_id),
        )


def describe_filter(db: Database, filt: ActivityFilter) -> str:
    """The whole filter as one line, e.g. "Period 2026/27; Partnership: Pending; Starting in November 2026"."""
    return sentence(filter_parts(filt, filter_names(db, filt)))
