"""The audit log, paged from SQL as the view scrolls (A2), one sentence per entry.

Newest first, never sorted or filtered here: the viewer re-queries with the
filter, and scrolling to the end emits ``more_wanted`` for the next page. The
sentences and local times come from db.audit_text, so every place that shows
the log says the same thing.
"""

from __future__ import annotations

from db.audit_text import local_time, sentence
from db.queries.audit import AuditRow
from desktop.kit.paged_row_model import PagedRowModel
from desktop.kit.row_table_model import Column


def what_happened(row: AuditRow) -> str:
    """The sentence; the database login, when it is not the user's own, is in the viewer's detail pane."""
    return sentence(row)


class AuditTableModel(PagedRowModel[AuditRow]):
    """Paging, ``more_wanted`` and stale-reply handling come from PagedRowModel."""

    COLUMNS = (
        Column("When (UK time)", lambda r: local_time(r.at)),
        Column("What happened", what_happened, tooltip=what_happened),
    )
