"""Tables that keep the query's order until the user clicks a column header, and keep theirs across reloads.

``QTableView.setSortingEnabled`` sorts at once by its default indicator (the
first column, descending), which turned the query's A–Z order into Z–A; and a
reload (a model reset) forgets a sort the user asked for.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

_ASKED = "trustdeskSortedByUser"


def query_order_until_asked(table: QTableView) -> None:
    """No sort indicator (the rows stay in the query's order) until the user clicks a header."""
    header = table.horizontalHeader()
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    header.sortIndicatorChanged.connect(lambda *_: table.setProperty(_ASKED, True))


def keep_users_sort(table: QTableView) -> None:
    """After a reload: sort again as the user last asked, if they did."""
    header = table.horizontalHeader()
    if table.property(_ASKED) and header.sortIndicatorSection() >= 0:
        table.model().sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
