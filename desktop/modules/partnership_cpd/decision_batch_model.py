"""Recent partnership decision batches, newest first (C4 undo)."""

from __future__ import annotations

from db.queries.recent_decisions import DecisionBatchRow
from desktop.kit.formatting import moment, state
from desktop.kit.row_table_model import Column, RowTableModel


class DecisionBatchTableModel(RowTableModel[DecisionBatchRow]):
    COLUMNS = (
        Column("When", lambda r: moment(r.decided_at), sort_key=lambda r: r.decided_at),
        Column("By", lambda r: r.decided_by),
        Column("Decision", lambda r: state(r.decision)),
        Column("Activities", lambda r: f"{r.activity_count:,}", sort_key=lambda r: r.activity_count, align_right=True),
        Column("Reason", lambda r: r.reason),
        Column("From", lambda r: r.source),
        Column("Undone", lambda r: moment(r.reverted_at), sort_key=lambda r: r.reverted_at),
    )
