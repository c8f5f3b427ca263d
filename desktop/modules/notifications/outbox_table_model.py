"""The outbox, paged from SQL: one row per notification, newest first."""

from __future__ import annotations

from typing import Any, ClassVar

from PySide6.QtGui import QBrush, QColor

from db.queries.outbox import PAGE_SIZE, OutboxRow
from desktop.kit.formatting import moment
from desktop.kit.paged_row_model import PagedRowModel
from desktop.kit.row_table_model import Column

QUEUED, TO, ADDRESS, SUBJECT, STATUS, ATTEMPTS, SENT, OUTCOME = range(8)
PROBLEM_STATES = frozenset({"Failed", "Not sent"})


class OutboxTableModel(PagedRowModel[OutboxRow]):
    PAGE_SIZE: ClassVar[int | None] = PAGE_SIZE
    COLUMNS = (
        Column("Queued", lambda r: moment(r.queued_at)),
        Column("To", lambda r: r.recipient),
        Column("Address", lambda r: r.address, tooltip=lambda r: "This address bounced" if r.bounced else None),
        Column("Subject", lambda r: r.subject, tooltip=lambda r: r.subject),
        Column("Status", lambda r: r.state),
        Column("Attempts", lambda r: str(r.attempts), align_right=True),
        Column("Sent", lambda r: moment(r.sent_at) if r.sent_at else ""),
        Column("Server's answer or reason", lambda r: r.outcome, tooltip=lambda r: r.outcome or None),
    )

    def background(self, row: OutboxRow) -> Any:
        if row.state in PROBLEM_STATES:
            return QBrush(QColor(255, 170, 0, 60))  # translucent: readable in light and dark
        return None
