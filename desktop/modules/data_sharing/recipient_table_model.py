"""Who a request can go to at the ticked schools (D1): ticked by role, never someone without an e-mail address."""

from __future__ import annotations

from collections.abc import Hashable

from db.queries.data_sharing import ROLE_LABELS, Candidate
from desktop.kit.row_table_model import Column
from desktop.modules.data_sharing.tickable_model import TickableRowModel

NO_EMAIL = "no e-mail address: add it as a contact"


class RecipientTableModel(TickableRowModel[Candidate]):
    COLUMNS = (
        Column("Name", lambda r: r.name),
        Column("Role", lambda r: ROLE_LABELS[r.role]),
        Column("School", lambda r: r.organisation),
        Column("E-mail", lambda r: r.email or NO_EMAIL),
        Column("From", lambda r: r.source),
    )

    def key(self, row: Candidate) -> Hashable:
        return row.key

    def tickable(self, row: Candidate) -> bool:
        return bool(row.email)
