"""Partnership CPD activities, paged from SQL as the view scrolls (C1, C4, C6).

The model never sorts or filters: a header click emits ``sort_requested`` and
the panel re-queries with ORDER BY; scrolling to the end emits
``more_wanted`` and the panel fetches the next page off the UI thread.

Ticks are ids, not rows (``TickSet``): "tick all N matching" holds a filter,
not 200,000 loaded rows, and ticks survive paging.

A row the user may not decide (their own request, outside their scope, a school
not sharing group actions: ``DecideRules``) shows a dash instead of a checkbox,
with the reason as its tooltip, and no way of ticking it takes it.  (A disabled
checkbox looked just like an enabled one in the light theme.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal

from db.queries.activities import PAGE_SIZE, ActivityRow, ActivitySummary
from db.queries.decidability import DecideRules
from db.queries.ticked_matching import MatchingTicks
from desktop.kit.formatting import day, days, money, state
from desktop.kit.paged_row_model import PagedRowModel
from desktop.kit.row_table_model import Index, RowRole
from desktop.modules.partnership_cpd.tick_set import TickSet

# The decision columns sit beside the name and activity, so that a laptop screen shows them
# without scrolling sideways (desktop/modules/partnership_cpd/columns.py gives the default widths and hidden columns).
COL_CHECK = 0
COL_INDIVIDUAL = 1
COL_TITLE = 2
COL_LINE_MANAGER = 3
COL_CPD_TEAM = 4
COL_PARTNERSHIP = 5
COL_START = 6
COL_COST = 7
COL_ORGANISATION = 8
COL_END = 9
COL_PERIOD = 10
COL_TYPE = 11
COL_COVER_DAYS = 12
COL_EVENT = 13
COL_MODULE = 14
COL_CREATED_BY = 15
COL_COURSE_FEE = 16
COL_COVER_COST = 17
COL_TRAVEL = 18
COL_OTHER = 19

HEADERS = (
    "",
    "Individual",
    "Activity",
    "Line manager",
    "CPD team",
    "Partnership",
    "Start",
    "Total cost",
    "Organisation",
    "End",
    "Period",
    "Type",
    "Cover days",
    "Training event",
    "Learning module",
    "Created by",
    "Course fee",
    "Cover/supply",
    "Travel",
    "Other costs",
)
#: shown only when the user picks them from the header's menu
OPTIONAL_COLUMNS = (
    COL_TYPE,
    COL_COVER_DAYS,
    COL_EVENT,
    COL_MODULE,
    COL_CREATED_BY,
    COL_COURSE_FEE,
    COL_COVER_COST,
    COL_TRAVEL,
    COL_OTHER,
)
# Header column -> the query's sort key, sorted in SQL: every column but the checkbox, training event,
# learning module and created by (their first page would sort a whole period: db.queries.activities).
SORT_KEYS: dict[int, str] = {
    COL_INDIVIDUAL: "individual",
    COL_TITLE: "title",
    COL_LINE_MANAGER: "line_manager",
    COL_CPD_TEAM: "cpd_team",
    COL_PARTNERSHIP: "state",
    COL_START: "start",
    COL_COST: "cost",
    COL_ORGANISATION: "organisation",
    COL_END: "end",
    COL_PERIOD: "period",
    COL_TYPE: "type",
    COL_COVER_DAYS: "cover_days",
    COL_COURSE_FEE: "course_fee",
    COL_COVER_COST: "cover_cost",
    COL_TRAVEL: "travel",
    COL_OTHER: "other",
}
#: text that may be longer than its column: the tooltip shows it whole
ELIDED_COLUMNS = frozenset({COL_INDIVIDUAL, COL_ORGANISATION, COL_TYPE, COL_EVENT, COL_MODULE, COL_CREATED_BY})
RIGHT_ALIGNED = frozenset({COL_COST, COL_COVER_DAYS, COL_COURSE_FEE, COL_COVER_COST, COL_TRAVEL, COL_OTHER})

# A view asks data() for about ten roles per visible cell on every paint, most of which this
# model does not answer; looking them up once here keeps a repaint of the page cheap.
_DISPLAY = Qt.ItemDataRole.DisplayRole
_CHECK_STATE = Qt.ItemDataRole.CheckStateRole
_ALIGNMENT = Qt.ItemDataRole.TextAlignmentRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ANSWERED_ROLES = frozenset({_DISPLAY, _CHECK_STATE, _ALIGNMENT, _TOOLTIP, RowRole})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_CHECK_FLAGS = _CELL_FLAGS | Qt.ItemFlag.ItemIsUserCheckable
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
NOT_YOURS_MARK = "–"  # in the checkbox column of a row the user may not decide


_CELL_TEXT = {
    COL_INDIVIDUAL: lambda row: row.individual,
    COL_TITLE: lambda row: row.title,
    COL_LINE_MANAGER: lambda row: state(row.line_manager_state),
    COL_CPD_TEAM: lambda row: state(row.cpd_team_state),
    COL_PARTNERSHIP: lambda row: state(row.partnership_state),
    COL_START: lambda row: day(row.starts_on),
    COL_COST: lambda row: money(row.total_cost_pence),
    COL_ORGANISATION: lambda row: row.organisation,
    COL_END: lambda row: day(row.ends_on),
    COL_PERIOD: lambda row: row.period,
    COL_TYPE: lambda row: row.activity_type,
    COL_COVER_DAYS: lambda row: days(row.cover_days),
    COL_EVENT: lambda row: row.training_event or "",
    COL_MODULE: lambda row: row.learning_module or "",
    COL_CREATED_BY: lambda row: row.created_by or "",
    COL_COURSE_FEE: lambda row: money(row.course_fee_pence),
    COL_COVER_COST: lambda row: money(row.cover_cost_pence),
    COL_TRAVEL: lambda row: money(row.travel_cost_pence),
    COL_OTHER: lambda row: money(row.other_cost_pence),
}


def _text(row: ActivityRow, column: int) -> str:
    text_of = _CELL_TEXT.get(column)
    return text_of(row) if text_of is not None else ""


def _texts(row: ActivityRow) -> tuple[str, ...]:
    """Every column's text of one row, worked out once: a repaint asks for each visible cell again."""
    return tuple(_text(row, column) for column in range(len(HEADERS)))


def cost_breakdown(row: ActivityRow) -> str:
    return (
        f"Course fee {money(row.course_fee_pence)}\nCover/supply {money(row.cover_cost_pence)}\n"
        f"Travel {money(row.travel_cost_pence)}\nOther {money(row.other_cost_pence)}"
    )


#: what an action on the ticked rows says in the moment after "tick all" before their versions are in
READING_TICKS = "Still reading the ticked activities; try again in a moment."


class ActivityTableModel(PagedRowModel[ActivityRow]):
    """Paging (``more_wanted``, stale replies, a count that arrives late) comes from PagedRowModel;
    columns, ticks and sorting are this model's own."""

    PAGE_SIZE = PAGE_SIZE
    sort_requested = Signal(str, bool)  # sort key, descending
    ticks_changed = Signal()
    all_versions_read = Signal(object)  # "tick all"'s id → version, once read (``versions_read``)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._ticks = TickSet()
        self._checkable = True
        self._rules = DecideRules()
        self._everyone = True  # until rules arrive (and in tests feeding rows alone) every row is decidable
        self.anchor = -1  # the row last ticked or unticked on its own: where a shift-click range starts
        #: per loaded row, its cells' text and why it may not be decided, filled in as rows are painted
        self._texts: dict[int, tuple[str, ...]] = {}
        self._why: dict[int, str | None] = {}

    # -- ticks (C4) ----------------------------------------------------------
    def set_checkable(self, checkable: bool) -> None:
        """A user who may only view and comment gets no checkboxes at all."""
        self._checkable = checkable
        self._why = {}
        if not checkable:
            self.clear_ticks()

    @property
    def checkable(self) -> bool:
        return self._checkable

    def set_rules(self, rules: DecideRules) -> None:
        """Which rows this user may decide; ticks on rows they may not are dropped."""
        self._rules, self._everyone = rules, False
        self._why = {}
        for row, activity in enumerate(self._rows):
            if self._ticks.has(activity.id) and self.why_not_decidable(row) is not None:
                self._ticks.drop(activity.id, decidable=False)
        self._emit_check_column()

    def why_not_decidable(self, row: int) -> str | None:
        """None when row ``row`` may be ticked; otherwise why not ("your own request", …)."""
        if not self._checkable:
            return "you may view but not decide partnership CPD"
        if self._everyone or not 0 <= row < len(self._rows):
            return None
        if row in self._why:
            return self._why[row]
        activity = self._rows[row]
        why = self._why[row] = self._rules.why_not(activity.organisation_id, activity.person_id, activity.job_id)
        return why

    def decidable_loaded(self) -> int:
        return sum(1 for row in range(len(self._rows)) if self.why_not_decidable(row) is None)

    @property
    def ticked(self) -> dict[int, int]:
        """Activity id → the version the user saw when ticking it (a copy: after "tick all", of every row;
        ask ``reading_ticks`` first: while they are read, "tick all"'s versions are not known yet)."""
        return self._ticks.versions()

    @property
    def reading_ticks(self) -> bool:
        """True between "tick all" and its rows' versions arriving (``all_versions_read``)."""
        return self._ticks.reading

    def selection(self) -> dict[int, int] | MatchingTicks:
        """What is ticked, for a decision (``TickSet.selection``)."""
        return self._ticks.selection()

    @property
    def ticked_count(self) -> int:
        return self._ticks.count

    def is_ticked(self, row: int) -> bool:
        return self._ticks.has(self._rows[row].id)

    def set_ticked(self, row: int, ticked: bool) -> None:
        if not self._checkable or not 0 <= row < len(self._rows):
            return
        activity = self._rows[row]
        if ticked and self.why_not_decidable(row) is not None:
            return
        if ticked:
            self._ticks.take(activity.id, activity.version)
        else:
            self._ticks.drop(activity.id, decidable=self.why_not_decidable(row) is None)
        self.anchor = row
        index = self.index(row, COL_CHECK)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self._ticks_changed()

    def toggle(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.set_ticked(row, not self.is_ticked(row))

    def tick_page(self, ticked: bool = True) -> None:
        """Tick (or untick) every loaded row the user may decide, with one change signal."""
        self.tick_range(0, len(self._rows) - 1, ticked)

    def tick_range(self, first: int, last: int, ticked: bool = True) -> None:
        """Tick or untick rows ``first``..``last`` (either order; shift-click), skipping undecidable ones."""
        if not self._checkable or not self._rows:
            return
        first, last = sorted((max(0, first), min(last, len(self._rows) - 1)))
        for row in range(first, last + 1):
            activity = self._rows[row]
            if not ticked:
                self._ticks.drop(activity.id, decidable=self.why_not_decidable(row) is None)
            elif self.why_not_decidable(row) is None:
                self._ticks.take(activity.id, activity.version)
        self._emit_check_column()

    def tick_all(
        self, versions: Mapping[int, int] | None, filt: Any = None, ceiling: int | None = None, expected: int = 0
    ) -> None:
        """Tick every row matching ``filt``, loaded or not (id → version from SQL). The mapping is kept
        as it is, not copied: the window's thread never walks 200,000 entries.  ``None``: the versions
        are still being read (``versions_read`` brings them); meanwhile the rows up to ``ceiling`` the
        user may decide are ticked, ``expected`` of them."""
        if not self._checkable:
            return
        self._ticks.tick_all(versions, filt, ceiling, expected)
        self._emit_check_column()

    def versions_read(self, versions: Mapping[int, int], filt: Any, ceiling: int | None) -> bool:
        """The versions of the "tick all" still being read, if these are its (same filter and highest id):
        the rows unticked meanwhile that they do not hold are no longer counted off.  False otherwise
        (the ticks changed since: the versions are of nothing ticked)."""
        if not self._ticks.versions_read(versions, filt, ceiling):
            return False
        self._emit_check_column()
        self.all_versions_read.emit(versions)
        return True

    def untick(self, ids: Iterable[int]) -> None:
        """Untick these activities (left out of a sign-off), with one change signal."""
        for activity_id in ids:
            self._ticks.drop(activity_id)
        self._emit_check_column()

    def clear_ticks(self) -> None:
        if self._ticks.empty:
            return
        self._ticks.clear()
        self._emit_check_column()

    def page_check_state(self) -> Qt.CheckState:
        """For the header checkbox: all, some or none of the loaded rows the user may decide ticked."""
        if not self._rows or not self.ticked_count:
            return Qt.CheckState.Unchecked
        ticked = sum(1 for activity in self._rows if self._ticks.has(activity.id))
        if ticked == 0:
            return Qt.CheckState.Unchecked
        return Qt.CheckState.Checked if ticked >= self.decidable_loaded() else Qt.CheckState.PartiallyChecked

    def _emit_check_column(self) -> None:
        if self._rows:
            self.dataChanged.emit(
                self.index(0, COL_CHECK), self.index(len(self._rows) - 1, COL_CHECK), [Qt.ItemDataRole.CheckStateRole]
            )
        self._ticks_changed()

    def _ticks_changed(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, COL_CHECK, COL_CHECK)
        self.ticks_changed.emit()

    # -- feeding -------------------------------------------------------------
    def reset(self, summary: ActivitySummary | None, rows: Sequence[ActivityRow]) -> None:  # type: ignore[override]  # the summary, not the count
        """Show a new first page; ``summary`` may follow later through ``set_summary``."""
        self.anchor = -1
        self._texts, self._why = {}, {}
        super().reset(summary.count if summary is not None else None, rows)

    def set_summary(self, summary: ActivitySummary) -> None:
        self.set_total(summary.count)

    # -- Qt interface --------------------------------------------------------
    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(HEADERS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.column() != COL_CHECK or not self._checkable:
            return _CELL_FLAGS
        return _CHECK_FLAGS if self.why_not_decidable(index.row()) is None else _CELL_FLAGS

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.column() != COL_CHECK or role != Qt.ItemDataRole.CheckStateRole:
            return False
        if not self._checkable or not 0 <= index.row() < len(self._rows):
            return False
        checked = value == Qt.CheckState.Checked or value == Qt.CheckState.Checked.value
        self.set_ticked(index.row(), bool(checked))
        return True

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and section == COL_CHECK:
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Tick or untick every loaded row (Ctrl+A)"
            if role == Qt.ItemDataRole.DisplayRole:
                return ""
            return None
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(HEADERS):
            return HEADERS[section]
        if horizontal and role == Qt.ItemDataRole.ToolTipRole and section in SORT_KEYS:
            return f"Sort by {HEADERS[section].lower()} (click again to reverse)"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        number = index.row()
        if not 0 <= number < len(self._rows):
            return None
        row = self._rows[number]
        if role == RowRole:
            return row
        column = index.column()
        if column == COL_CHECK:
            if not self._checkable:
                return None
            why = self.why_not_decidable(number)
            if why is None:
                if role == _CHECK_STATE:
                    return Qt.CheckState.Checked if self._ticks.has(row.id) else Qt.CheckState.Unchecked
                return None
            if role == _DISPLAY:
                return NOT_YOURS_MARK
            if role == _ALIGNMENT:
                return _CENTRE
            return f"Not yours to decide: {why}" if role == _TOOLTIP else None
        if role == _DISPLAY:
            texts = self._texts.get(number)
            if texts is None:
                texts = self._texts[number] = _texts(row)
            return texts[column]
        if role == _ALIGNMENT:
            return _RIGHT if column in RIGHT_ALIGNED else None
        if role == _TOOLTIP:
            if column == COL_COST:
                return cost_breakdown(row)
            if column == COL_TITLE:
                return f"{row.title}\n{row.provider}" if row.provider else row.title
            if column in ELIDED_COLUMNS:
                return _text(row, column) or None
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = SORT_KEYS.get(column)
        if key is not None:
            self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)
