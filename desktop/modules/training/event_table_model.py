"""The events list: one row per event, paged from SQL as the list scrolls."""

from __future__ import annotations

from db.queries.training_events import PAGE_SIZE, STATUS_LABELS, EventRow
from desktop.kit.formatting import day, money
from desktop.kit.paged_row_model import PagedRowModel
from desktop.kit.row_table_model import Column

TITLE, ORGANISATION, STARTS, ENDS, SESSIONS, TYPE, PROVIDER, PLACES, BOOKED, WAITING, FREE, COST, STATUS = range(13)


def places_text(places: int | None) -> str:
    return "No limit" if places is None else f"{places:,}"


def free_text(row: EventRow) -> str:
    return "—" if row.free is None else f"{row.free:,}"


class EventTableModel(PagedRowModel[EventRow]):
    PAGE_SIZE = PAGE_SIZE
    COLUMNS = (
        Column("Event", lambda r: r.title, tooltip=lambda r: r.title),
        Column("Run by", lambda r: r.organisation),
        Column("Starts", lambda r: day(r.starts_on)),
        Column("Ends", lambda r: day(r.ends_on)),
        Column("Sessions", lambda r: f"{r.sessions}", align_right=True),
        Column("Type", lambda r: r.activity_type),
        Column("Provider", lambda r: r.provider),
        Column("Places", lambda r: places_text(r.places), align_right=True),
        Column("Booked", lambda r: f"{r.booked:,}", align_right=True),
        Column("Waiting", lambda r: f"{r.waiting:,}", align_right=True),
        Column("Free", free_text, align_right=True),
        Column("Cost per place", lambda r: money(r.cost_pence), align_right=True),
        Column("Status", lambda r: STATUS_LABELS[r.status]),
    )
