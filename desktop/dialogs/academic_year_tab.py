"""Trust settings › Academic year: the start month, what changing it would move, and the change itself.

Choosing a month works out in the background how many activities would move to another period
(``preview_start_month``); the change asks once more naming that count, and the service refuses
if the count is no longer true when it runs (someone changed activities meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from db.errors import TrustDeskError
from db.period_moves import MONTHS, month_name
from db.queries.trust_settings import StartMonthPreview, TrustSettings, preview_start_month
from db.services.trust_settings import StartMonthChanged, set_start_month
from desktop.kit.context import AppContext

Confirm = Callable[[str, str], bool]


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("hint")
    return label


class AcademicYearTab(QWidget):
    def __init__(
        self,
        context: AppContext,
        confirm: Confirm,
        failed: Callable[[TrustDeskError], None],
        while_open: Callable[[Callable[[Any], None]], Callable[[Any], None]],
    ) -> None:
        """``confirm`` asks the user (the dialog's, so tests answer for it); ``failed`` shows a refusal;
        ``while_open`` drops replies that arrive after the dialog closed."""
        super().__init__()
        self.context = context
        self._confirm, self._failed, self._while_open = confirm, failed, while_open
        self.settings: TrustSettings | None = None
        self.preview: StartMonthPreview | None = None
        self._generation = 0
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("The academic year starts on 1"))
        self.month_box = QComboBox()
        for number, name in enumerate(MONTHS, start=1):
            self.month_box.addItem(name, number)
        self.month_box.currentIndexChanged.connect(self._month_chosen)
        row.addWidget(self.month_box)
        row.addStretch(1)
        layout.addLayout(row)
        self.preview_label = QLabel()
        self.preview_label.setObjectName("start_month_preview")
        self.preview_label.setWordWrap(True)
        layout.addWidget(self.preview_label)
        self.moves_label = QLabel()
        self.moves_label.setWordWrap(True)
        self.moves_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.moves_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.apply_button = QPushButton("Change the start month…")
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        buttons.addWidget(self.apply_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        layout.addWidget(
            hint(
                "Each period keeps its years and its budgets: with August, 2025/26 runs from 1 August 2025 to "
                "31 July 2026. Activities belong to the period their start date falls in, so some move to the "
                "period before or after. The change is one step, recorded in the audit log."
            )
        )

    def show_settings(self, settings: TrustSettings) -> None:
        """Follow a reload; a month being looked at stays chosen unless the start month itself changed."""
        moved = self.settings is None or self.settings.start_month != settings.start_month
        self.settings = settings
        self.month_box.setEnabled(settings.can_edit)
        if moved:
            self.month_box.blockSignals(True)
            self.month_box.setCurrentIndex(settings.start_month - 1)
            self.month_box.blockSignals(False)
            self._show_current()

    def _show_current(self) -> None:
        self.preview = None
        self._generation += 1
        if self.settings is not None:
            self.preview_label.setText(
                f"The academic year starts on 1 {month_name(self.settings.start_month)}. "
                "Choose another month to see what would change."
            )
        self.moves_label.clear()
        self.apply_button.setEnabled(False)

    def _month_chosen(self, _index: int) -> None:
        month = int(self.month_box.currentData())
        if self.settings is None or month == self.settings.start_month:
            self._show_current()
            return
        self._generation += 1
        generation = self._generation
        self.preview = None
        self.apply_button.setEnabled(False)
        self.preview_label.setText(f"Working out what changing to {month_name(month)} would move…")
        self.moves_label.clear()
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(
            lambda: preview_start_month(db, user_id, month),
            self._while_open(lambda preview: self._previewed(generation, preview)),
            self._while_open(self._failed),
        )

    def _previewed(self, generation: int, preview: StartMonthPreview) -> None:
        if generation != self._generation:
            return  # another month was chosen since
        self.preview = preview
        self.preview_label.setText(preview.sentence)
        lines = [
            f"{m.from_label} → {m.to_label}{' (a new period)' if m.new_period else ''}: {m.activities:,}"
            for m in preview.moves
        ]
        if preview.budgets_affected:
            lines.append(
                f"{preview.budgets_affected:,} budgets will show different spending, because activities leave or "
                "join their period."
            )
        self.moves_label.setText("\n".join(lines))
        self.apply_button.setEnabled(bool(self.settings and self.settings.can_edit))

    def apply(self) -> None:
        preview = self.preview
        if preview is None or preview.month == preview.current_month:
            return
        count = preview.activities
        moved = f"{count:,} {'activity' if count == 1 else 'activities'} will move to another period"
        if not self._confirm(
            "Change the academic year",
            f"Start the academic year on 1 {month_name(preview.month)} instead of 1 "
            f"{month_name(preview.current_month)}? {moved}; budgets stay with their period. "
            "This is recorded in the audit log.",
        ):
            return
        self.apply_button.setEnabled(False)
        db, user_id, month = self.context.db, self.context.user.id, preview.month
        self.context.ops.action(
            lambda _progress: set_start_month(db, user_id, month, count),
            self._while_open(self._changed),
            self._while_open(self._failed),
            title="Changing the academic year…",
            progress_dialog=True,
            parent=self.window(),
            origin=self,
        )

    def _changed(self, done: StartMonthChanged) -> None:
        self.context.navigator.tell(
            f"The academic year now starts on 1 {month_name(done.month)}; {done.activities_moved:,} activities moved."
        )
