"""Feeding a paged model from SQL through ``context.ops``, and a search box that waits for the typing to stop.

Each new filter starts a new generation; replies for an older one are
dropped, so a slow query never overwrites a newer list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from db.errors import TrustDeskError
from desktop.kit.context import AppContext
from desktop.kit.paged_row_model import PagedRowModel

SEARCH_DELAY_MS = 250


class PagedLoader(QObject):
    """Loads the first page (with the total) for a filter, then further pages on demand."""

    loaded = Signal(object)  # whatever ``first`` returned
    failed = Signal(object)  # TrustDeskError

    def __init__(
        self,
        context: AppContext,
        model: PagedRowModel,
        first: Callable[[Any], Any],
        more: Callable[[Any, int], list],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.model = model
        self._first = first
        self._more = more
        self._generation = 0
        self.filter: Any = None
        model.more_wanted.connect(self._fetch_more)

    def load(self, filt: Any) -> None:
        self.filter = filt
        self._generation += 1
        generation = self._generation
        first = self._first
        self.context.ops.query(
            lambda: first(filt),
            lambda page: self._first_loaded(generation, page),
            lambda error: self._failed(generation, error),
        )

    def reload(self) -> None:
        if self.filter is not None:
            self.load(self.filter)

    def _first_loaded(self, generation: int, page: Any) -> None:
        if generation != self._generation:
            return
        self.model.reset(page.total, page.rows)
        self.loaded.emit(page)

    def _failed(self, generation: int, error: TrustDeskError) -> None:
        if generation == self._generation:
            self.model.fetch_failed()
            self.failed.emit(error)

    def _fetch_more(self, offset: int) -> None:
        generation, filt, more = self._generation, self.filter, self._more
        self.context.ops.query(
            lambda: more(filt, offset),
            lambda rows: self.model.append(offset, rows) if generation == self._generation else None,
            lambda error: self._failed(generation, error),
        )


class SearchBox(QLineEdit):
    """Emits ``search_changed`` once the user pauses typing (the query runs in SQL)."""

    search_changed = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(lambda: self.search_changed.emit(self.text()))
        self.textEdited.connect(lambda _text: self._timer.start())
