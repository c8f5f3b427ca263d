"""The Partnership CPD filter bar (C6): every filter, combined, cleared in one click.

The bar only turns its controls into an ``ActivityFilter`` and back; the panel
runs the queries.  ``filter_to_text``/``filter_from_text`` keep the last
filters in QSettings between runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from db.models import CpdTeamState, LineManagerState, PartnershipState
from db.queries.activities import ActivityFilter
from db.queries.filter_codec import filter_from_data, filter_to_data, without_search
from db.queries.lookups import Lookups
from db.queries.people_search import PersonChoice
from desktop.kit.formatting import state
from desktop.kit.icons import icon
from desktop.kit.ops import Operations
from desktop.modules.partnership_cpd.follow_up_filter import follow_up_box, follow_up_of, with_follow_up
from desktop.modules.partnership_cpd.person_completer import PersonCompleter

SEARCH_DELAY_MS = 250
SORT_CHOICES = (
    ("start", "Start date"),
    ("created", "Date requested"),
    ("title", "Activity"),
    ("cost", "Total cost"),
    ("individual", "Individual"),
    ("organisation", "Organisation"),
    ("state", "Partnership"),
    ("line_manager", "Line manager"),
    ("cpd_team", "CPD team"),
    ("end", "End date"),
    ("period", "Period"),
    ("type", "Type"),
    ("cover_days", "Cover days"),
    ("course_fee", "Course fee"),
    ("cover_cost", "Cover/supply"),
    ("travel", "Travel"),
    ("other", "Other costs"),
)


def filter_to_text(filt: ActivityFilter, person_label: str = "") -> str:
    """The filters to remember between runs: everything but the search text, which was for that moment."""
    data = filter_to_data(without_search(filt))
    data["person_label"] = person_label
    return json.dumps(data)


def filter_from_text(text: str) -> tuple[ActivityFilter, str] | None:
    """The remembered filter and person label, or None when nothing (or nothing readable) was saved."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return without_search(filter_from_data(data)), str(data.get("person_label") or "")


def _as(kind: Callable[[str], Any], value: Any) -> Any:
    """Qt hands a StrEnum stored as item data back as a plain str."""
    return kind(value) if value else None


def _state_box(any_text: str, values: Any) -> QComboBox:
    box = QComboBox()
    box.addItem(any_text, None)
    for value in values:
        box.addItem(state(value), value)
    return box


class FilterBar(QWidget):
    """Emits ``edited()`` whenever the user changes a filter (search is debounced)."""

    edited = Signal()

    def __init__(
        self, ops: Operations, search_people: Callable[[str], list[PersonChoice]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.period_box = QComboBox()
        # Its items ("All periods", "2025/26") arrive after the bar is first shown.
        self.period_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.org_box = QComboBox()
        self.org_box.setMinimumContentsLength(18)
        self.event_box = QComboBox()
        self.event_box.setMinimumContentsLength(16)
        self.person_edit = PersonCompleter(ops, search_people)
        self.partnership_box = _state_box("Any authorisation", PartnershipState)
        self.line_manager_box = _state_box("Any line-manager agreement", LineManagerState)
        self.cpd_team_box = _state_box("Any CPD-team approval", CpdTeamState)
        self.follow_up_box = follow_up_box()
        self.sort_box = QComboBox()
        for key, label in SORT_CHOICES:
            self.sort_box.addItem(label, key)
        self.order_box = QComboBox()
        self.order_box.addItem("Descending", True)
        self.order_box.addItem("Ascending", False)
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search titles and providers…")
        self.search_box.setClearButtonEnabled(True)
        self.clear_button = QPushButton(icon("clear_filters"), "Clear filters")
        self.clear_button.setToolTip("Back to every activity of the current period")

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        first = QHBoxLayout()
        for label, widget, stretch in (
            ("Period", self.period_box, 0),
            ("Organisation", self.org_box, 0),
            ("Individual", self.person_edit, 1),
            ("", self.search_box, 1),
        ):
            if label:
                first.addWidget(QLabel(label))
            first.addWidget(widget, stretch)
        first.addWidget(self.clear_button)
        second = QHBoxLayout()
        for widget in (self.partnership_box, self.line_manager_box, self.cpd_team_box):
            second.addWidget(widget)
        self.partnership_box.hide()  # the queue tabs above the table choose it (queue_tabs.py)
        second.addWidget(QLabel("Training event"))
        second.addWidget(self.event_box, 1)
        second.addWidget(self.follow_up_box)
        second.addWidget(QLabel("Sort by"))
        second.addWidget(self.sort_box)
        second.addWidget(self.order_box)
        grid.addLayout(first, 0, 0)
        grid.addLayout(second, 1, 0)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.edited)
        self.search_box.textChanged.connect(self._search_timer.start)
        for box in self._boxes():
            box.currentIndexChanged.connect(self.edited)
        self.person_edit.person_chosen.connect(lambda *_: self.edited.emit())

    def _boxes(self) -> tuple[QComboBox, ...]:
        return (
            self.period_box,
            self.org_box,
            self.event_box,
            self.partnership_box,
            self.line_manager_box,
            self.cpd_team_box,
            self.follow_up_box,
            self.sort_box,
            self.order_box,
        )

    def set_lookups(self, lookups: Lookups) -> None:
        for box in (self.period_box, self.org_box, self.event_box):
            box.blockSignals(True)
            box.clear()
        self.period_box.addItem("All periods", None)
        for choice in lookups.periods:
            self.period_box.addItem(choice.label, choice.id)
        self.org_box.addItem("All organisations", None)
        for choice in lookups.organisations:
            self.org_box.addItem(choice.label, choice.id)
        self.event_box.addItem("Any (or none)", None)
        for choice in lookups.training_events:
            self.event_box.addItem(choice.label, choice.id)
        for box in (self.period_box, self.org_box, self.event_box):
            box.blockSignals(False)

    def set_filter(self, filt: ActivityFilter, person_label: str = "") -> None:
        """Show ``filt`` in the controls without emitting ``edited``."""
        for box, value in (
            (self.period_box, filt.period_id),
            (self.org_box, filt.organisation_id),
            (self.event_box, filt.training_event_id),
            (self.partnership_box, filt.partnership_state),
            (self.line_manager_box, filt.line_manager_state),
            (self.cpd_team_box, filt.cpd_team_state),
            (self.follow_up_box, follow_up_of(filt)),
            (self.sort_box, filt.sort),
            (self.order_box, filt.descending),
        ):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)
        self.search_box.blockSignals(True)
        self.search_box.setText(filt.search)
        self.search_box.blockSignals(False)
        self.person_edit.set_person(filt.person_id, person_label or (f"Individual #{filt.person_id}"))

    def read(self, base: ActivityFilter) -> ActivityFilter:
        """The filter the controls show now (sort and order included)."""
        base = with_follow_up(base, self.follow_up_box.currentData())
        return replace(
            base,
            period_id=self.period_box.currentData(),
            organisation_id=self.org_box.currentData(),
            person_id=self.person_edit.person_id,
            partnership_state=_as(PartnershipState, self.partnership_box.currentData()),
            line_manager_state=_as(LineManagerState, self.line_manager_box.currentData()),
            cpd_team_state=_as(CpdTeamState, self.cpd_team_box.currentData()),
            training_event_id=self.event_box.currentData(),
            search=self.search_box.text(),
            sort=self.sort_box.currentData() or "start",
            descending=bool(self.order_box.currentData()),
        )

    @property
    def person_label(self) -> str:
        return self.person_edit.text() if self.person_edit.person_id is not None else ""
