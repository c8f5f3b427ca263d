"""Every active filter as a chip with a ×, so nothing narrows the list unseen.

A drill-through from the dashboard ("Starting in November 2026") or a flood
fill ("Show its activities") sets conditions the filter bar has no box for;
before, only the count hinted at them.  The words come from
``db.queries.filter_words``, the same ones exports and saved views use.  The
chips wrap onto a second line on a narrow screen rather than hide.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import QLabel, QLayout, QLayoutItem, QSizePolicy, QToolButton, QWidget

from db.queries.activities import ActivityFilter
from db.queries.filter_words import FilterNames, FilterPart
from db.queries.lookups import Choice, Lookups

SPACING = 4


def names_from_lookups(
    filt: ActivityFilter, lookups: Lookups | None, person: str = "", flood_fill: str | None = None
) -> FilterNames:
    """The names of the filter's ids from what the filter bar has loaded already (no query)."""

    def label(choices: list[Choice], wanted: int | None) -> str | None:
        return next((c.label for c in choices if c.id == wanted), None) if wanted is not None else None

    if lookups is None:
        return FilterNames(person=person or None, flood_fill=flood_fill)
    return FilterNames(
        period=label(lookups.periods, filt.period_id),
        organisation=label(lookups.organisations, filt.organisation_id),
        person=person or None,
        training_event=label(lookups.training_events, filt.training_event_id),
        flood_fill=flood_fill,
    )


class FlowLayout(QLayout):
    """Left to right, wrapping at the right edge (Qt's own layouts never wrap)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _arrange(self, rect: QRect, move: bool) -> int:
        x, y, line_height = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and line_height > 0:
                x, y, line_height = rect.x(), y + line_height + SPACING, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + SPACING
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y()


class FilterChips(QWidget):
    """Emits ``removed(key)`` when the × of a chip is clicked; ``key`` is a FilterPart key."""

    removed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = FlowLayout(self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.caption = QLabel()
        # level with the chips
        probe = QToolButton(text="Any")  # type: ignore[call-arg]  # PySide6 stubs omit inherited properties as keywords
        self.caption.setMinimumHeight(probe.sizeHint().height())
        self.chips: dict[str, QToolButton] = {}
        self.set_parts([])

    def set_parts(self, parts: list[FilterPart]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None and widget is not self.caption:
                widget.deleteLater()
        self.chips = {}
        self.caption.setText("Showing:" if parts else "Showing all activities")
        self._layout.addWidget(self.caption)
        for part in parts:
            chip = QToolButton(self)
            chip.setObjectName("filterChip")
            chip.setText(f"{part.text}  ×")
            chip.setToolTip(f"Remove this filter: {part.text}")
            chip.clicked.connect(lambda _checked=False, key=part.key: self.removed.emit(key))
            self._layout.addWidget(chip)
            self.chips[part.key] = chip
        self.updateGeometry()

    def texts(self) -> list[str]:
        return [chip.text().removesuffix("  ×") for chip in self.chips.values()]
