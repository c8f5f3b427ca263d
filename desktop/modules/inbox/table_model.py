"""The rows of one group of My inbox: requests (or data sharing requests) awaiting the user's decision."""

from __future__ import annotations

from db.queries.inbox import InboxItem
from desktop.kit.formatting import day, money
from desktop.kit.row_table_model import Column, RowTableModel

TITLE, WHO, ORGANISATION, WHEN, COST, NOTE = range(6)


class InboxTableModel(RowTableModel[InboxItem]):
    COLUMNS = (
        Column("Request", lambda r: r.title),
        Column("For", lambda r: r.who),
        Column("Organisation", lambda r: r.organisation),
        Column(
            "Starts / sent",
            lambda r: day(r.starts_on) if r.starts_on else day(r.sent_at.date()) if r.sent_at else "",
            sort_key=lambda r: r.starts_on or (r.sent_at.date() if r.sent_at else None),
        ),
        Column("Cost", lambda r: money(r.cost_pence) if r.starts_on else "", sort_key=lambda r: r.cost_pence,
               align_right=True),
        Column("Layers below", lambda r: r.note, tooltip=lambda r: r.note or None),
    )  # fmt: skip
