"""The tables of an event's Bookings and Register tabs: opt-ins, bookings, and the register's ticks."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from db.queries.training_bookings import BookingRow, OptInRow, RegisterRow
from db.queries.training_impact import ImpactComment
from desktop.kit.formatting import moment, state
from desktop.kit.row_table_model import Column, Index, RowTableModel


class OptInTableModel(RowTableModel[OptInRow]):
    COLUMNS = (
        Column("Organisation", lambda r: r.organisation),
        Column("Phase", lambda r: r.phase),
        Column("Opted in", lambda r: "Yes" if r.opted_in else "No", sort_key=lambda r: r.opted_in),
        Column("Booked", lambda r: f"{r.booked:,}", sort_key=lambda r: r.booked, align_right=True),
        Column("Waiting", lambda r: f"{r.waiting:,}", sort_key=lambda r: r.waiting, align_right=True),
        Column("When", lambda r: moment(r.opted_in_at), sort_key=lambda r: r.opted_in_at),
        Column("By", lambda r: r.opted_in_by),
    )


class BookingTableModel(RowTableModel[BookingRow]):
    """Booked places (or, with ``waiting``, the waiting list with each person's turn)."""

    COLUMNS = (
        Column("Name", lambda r: r.person),
        Column("Organisation", lambda r: r.organisation),
        Column("Role", lambda r: r.role),
        Column("Booked", lambda r: moment(r.queued_at), sort_key=lambda r: (r.queued_at, r.id)),
        Column("Booked by", lambda r: r.booked_by),
        Column(
            "Authorisation",
            lambda r: state(r.authorisation) if r.authorisation else "",
            tooltip=lambda r: None if r.activity_id is None else f"CPD activity #{r.activity_id}",
        ),
    )


class WaitingTableModel(RowTableModel[BookingRow]):
    COLUMNS = (
        Column("Turn", lambda r: f"{r.position or ''}", sort_key=lambda r: r.position or 0, align_right=True),
        Column("Name", lambda r: r.person),
        Column("Organisation", lambda r: r.organisation),
        Column("Role", lambda r: r.role),
        Column("Asked", lambda r: moment(r.queued_at), sort_key=lambda r: (r.queued_at, r.id)),
        Column("Booked by", lambda r: r.booked_by),
    )


#: the register's column holding the tick
PRESENT = 0


class RegisterTableModel(RowTableModel[RegisterRow]):
    """One session's register: a tick per booked person (ticked: present), kept in the model until saved.

    A person with no mark for the session yet starts ticked: a register marks the absent.
    """

    COLUMNS = (
        Column("Present", lambda r: ""),
        Column("Name", lambda r: r.person),
        Column("Organisation", lambda r: r.organisation),
        Column("Role", lambda r: r.role),
        Column(
            "Recorded",
            lambda r: "—" if r.attended is None else ("Present" if r.attended else "Absent"),
            sort_key=lambda r: -1 if r.attended is None else int(r.attended),
        ),
        Column("Activity", lambda r: state(r.completion) if r.completion else ""),
    )

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._present: dict[int, bool] = {}

    def set_rows(self, rows: Any) -> None:
        self._present = {row.booking_id: row.attended is not False for row in rows}
        super().set_rows(rows)

    @property
    def marks(self) -> dict[int, bool]:
        """Booking id → present, for every row (what Save records)."""
        return dict(self._present)

    @property
    def changed(self) -> int:
        return sum(1 for row in self._rows if row.attended is None or row.attended != self._present[row.booking_id])

    def mark_all(self, present: bool) -> None:
        self._present = dict.fromkeys(self._present, present)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, PRESENT), self.index(len(self._rows) - 1, PRESENT), [Qt.ItemDataRole.CheckStateRole]
            )

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == PRESENT:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid() and index.column() == PRESENT:
            if not 0 <= index.row() < len(self._rows):
                return None
            present = self._present.get(self._rows[index.row()].booking_id, True)
            return Qt.CheckState.Checked if present else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != PRESENT:
            return False
        self._present[self._rows[index.row()].booking_id] = Qt.CheckState(value) == Qt.CheckState.Checked
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True


class CommentTableModel(RowTableModel[ImpactComment]):
    COLUMNS = (
        Column("Organisation", lambda r: r.organisation),
        Column("Rating", lambda r: "" if r.rating is None else f"{r.rating}/5", sort_key=lambda r: r.rating or 0),
        Column("Hours", lambda r: "" if r.hours is None else f"{r.hours:g}", sort_key=lambda r: r.hours or 0),
        Column("Impact", lambda r: r.impact, tooltip=lambda r: r.impact or None),
        Column("Change in practice", lambda r: r.practice_change, tooltip=lambda r: r.practice_change or None),
    )
