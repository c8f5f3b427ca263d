"""Keep a table's current row when its model is reloaded, by the row's id.

In-memory models sort in place and move their persistent indexes (row_table_model.py); a
model paged from SQL sorts by asking the query again, and a reset forgets the selection, so
Enter after a sort opened nothing, or another school. This re-selects the same row (same ``id``)
once the first page of the new order has arrived; a row not on that page stays unselected
rather than a guess being made.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelectionModel, QObject
from PySide6.QtWidgets import QAbstractItemView

_KEEPER_PROPERTY = "trustdeskSelectionKeeper"


def row_key(model: Any, row: int) -> object | None:
    """The id of the row at ``row`` (frozen rows carry ``id``), or None if the model cannot say."""
    row_at = getattr(model, "row_at", None)
    if row_at is None or not 0 <= row < model.rowCount():
        return None
    return getattr(row_at(row), "id", None)


class SelectionKeeper(QObject):
    """Installed once per view (``keep_selection``); follows the view's model."""

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self.view = view
        self._wanted: tuple[object, int] | None = None  # (row id, column)
        model = view.model()
        model.modelAboutToBeReset.connect(self._remember)
        model.modelReset.connect(self._restore)

    def _remember(self) -> None:
        current = self.view.currentIndex()
        key = row_key(self.view.model(), current.row()) if current.isValid() else None
        self._wanted = None if key is None else (key, current.column())

    def _restore(self) -> None:
        wanted, self._wanted = self._wanted, None
        if wanted is None:
            return
        key, column = wanted
        model = self.view.model()
        for row in range(model.rowCount()):
            if row_key(model, row) == key:
                index = model.index(row, max(0, min(column, model.columnCount() - 1)))
                flags = QItemSelectionModel.SelectionFlag.ClearAndSelect
                if self.view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows:
                    flags |= QItemSelectionModel.SelectionFlag.Rows
                self.view.selectionModel().setCurrentIndex(index, flags)
                self.view.scrollTo(index)
                return


def keep_selection(view: QAbstractItemView) -> None:
    """Keep ``view``'s current row across its model's resets (call after ``setModel``)."""
    if view.property(_KEEPER_PROPERTY):
        return
    view.setProperty(_KEEPER_PROPERTY, True)
    SelectionKeeper(view)
