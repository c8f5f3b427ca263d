"""The Gmail-style line above the table once a whole page is ticked (C4).

"200 ticked on this page — Tick all 924 matching" saves hunting for the button;
after "tick all" it says how many were ticked and how many were left out and
why (rows the user may not decide), with "Untick all" next to it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from db.queries.decidability import DecidableMatch, left_out_text
from desktop.modules.partnership_cpd.activity_table_model import ActivityTableModel


class TickBanner(QFrame):
    tick_all_requested = Signal()
    untick_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tickBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        self.label = QLabel()
        self.action_button = QPushButton()
        self.action_button.setFlat(True)
        self.action_button.setAutoDefault(False)
        font = self.action_button.font()
        font.setUnderline(True)  # reads as a link, as in a mail client
        self.action_button.setFont(font)
        self.action_button.setCursor(Qt.CursorShape.PointingHandCursor)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addWidget(self.action_button)
        layout.addStretch(1)
        self._offers_all = True
        self.action_button.clicked.connect(self._clicked)
        self.hide()

    def offer_all(self, on_page: int, matching: int) -> None:
        """The whole page is ticked and more rows match than are loaded."""
        self._offers_all = True
        self.label.setText(f"{on_page:,} ticked on this page —")
        self.action_button.setText(f"Tick all {matching:,} matching?")
        self.action_button.setToolTip("Tick every activity matching the filters that you may decide, loaded or not")
        self.show()

    def all_ticked(self, match: DecidableMatch) -> None:
        """After "tick all": how many were ticked, and which were left out and why."""
        self._offers_all = False
        text = f"All {match.ticked:,} matching activities you may decide are ticked."
        if match.left_out:
            text += f" Left out {left_out_text(match.left_out)}."
        self.label.setText(text)
        self.action_button.setText("Untick all")
        self.action_button.setToolTip("")
        self.show()

    def follow(
        self,
        model: ActivityTableModel,
        ticked_label: QLabel,
        can_decide: bool,
        decidable_total: int | None,
        match: DecidableMatch | None,
    ) -> DecidableMatch | None:
        """Show what fits the ticks now: the offer once the page is ticked, after "tick all" what it left out.

        Returns the "tick all" result still in force (None once the ticks were changed by hand).
        """
        count = model.ticked_count
        if match is not None and count == match.ticked and count:
            self.all_ticked(match)
            if match.left_out:
                ticked_label.setText(f"{count:,} ticked ({match.left_out_count:,} left out)")
                ticked_label.setToolTip(f"Left out {left_out_text(match.left_out)}")
            return match
        ticked_label.setToolTip("")
        matching = model.total if decidable_total is None else decidable_total
        page_full = model.page_check_state() == Qt.CheckState.Checked
        if can_decide and page_full and count == model.decidable_loaded() and matching > count:
            self.offer_all(count, matching)
        else:
            self.hide()
        return None

    def _clicked(self) -> None:
        (self.tick_all_requested if self._offers_all else self.untick_requested).emit()
