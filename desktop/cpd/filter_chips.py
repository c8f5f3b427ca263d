"""Every active filter as a chip with a ×, so nothing narrows the list unseen.

A drill-through from the dashboard ("Starting in November 2026") or a flood
fill ("Show its activities") sets conditions the filter bar has no box for;
before, only the count hinted at them.  The words come from
``db.queries.filter_words``, the same ones exports and saved views use.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QToolButton, QWidget

from db.queries.filter_words import FilterPart


class FilterChips(QScrollArea):
    """Emits ``removed(key)`` when the × of a chip is clicked; ``key`` is a FilterPart key."""

    removed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        inner = QWidget()
        self._layout = QHBoxLayout(inner)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.setWidget(inner)
        self.chips: dict[str, QToolButton] = {}
        self.set_parts([])

    def set_parts(self, parts: list[FilterPart]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.chips = {}
        self.caption = QLabel("Showing:" if parts else "Showing all activities")
        self._layout.addWidget(self.caption)
        for part in parts:
            chip = QToolButton()
            chip.setObjectName("filterChip")
            chip.setText(f"{part.text}  ×")
            chip.setToolTip(f"Remove this filter: {part.text}")
            chip.setAutoRaise(False)
            chip.clicked.connect(lambda _checked=False, key=part.key: self.removed.emit(key))
            self._layout.addWidget(chip)
            self.chips[part.key] = chip
        self._layout.addStretch(1)
        # Tall enough for a chip even before any is shown, so the rows below do not jump.
        heights = [chip.sizeHint().height() for chip in self.chips.values()]
        self.setFixedHeight(max([QToolButton(text="Any").sizeHint().height(), *heights]) + 2)

    def texts(self) -> list[str]:
        return [chip.text().removesuffix("  ×") for chip in self.chips.values()]
