"""The calendar's two tables: the agenda (a list of the range, day by day) and "who is out".

Both are short by construction: the agenda holds what one view read (``ITEM_LIMIT`` activities at
most, said so above it), and "who is out" a day or a week.  State is always a word in its own
column, and the row's colour only repeats it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QApplication

from db.queries.calendar import ActivityItem, CalendarView, SessionItem
from db.queries.calendar_out import OutOrganisation, OutPerson, WhoIsOut
from desktop.kit.formatting import day, days, state
from desktop.kit.row_table_model import Column, RowTableModel
from desktop.modules.calendar.grid import Item, item_colour, mix

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class AgendaRow:
    on: date  # the day it is listed under: a session's day, an activity's first day (perhaps before the range)
    item: Item


def agenda_rows(view: CalendarView) -> list[AgendaRow]:
    rows = [AgendaRow(s.on_date, s) for s in view.sessions]
    rows += [AgendaRow(a.starts_on, a) for a in view.activities]
    return sorted(rows, key=lambda r: (r.on, isinstance(r.item, ActivityItem), _when(r.item)))


def _when(item: Item) -> str:
    if isinstance(item, SessionItem):
        if item.starts_at is None:
            return "All day"
        return f"{item.starts_at:%H:%M}–{item.ends_at:%H:%M}" if item.ends_at else f"{item.starts_at:%H:%M}"
    if item.starts_on == item.ends_on:
        return "All day"
    return f"{day(item.starts_on)} – {day(item.ends_on)}"


def _state(item: Item) -> str:
    if isinstance(item, SessionItem):
        return "Cancelled" if item.cancelled else "Published" if item.published else "Draft"
    return state(item.state)


def _who(item: Item) -> str:
    return item.organisation if isinstance(item, SessionItem) else f"{item.person} ({item.organisation})"


def _where(item: Item) -> str:
    if isinstance(item, SessionItem):
        return ", ".join(part for part in (item.location, item.online_link) if part)
    return f"{days(item.cover_days)} cover days" if item.cover_days else ""


class _Tinted:
    """Row backgrounds mixed from the palette (dark mode correct), repeating the state column."""

    def tint(self, item: Item) -> Any:
        base = QApplication.palette().color(QPalette.ColorRole.Base)
        pending = isinstance(item, ActivityItem) and item.pending
        return mix(item_colour(item), base, 0.10 if pending else 0.22)


class AgendaModel(_Tinted, RowTableModel[AgendaRow]):
    COLUMNS = (
        Column("Day", lambda r: f"{r.on:%a} {day(r.on)}", sort_key=lambda r: r.on),
        Column("When", lambda r: _when(r.item)),
        Column("Kind", lambda r: "Training event" if isinstance(r.item, SessionItem) else "CPD activity"),
        Column("Title", lambda r: r.item.title),
        Column("Who", lambda r: _who(r.item)),
        Column("State", lambda r: _state(r.item)),
        Column("Where / cover", lambda r: _where(r.item)),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid() and 0 <= index.row() < len(self._rows):
            return self.tint(self._rows[index.row()].item)
        return super().data(index, role)


@dataclass(frozen=True, slots=True)
class OutRow:
    """A heading row for an organisation (``person`` None), or one person's activity under it."""

    organisation: OutOrganisation
    person: OutPerson | None = None


def out_rows(out: WhoIsOut) -> list[OutRow]:
    rows: list[OutRow] = []
    for org in out.organisations:
        rows.append(OutRow(org))
        rows += [OutRow(org, person) for person in org.people]
    return rows


def _heading(org: OutOrganisation) -> str:
    people = len({p.person_id for p in org.people})
    who = "person" if people == 1 else "people"
    return f"{org.organisation}: {people:,} {who} out; their activities ask for {days(org.cover_days)} cover days"


class WhoIsOutModel(_Tinted, RowTableModel[OutRow]):
    COLUMNS = (
        Column("Person", lambda r: _heading(r.organisation) if r.person is None else r.person.person),
        Column("Activity", lambda r: r.person.title if r.person else ""),
        Column("Dates", lambda r: f"{day(r.person.starts_on)} – {day(r.person.ends_on)}" if r.person else ""),
        Column("State", lambda r: state(r.person.state) if r.person else ""),
        Column("Days out", lambda r: str(r.person.days_out) if r.person else "", align_right=True),
        Column("Cover days asked", lambda r: days(r.person.cover_days) if r.person else "", align_right=True),
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.FontRole and row.person is None:
            font = QFont(QApplication.font())
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and row.person is not None:
            return self.tint(_as_activity(row.person))
        return super().data(index, role)


def _as_activity(person: OutPerson) -> ActivityItem:
    """The calendar's item for a person's activity: the colour rule and the route are the same."""
    return ActivityItem(
        person.activity_id, person.person_id, person.person, 0, "", person.title,
        person.starts_on, person.ends_on, person.state, person.cover_days, None,
    )  # fmt: skip


def out_item(row: OutRow) -> ActivityItem | None:
    return _as_activity(row.person) if row.person is not None else None
