"""Partnership CPD activities, paged from SQL as the view scrolls (C1, C6).

The model never sorts or filters: a header click emits ``sort_requested`` and
the panel re-queries with ORDER BY; scrolling to the end emits
``more_wanted`` and the panel fetches the next page off the UI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from db.queries.activities import ActivityRow, ActivitySummary
from desktop.formatting import day, days, money, state
from desktop.models.row_table_model import Index, RowRole

COL_INDIVIDUAL = 0
COL_ORGANISATION = 1
COL_TITLE = 2
COL_TYPE = 3
COL_START = 4
COL_END = 5
COL_PERIOD = 6
COL_COST = 7
COL_COVER_DAYS = 8
COL_LINE_MANAGER = 9
COL_CPD_TEAM = 10
COL_PARTNERSHIP = 11
COL_EVENT = 12
COL_CREATED_BY = 13

HEADERS = (
    "Individual",
    "Organisation",
    "Activity",
    "Type",
    "Start",
    "End",
    "Period",
    "Total cost",
    "Cover days",
    "Line manager",
    "CPD team",
    "Partnership",
    "Training event",
    "Created by",
)
# Header column -> the query's sort key (None: not sortable in SQL).
SORT_KEYS: dict[int, str] = {
    COL_INDIVIDUAL: "individual",
    COL_ORGANISATION: "organisation",
    COL_TITLE: "title",
    COL_START: "start",
    COL_COST: "cost",
    COL_PARTNERSHIP: "state",
}
RIGHT_ALIGNED = frozenset({COL_COST, COL_COVER_DAYS})


def _text(row: ActivityRow, column: int) -> str:
    match column:
        case 0:
            return row.individual
        case 1:
            return row.organisation
        case 2:
            return row.title
        case 3:
            return row.activity_type
        case 4:
            return day(row.starts_on)
        case 5:
            return day(row.ends_on)
        case 6:
            return row.period
        case 7:
            return money(row.total_cost_pence)
        case 8:
            return days(row.cover_days)
        case 9:
            return state(row.line_manager_state)
        case 10:
            return state(row.cpd_team_state)
        case 11:
            return state(row.partnership_state)
        case 12:
            return row.training_event or ""
        case 13:
            return row.created_by or ""
    return ""


def cost_breakdown(row: ActivityRow) -> str:
    return (
        f"Course fee {money(row.course_fee_pence)}\nCover/supply {money(row.cover_cost_pence)}\n"
        f"Travel {money(row.travel_cost_pence)}\nOther {money(row.other_cost_pence)}"
    )


class ActivityTableModel(QAbstractTableModel):
    more_wanted = Signal(int)  # offset of the next page
    sort_requested = Signal(str, bool)  # sort key, descending

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ActivityRow] = []
        self._total = 0
        self._fetching = False

    # -- feeding -------------------------------------------------------------
    def reset(self, summary: ActivitySummary, rows: Sequence[ActivityRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._total = summary.count
        self._fetching = False
        self.endResetModel()

    def append(self, offset: int, rows: Sequence[ActivityRow]) -> None:
        """Add a fetched page; a page for an older offset (a stale reply) is ignored."""
        self._fetching = False
        if offset != len(self._rows) or not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def fetch_failed(self) -> None:
        self._fetching = False

    @property
    def total(self) -> int:
        return self._total

    @property
    def loaded(self) -> int:
        return len(self._rows)

    def row_at(self, row: int) -> ActivityRow:
        return self._rows[row]

    # -- Qt interface --------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetching = True
            self.more_wanted.emit(len(self._rows))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        if horizontal and role == Qt.ItemDataRole.ToolTipRole and section not in SORT_KEYS:
            return "This column cannot be sorted."
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in RIGHT_ALIGNED:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_COST:
                return cost_breakdown(row)
            if column == COL_TITLE:
                return f"{row.title}\n{row.provider}" if row.provider else row.title
        if role == RowRole:
            return row
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is not None:
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)
