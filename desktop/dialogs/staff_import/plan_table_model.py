"""The staff import's preview: one row per file row (and per job a whole list ends), what it will do,
and — for a row that looks like someone at another school — a box to link them as one person (P1).

The plan is already in memory (the file was read whole), so filtering by what a row will do happens
here, over the plan's entries, without asking the database again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from db.staff_import.plan import Action, PlanEntry
from desktop.kit.text_colours import ADDED, CAUTION, CHANGED, REFUSED, readable

Index = QModelIndex | QPersistentModelIndex
RowRole = Qt.ItemDataRole.UserRole + 1

LINK, ACTION, ROW, NAME, SCHOOL, DETAIL = range(6)
HEADERS = ("Link", "Will", "Row", "Name", "School", "What changes, or why not")
#: what each action is shown in, on a light and on a dark background
COLOURS = {
    Action.ADD_PERSON: ADDED,
    Action.ADD_JOB: ADDED,
    Action.UPDATE: CHANGED,
    Action.END: CAUTION,
    Action.SKIP: REFUSED,
}
#: the filter's extra choice beside the actions: rows offered for linking
OFFERED = "offered for linking"


class StaffPlanTableModel(QAbstractTableModel):
    #: the rows ticked for linking changed (the dialog shows how many)
    links_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[PlanEntry] = []
        self._rows: list[PlanEntry] = []
        self._shown: str | None = None
        self._linked: set[int] = set()

    # -- contents ---------------------------------------------------------------------------------
    def set_entries(self, entries: Sequence[PlanEntry]) -> None:
        self.beginResetModel()
        self._all = list(entries)
        self._linked.clear()
        self._rows = self._filtered()
        self.endResetModel()
        self.links_changed.emit()

    def set_filter(self, shown: str | None) -> None:
        """Show only the rows that will ``shown`` (an ``Action`` value, ``OFFERED``), or all with None."""
        if shown == self._shown:
            return
        self.beginResetModel()
        self._shown = shown
        self._rows = self._filtered()
        self.endResetModel()

    def _filtered(self) -> list[PlanEntry]:
        if self._shown is None:
            return list(self._all)
        if self._shown == OFFERED:
            return [e for e in self._all if _offered(e)]
        return [e for e in self._all if e.action.value == self._shown]

    def entry(self, row: int) -> PlanEntry:
        return self._rows[row]

    @property
    def linked(self) -> frozenset[int]:
        """The file rows the user ticked to link to the person they look like."""
        return frozenset(self._linked)

    def set_all_linked(self, linked: bool) -> None:
        self._linked = {e.row for e in self._all if _offered(e)} if linked else set()
        if self._rows:
            self.dataChanged.emit(self.index(0, LINK), self.index(len(self._rows) - 1, LINK))
        self.links_changed.emit()

    # -- Qt ---------------------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == LINK and _offered(self._rows[index.row()]):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == LINK and _offered(entry):
            return Qt.CheckState.Checked if entry.row in self._linked else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole and column == ACTION and entry.action in COLOURS:
            return readable(COLOURS[entry.action])
        if role == Qt.ItemDataRole.ToolTipRole and column == DETAIL:
            return entry.detail or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == RowRole:
            return entry
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != LINK:
            return False
        entry = self._rows[index.row()]
        if not _offered(entry):
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        if checked:
            self._linked.add(entry.row)
        else:
            self._linked.discard(entry.row)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.links_changed.emit()
        return True

    @staticmethod
    def _text(entry: PlanEntry, column: int) -> str:
        if column == LINK:
            return ""
        if column == ACTION:
            return entry.action.value
        if column == ROW:
            return str(entry.row) if entry.row else ""
        if column == NAME:
            return entry.name
        if column == SCHOOL:
            return entry.school
        return entry.detail


def _offered(entry: PlanEntry) -> bool:
    return entry.link is not None and entry.action is Action.ADD_PERSON
