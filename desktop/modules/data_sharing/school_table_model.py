"""The schools of one Data sharing tab, each with a tick for the bulk actions (D1, D2, D4)."""

from __future__ import annotations

from collections.abc import Hashable

from db.queries.data_sharing import LEVEL_LABELS, SchoolSharingRow
from desktop.kit.formatting import day, moment
from desktop.kit.row_table_model import Column
from desktop.modules.data_sharing.tickable_model import TickableRowModel

#: column titles, for hiding the ones a tab does not need
SCHOOL, URN, LEVEL, REQUESTED, SENT_TO, SENT, REMINDERS, LAST_REMINDED, APPROVED, NOTE = range(10)


class SchoolTableModel(TickableRowModel[SchoolSharingRow]):
    COLUMNS = (
        Column("School", lambda r: r.name),
        Column("URN", lambda r: r.urn or ""),
        Column("Level", lambda r: LEVEL_LABELS[r.level], sort_key=lambda r: int(r.level)),
        Column(
            "Requested",
            lambda r: LEVEL_LABELS[r.requested_level] if r.requested_level is not None else "",
            sort_key=lambda r: int(r.requested_level or 0),
        ),
        Column("Sent to", lambda r: r.sent_to, tooltip=lambda r: r.sent_to or None),
        Column("Sent", lambda r: day(r.sent_at.date()) if r.sent_at else "", sort_key=lambda r: r.sent_at),
        Column(
            "Reminders",
            lambda r: f"{r.reminders}" if r.sent_at else "",
            sort_key=lambda r: r.reminders,
            align_right=True,
        ),
        Column("Last reminder", lambda r: moment(r.last_reminded), sort_key=lambda r: r.last_reminded),
        Column(
            "Approved",
            lambda r: f"{day(r.approved_at.date())} by {r.approved_by or '?'}" if r.approved_at else "",
            sort_key=lambda r: r.approved_at,
        ),
        Column("Note", lambda r: r.note, tooltip=lambda r: r.note or None),
    )

    #: only those who send requests tick schools; a school's head just reads the lists
    ticks_enabled = True

    def key(self, row: SchoolSharingRow) -> Hashable:
        return row.organisation_id

    def tickable(self, row: SchoolSharingRow) -> bool:
        return self.ticks_enabled
