"""Add a school leader by hand (D1): name, role and e-mail address, known before any staff import."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from db.errors import TrustDeskError
from db.queries.data_sharing import ROLE_LABELS, SchoolSharingRow
from db.services.data_sharing import add_contact
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext


class ContactDialog(QDialog):
    def __init__(
        self,
        context: AppContext,
        schools: Sequence[SchoolSharingRow],
        chosen: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("data_sharing_contact_dialog")
        self.setWindowTitle("Add a school contact")
        form = QFormLayout(self)
        note = QLabel(
            "Someone at a school who may receive the trust's data sharing requests. GIAS names each head "
            "but gives no e-mail address: add it here."
        )
        note.setWordWrap(True)
        form.addRow(note)
        self.school_box = QComboBox()
        for row in sorted(schools, key=lambda r: r.name):
            self.school_box.addItem(row.name, row.organisation_id)
        if chosen is not None:
            self.school_box.setCurrentIndex(max(0, self.school_box.findData(chosen)))
        self.name_edit = QLineEdit()
        self.role_box = QComboBox()
        for role, label in ROLE_LABELS.items():
            self.role_box.addItem(label, role)
        self.role_box.setCurrentIndex(self.role_box.findData("head"))
        self.email_edit = QLineEdit()
        self.email_edit.setPlaceholderText("name@school.example")
        form.addRow("School", self.school_box)
        form.addRow("Name", self.name_edit)
        form.addRow("Role", self.role_box)
        form.addRow("E-mail", self.email_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        form.addRow(buttons)

    def save(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        org_id, role = self.school_box.currentData(), self.role_box.currentData()
        name, email = self.name_edit.text(), self.email_edit.text()
        if org_id is None:
            return
        self.save_button.setEnabled(False)
        self.context.ops.action(
            lambda _progress: add_contact(db, user_id, org_id, name, role, email),
            self._saved,
            self._failed,
            title="Adding the contact…",
            origin=self,
        )

    def _saved(self, _contact_id: int) -> None:
        self.context.navigator.tell(f"Added {' '.join(self.name_edit.text().split())} as a school contact.")
        self.accept()

    def _failed(self, error: TrustDeskError) -> None:
        self.save_button.setEnabled(True)
        show_error(self, error)
