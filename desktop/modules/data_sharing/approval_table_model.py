"""The requests awaiting the user's own decision for their school (D3)."""

from __future__ import annotations

from db.queries.data_sharing import LEVEL_LABELS, ApprovalRow
from desktop.kit.formatting import day
from desktop.kit.row_table_model import Column, RowTableModel


class ApprovalTableModel(RowTableModel[ApprovalRow]):
    COLUMNS = (
        Column("School", lambda r: r.organisation),
        Column("Asks for", lambda r: LEVEL_LABELS[r.level], sort_key=lambda r: int(r.level)),
        Column("Shares now", lambda r: LEVEL_LABELS[r.current_level], sort_key=lambda r: int(r.current_level)),
        Column("Sent to", lambda r: r.sent_to),
        Column("Sent by", lambda r: r.sent_by),
        Column("Sent", lambda r: day(r.sent_at.date()), sort_key=lambda r: r.sent_at),
        Column("Reminders", lambda r: f"{r.reminders}", sort_key=lambda r: r.reminders, align_right=True),
    )
