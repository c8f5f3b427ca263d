"""The calendar's filter bar: organisation, group, person and state, and whether to show events.

The person box searches when Enter is pressed (names the user may see, ``search_people``): one
match is chosen at once, several are offered in a menu under the box; clearing the box clears the
filter.  ``changed`` fires once per edit a user makes.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QPoint, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QMenu, QWidget

from db.models import PartnershipState
from db.queries.calendar import OUT_STATES
from db.queries.groups import GroupRow
from db.queries.lookups import Choice
from db.queries.people_search import PersonChoice, search_people
from desktop.kit.context import AppContext

#: the state filter's choices: (label, the partnership states it shows)
STATE_CHOICES: tuple[tuple[str, tuple[PartnershipState, ...]], ...] = (
    ("Authorised and pending", OUT_STATES),
    ("Authorised", (PartnershipState.AUTHORISED,)),
    ("Pending", (PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION)),
    ("Rejected", (PartnershipState.REJECTED,)),
    ("Withdrawn", (PartnershipState.WITHDRAWN,)),
    ("Any state", tuple(PartnershipState)),
)
PERSON_PLACEHOLDER = "Anyone: type a name, then Enter"


class CalendarFilters(QWidget):
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.person_id: int | None = None
        self._person_label = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.organisation = QComboBox()
        self.organisation.setObjectName("calendar_organisation")
        self.organisation.addItem("All organisations", None)
        self.organisation.setMinimumContentsLength(18)
        self.group = QComboBox()
        self.group.setObjectName("calendar_group")
        self.group.addItem("All groups", None)
        self.group.setMinimumContentsLength(14)
        self.person = QLineEdit()
        self.person.setObjectName("calendar_person")
        self.person.setPlaceholderText(PERSON_PLACEHOLDER)
        self.person.setClearButtonEnabled(True)
        self.person.setMinimumWidth(200)
        self.state = QComboBox()
        self.state.setObjectName("calendar_state")
        for label, states in STATE_CHOICES:
            self.state.addItem(label, states)
        self.events = QCheckBox("Training events")
        self.events.setObjectName("calendar_events")
        self.events.setChecked(True)
        for label, widget in (
            ("Organisation", self.organisation),
            ("Group", self.group),
            ("Person", self.person),
            ("State", self.state),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            layout.addWidget(caption)
            layout.addWidget(widget)
        layout.addWidget(self.events)
        layout.addStretch(1)
        self.organisation.activated.connect(lambda _n: self.changed.emit())
        self.group.activated.connect(lambda _n: self.changed.emit())
        self.state.activated.connect(lambda _n: self.changed.emit())
        self.events.toggled.connect(lambda _on: self.changed.emit())
        self.person.returnPressed.connect(self._search)
        self.person.textEdited.connect(self._edited)

    def set_choices(self, organisations: list[Choice], groups: list[GroupRow]) -> None:
        chosen_org, chosen_group = self.organisation_id, self.group_id
        self.organisation.clear()
        self.organisation.addItem("All organisations", None)
        for choice in organisations:
            self.organisation.addItem(choice.label, choice.id)
        self.group.clear()
        self.group.addItem("All groups", None)
        for group in groups:
            self.group.addItem(f"{group.name} ({group.category})", group.id)
        self.organisation.setCurrentIndex(max(0, self.organisation.findData(chosen_org)))
        self.group.setCurrentIndex(max(0, self.group.findData(chosen_group)))

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.currentData()

    @property
    def group_id(self) -> int | None:
        return self.group.currentData()

    @property
    def states(self) -> tuple[PartnershipState, ...]:
        return tuple(self.state.currentData())

    # -- the person box --------------------------------------------------------------------
    def choose_person(self, person_id: int | None, label: str = "") -> None:
        self.person_id, self._person_label = person_id, label
        self.person.setText(label)
        self.person.setPlaceholderText(PERSON_PLACEHOLDER)
        self.changed.emit()

    def _edited(self, text: str) -> None:
        if self.person_id is not None and text != self._person_label:
            self.person_id, self._person_label = None, ""
            self.changed.emit()

    def _search(self) -> None:
        text = self.person.text().strip()
        if not text:
            if self.person_id is not None:
                self.choose_person(None)
            return
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(
            lambda: search_people(db, user_id, text), lambda found: self._found(text, found), lambda _error: None
        )

    def _found(self, text: str, found: list[PersonChoice]) -> None:
        if self.person.text().strip() != text:
            return  # typed on since: a newer Enter will answer
        if not found:
            self.person.clear()
            self.person.setPlaceholderText(f"Nobody called “{text}” that you may see")
            return
        if len(found) == 1:
            self.choose_person(found[0].id, found[0].label)
            return
        menu = QMenu(self)
        menu.setObjectName("calendar_person_menu")
        for choice in found:
            action = menu.addAction(choice.label)
            action.triggered.connect(partial(self.choose_person, choice.id, choice.label))
        menu.popup(self.person.mapToGlobal(QPoint(0, self.person.height())))
