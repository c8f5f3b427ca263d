"""The panel's and the report's tables: sorting the user asked for, and columns that fit what they show.

Tables keep the query's order until the user clicks a column header, and keep theirs across reloads.

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


def grow_columns(view: QTableView, maximum: int) -> None:
    """Widen columns (never narrow them) to fit what the rows show now, up to ``maximum`` pixels.

    Sized once from the first rows, a later longer value (another user's grants, a deactivated
    user's name) was cut short; a column the user narrowed by hand is widened only by new content.
    """
    header = view.horizontalHeader()
    for column in range(header.count()):
        if column == header.count() - 1 and header.stretchLastSection():
            continue
        before = header.sectionSize(column)
        view.resizeColumnToContents(column)
        header.resizeSection(column, min(max(before, header.sectionSize(column)), max(before, maximum)))
