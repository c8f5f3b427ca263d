"""Choose who is told when an event is published: organisations (all primaries in one click) and groups.

Nothing ticked means every member organisation's staff is told.  The choice
never hides the event: every member organisation still sees it (T1).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.queries.training_event_detail import EditorChoices, EventDetail, TargetChoice
from db.services.training_events import set_notify_targets
from desktop.kit.context import AppContext
from resources_qt.style import set_warning


def _tick_list(choices: Sequence[TargetChoice], ticked: set[int]) -> QListWidget:
    """A short pick-list (a trust's schools, its groups) with a box per entry."""
    listing = QListWidget()
    for choice in choices:
        item = QListWidgetItem(choice.label + (f"  ({choice.phase})" if choice.phase else ""))
        item.setData(Qt.ItemDataRole.UserRole, choice.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if choice.id in ticked else Qt.CheckState.Unchecked)
        listing.addItem(item)
    return listing


def ticked_ids(listing: QListWidget) -> list[int]:
    return [
        listing.item(n).data(Qt.ItemDataRole.UserRole)
        for n in range(listing.count())
        if listing.item(n).checkState() == Qt.CheckState.Checked
    ]


class TargetsDialog(QDialog):
    def __init__(
        self, context: AppContext, choices: EditorChoices, detail: EventDetail, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.detail = detail
        self.choices = choices
        self.setObjectName("training_targets_dialog")
        self.setWindowTitle(f"Who is told of “{detail.title}”")
        self.resize(720, 520)
        layout = QVBoxLayout(self)
        note = QLabel(
            "Publishing tells the staff of the organisations and the members of the groups ticked here; with "
            "nothing ticked, every member organisation's staff is told. Every member organisation sees the "
            "event either way."
            + (" It is already published: a new choice tells nobody now." if detail.published_at else "")
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        grid = QGridLayout()
        grid.addWidget(QLabel("Organisations"), 0, 0)
        grid.addWidget(QLabel("Groups"), 0, 1)
        self.organisation_list = _tick_list(choices.organisations, {t.organisation_id for t in detail.targets
                                                                     if t.organisation_id is not None})  # fmt: skip
        self.organisation_list.setObjectName("training_target_organisations")
        self.group_list = _tick_list(choices.groups, {t.group_id for t in detail.targets if t.group_id is not None})
        self.group_list.setObjectName("training_target_groups")
        grid.addWidget(self.organisation_list, 1, 0)
        grid.addWidget(self.group_list, 1, 1)
        layout.addLayout(grid, 1)
        phases = QHBoxLayout()
        phases.addWidget(QLabel("Tick every"))
        self.phase_buttons: dict[str, QPushButton] = {}
        for phase in sorted({c.phase for c in choices.organisations if c.phase}):
            button = QPushButton(phase.lower() if phase.isupper() else phase)
            button.setToolTip(f"Tick every {phase.lower()} organisation")
            button.clicked.connect(lambda _checked=False, p=phase: self.tick_phase(p))
            phases.addWidget(button)
            self.phase_buttons[phase] = button
        clear = QPushButton("Untick all")
        clear.clicked.connect(self.untick_all)
        phases.addWidget(clear)
        phases.addStretch(1)
        layout.addLayout(phases)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        set_warning(self.error_label, True)
        layout.addWidget(self.error_label)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        self.save_button = box.button(QDialogButtonBox.StandardButton.Save)
        layout.addWidget(box)

    def tick_phase(self, phase: str) -> None:
        """Tick every organisation of ``phase`` ("Primary"): e.g. primaries but not secondaries."""
        phase_of = {c.id: c.phase for c in self.choices.organisations}
        for n in range(self.organisation_list.count()):
            item = self.organisation_list.item(n)
            if phase_of.get(item.data(Qt.ItemDataRole.UserRole)) == phase:
                item.setCheckState(Qt.CheckState.Checked)

    def untick_all(self) -> None:
        for listing in (self.organisation_list, self.group_list):
            for n in range(listing.count()):
                listing.item(n).setCheckState(Qt.CheckState.Unchecked)

    def save(self) -> None:
        db, user_id, detail = self.context.db, self.context.user.id, self.detail
        orgs, groups = ticked_ids(self.organisation_list), ticked_ids(self.group_list)
        self.save_button.setEnabled(False)
        self.context.ops.action(
            lambda _progress: set_notify_targets(db, user_id, detail.id, detail.version, orgs, groups),
            lambda _version: self._saved(len(orgs), len(groups)),
            self._failed,
            title="Saving who is told…",
            origin=self,
        )

    def _saved(self, orgs: int, groups: int) -> None:
        told = "every member organisation" if not orgs and not groups else f"{orgs} organisation(s), {groups} group(s)"
        self.context.navigator.tell(f"Publishing “{self.detail.title}” tells {told}.")
        self.accept()

    def _failed(self, error: TrustDeskError) -> None:
        self.save_button.setEnabled(True)
        self.error_label.setText(error.message)
