"""Add or edit an organisation by hand (O1): a central team, a SCITT, a school GIAS does not list yet.

The cluster box offers the clusters in use and takes a new name as typed.
Editing an organisation with a URN says first that the next GIAS import may
write over its name, phase, status and leader: GIAS is where those come from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from db.models import OrgKind, OrgStatus
from db.queries.organisation_records import OrganisationChoices, OrganisationRecord
from db.services.organisation_records import (
    GIAS_FIELDS_WORDS,
    KINDS_BY_HAND,
    OrganisationFields,
    add_organisation,
    clean,
    edit_organisation,
)
from desktop.kit.context import AppContext
from desktop.kit.record_form import RecordForm

KIND_WORDS = {OrgKind.SCHOOL: "School", OrgKind.SCITT: "SCITT", OrgKind.CENTRAL: "Central team", OrgKind.TRUST: "Trust"}
STATUS_WORDS = {OrgStatus.OPEN: "Open", OrgStatus.PROPOSED: "Proposed", OrgStatus.CLOSED: "Closed"}


def _choice_box(values: list[str], current: str | None, placeholder: str) -> QComboBox:
    box = QComboBox()
    box.setEditable(True)
    box.addItem("")
    box.addItems(values)
    box.setCurrentText(current or "")
    line = box.lineEdit()
    if line is not None:
        line.setPlaceholderText(placeholder)
        line.setClearButtonEnabled(True)
    return box


class OrganisationEditor(RecordForm):
    """Adds an organisation (``record`` None) or edits one; ``saved`` carries its id or new version."""

    def __init__(
        self,
        context: AppContext,
        choices: OrganisationChoices,
        record: OrganisationRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        adding = record is None
        title = "Add an organisation" if record is None else f"Edit {record.name}"
        super().__init__(context, title, "Add" if adding else "Save", parent)
        self.setObjectName("organisation_editor")
        self.record = record
        self.name_edit = QLineEdit(record.name if record else "")
        self.name_edit.setMaxLength(200)
        self.name_edit.setPlaceholderText("As people know it, e.g. Oakfield Maths Hub")
        self.add_field("name", "Name", self.name_edit)
        self.kind_box = QComboBox()
        for kind in KINDS_BY_HAND:
            self.kind_box.addItem(KIND_WORDS[kind], kind)
        self.urn_edit = QLineEdit()
        self.urn_edit.setMaxLength(12)
        self.urn_edit.setPlaceholderText("Only if GIAS lists it (6 digits)")
        if adding:
            self.add_field("kind", "Kind", self.kind_box)
            self.add_field("urn", "URN (optional)", self.urn_edit)
        else:
            assert record is not None
            self.form.addRow("Kind", QLabel(KIND_WORDS[record.kind]))
            self.form.addRow("URN", QLabel(record.urn or "none (not from GIAS)"))
        self.phase_box = _choice_box(list(choices.phases), record.phase if record else None, "none")
        self.add_field("phase", "Phase", self.phase_box)
        self.cluster_box = _choice_box(
            [c.name for c in choices.clusters], record.cluster if record else None, "none, or type a new cluster"
        )
        self.cluster_box.setToolTip("Choose a cluster in use, or type a new one.")
        self.add_field("cluster", "Cluster", self.cluster_box)
        self.status_box = QComboBox()
        statuses = [OrgStatus.OPEN, OrgStatus.PROPOSED]
        if record is not None and record.status == OrgStatus.CLOSED:
            statuses.append(OrgStatus.CLOSED)  # reopening is choosing Open; closing has its own action
        for status in statuses:
            self.status_box.addItem(STATUS_WORDS[status], status)
        self.status_box.setCurrentIndex(max(0, self.status_box.findData(record.status if record else OrgStatus.OPEN)))
        self.add_field("status", "Status", self.status_box)
        self.leader_edit = QLineEdit((record.leader or "") if record else "")
        self.leader_edit.setMaxLength(200)
        self.leader_edit.setPlaceholderText("Head, director or team leader")
        self.add_field("leader", "Leader", self.leader_edit)
        if record is not None and record.urn:
            self.set_intro(
                f"{record.name} is listed in GIAS (URN {record.urn}): the next GIAS import may write over "
                f"its {GIAS_FIELDS_WORDS} with what GIAS says."
            )
        elif adding:
            self.set_intro(
                "Add an organisation GIAS does not list (yet): the trust's central team, a SCITT, "
                "a school about to open. Schools GIAS lists come in with File › Import from GIAS."
            )

    def fields_now(self) -> OrganisationFields:
        return OrganisationFields(
            name=self.name_edit.text(),
            phase=self.phase_box.currentText(),
            cluster=self.cluster_box.currentText(),
            status=OrgStatus(self.status_box.currentData()),  # Qt hands an enum back as its value
            leader=self.leader_edit.text(),
            kind=OrgKind(self.kind_box.currentData()) if self.record is None else OrgKind.SCHOOL,
            urn=self.urn_edit.text() if self.record is None else None,
        )

    def check(self) -> None:
        clean(self.fields_now())

    def work(self) -> Callable[[], Any]:
        db, user_id, record, values = self.context.db, self.context.user.id, self.record, self.fields_now()
        if record is None:
            return lambda: add_organisation(db, user_id, values)
        return lambda: edit_organisation(db, user_id, record.id, record.version, values)
