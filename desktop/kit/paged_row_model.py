"""A table model over rows paged from SQL as the view scrolls, optionally with a checkbox column.

For long lists (staff across the trust, jobs to pick, activities): the panel
supplies the first page and the total; scrolling to the end emits
``more_wanted`` with the next offset and the panel fetches that page off the UI
thread.  Filtering and sorting happen in the query, never here.  The total may
arrive after the first page (Partnership CPD counts on another worker): until
then a page shorter than ``PAGE_SIZE`` says there is no more.  With ``CHECKABLE`` the first column
carries a checkbox whose state comes from ``is_checked``; a click emits
``check_toggled`` and the owner decides what it means (a saved tick, a
selection).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal

from desktop.kit.row_table_model import Column, Index, RowRole

R = TypeVar("R")

#: the roles data() answers; a view asks for seven per visible cell on every paint
_ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.BackgroundRole,
        RowRole,
    }
)


class PagedRowModel(QAbstractTableModel, Generic[R]):
    COLUMNS: ClassVar[Sequence[Column[Any]]] = ()
    CHECKABLE: ClassVar[bool] = False
    #: rows per page of the query behind the model, for models whose total can be unknown
    PAGE_SIZE: ClassVar[int | None] = None

    more_wanted = Signal(int)  # offset of the next page
    check_toggled = Signal(object, bool)  # row, wanted state

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[R] = []
        self._total: int | None = 0  # None: not counted yet
        self._exhausted = True  # with an unknown total: a short page came back
        self._fetching = False

    # -- feeding -------------------------------------------------------------
    def reset(self, total: int | None, rows: Sequence[R]) -> None:
        """A new first page; ``total`` None if the count follows later (``set_total``)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._total = None if total is None else max(total, len(self._rows))
        self._exhausted = self.PAGE_SIZE is None or len(self._rows) < self.PAGE_SIZE
        self._fetching = False
        self.endResetModel()

    def set_total(self, total: int) -> None:
        self._total = max(total, len(self._rows))

    def append(self, offset: int, rows: Sequence[R]) -> None:
        """Add a fetched page; a page for an older offset (a stale reply) is ignored."""
        self._fetching = False
        if offset != len(self._rows):
            return
        if self.PAGE_SIZE is not None and len(rows) < self.PAGE_SIZE:
            self._exhausted = True
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def fetch_failed(self) -> None:
        self._fetching = False

    @property
    def total(self) -> int:
        """Rows matching the query (what is loaded so far until the count arrives)."""
        return self._total if self._total is not None else len(self._rows)

    @property
    def total_known(self) -> bool:
        """False while the count is still on its way (the first page came first)."""
        return self._total is not None

    @property
    def loaded(self) -> int:
        return len(self._rows)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def refresh_checks(self) -> None:
        """The check states changed outside the model (a selection grew)."""
        if self._rows and self.CHECKABLE:
            last = self.index(len(self._rows) - 1, 0)
            self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.CheckStateRole])

    # -- for subclasses --------------------------------------------------------
    def is_checked(self, row: R) -> bool:
        return False

    def background(self, row: R) -> Any:
        return None

    # -- Qt interface --------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._fetching:
            return False
        if self._total is None:
            return not self._exhausted
        return len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._fetching = True
            self.more_wanted.emit(len(self._rows))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.COLUMNS):
            return self.COLUMNS[section].title
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.CHECKABLE and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ANSWERED_ROLES or not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.CheckStateRole and self.CHECKABLE and index.column() == 0:
            return Qt.CheckState.Checked if self.is_checked(row) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.background(row)
        if role == RowRole:
            return row
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (self.CHECKABLE and index.isValid() and index.column() == 0 and role == Qt.ItemDataRole.CheckStateRole):
            return False
        if not 0 <= index.row() < len(self._rows):
            return False
        wanted = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        self.check_toggled.emit(self._rows[index.row()], wanted)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True
