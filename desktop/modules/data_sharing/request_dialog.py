"""Request in bulk (D1, D4): the level, and who at each ticked school receives the request.

The roles tick the people listed; the Head Teacher is ticked first and
recommended, since only they can approve by default.  Someone without an
e-mail address is listed but cannot be ticked (add them as a contact), and
someone who already has an outstanding request is not listed at all.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.models import SharingLevel, SharingRecipientRole
from db.queries.data_sharing import LEVEL_LABELS, ROLE_LABELS, Candidate, SchoolSharingRow, recipient_choices
from db.services.data_sharing import RequestsSent, request_sharing
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.data_sharing.recipient_table_model import RecipientTableModel


class RequestDialog(QDialog):
    def __init__(self, context: AppContext, schools: Sequence[SchoolSharingRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.schools = list(schools)
        self.setObjectName("data_sharing_request_dialog")
        raising = any(row.level > SharingLevel.NONE for row in self.schools)
        self.setWindowTitle("Request a higher level" if raising else "Request data sharing")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        names = ", ".join(row.name for row in self.schools[:3]) + (
            f" and {len(self.schools) - 3} more" if len(self.schools) > 3 else ""
        )
        intro = QLabel(f"Ask {names} to share data with the trust. A level can be raised later, never lowered.")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        grid = QGridLayout()
        grid.addWidget(QLabel("Level"), 0, 0)
        self.level_box = QComboBox()
        floor = max((row.level for row in self.schools), default=SharingLevel.NONE)
        for level in SharingLevel:
            if level > floor:
                self.level_box.addItem(LEVEL_LABELS[level], level)
        grid.addWidget(self.level_box, 0, 1, 1, 3)
        grid.addWidget(QLabel("Send to"), 1, 0)
        self.role_boxes: dict[SharingRecipientRole, QCheckBox] = {}
        for n, role in enumerate(ROLE_LABELS):
            text = ROLE_LABELS[role] + (" (recommended: only they can approve by default)" if role == "head" else "")
            box = QCheckBox(text)
            box.setChecked(role == SharingRecipientRole.HEAD)
            box.toggled.connect(self._roles_changed)
            self.role_boxes[role] = box
            grid.addWidget(box, 1 + n // 2, 1 + n % 2)
        self.all_box = QCheckBox("All of them")
        self.all_box.toggled.connect(self._all_toggled)
        grid.addWidget(self.all_box, 3, 1)
        layout.addLayout(grid)

        self.model = RecipientTableModel(self)
        self.table = data_table(self.model)
        layout.addWidget(self.table, 1)
        self.note = QLabel("Loading who can receive the request…")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.send_button = QPushButton("Send requests")
        self.send_button.setDefault(True)
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.rejected.connect(self.reject)
        self.send_button.clicked.connect(self.send)
        layout.addWidget(buttons)
        self.model.ticks_changed.connect(self._ticks_changed)
        self.sent: RequestsSent | None = None
        self.load()

    def load(self) -> None:
        db, user_id, ids = self.context.db, self.context.user.id, [row.organisation_id for row in self.schools]
        self.context.ops.query(lambda: recipient_choices(db, user_id, ids), self._loaded)

    def _loaded(self, candidates: list[Candidate]) -> None:
        self.model.set_rows(candidates)
        fit_columns(self.table)
        self.table.setColumnWidth(0, self.table.columnWidth(0) + 28)  # room for the tick
        self._roles_changed()

    def _all_toggled(self, checked: bool) -> None:
        for box in self.role_boxes.values():
            box.blockSignals(True)
            box.setChecked(checked)
            box.blockSignals(False)
        self._roles_changed()

    def _roles_changed(self, *_args: object) -> None:
        roles = {role for role, box in self.role_boxes.items() if box.isChecked()}
        self.all_box.blockSignals(True)
        self.all_box.setChecked(len(roles) == len(self.role_boxes))
        self.all_box.blockSignals(False)
        self.model.set_ticked(row.key for row in self.model.rows if row.role in roles)

    def _ticks_changed(self) -> None:
        ticked = self.model.ticked_rows
        schools = {row.organisation_id for row in ticked}
        missing = [row for row in self.schools if row.organisation_id not in schools]
        without = sum(1 for row in self.model.rows if not row.email)
        plural = "s" if len(ticked) != 1 else ""
        text = f"{len(ticked)} recipient{plural} at {len(schools)} of {len(self.schools)} schools."
        if missing:
            text += f" Nobody ticked at {', '.join(row.name for row in missing[:3])}" + (
                f" and {len(missing) - 3} more." if len(missing) > 3 else "."
            )
        if without:
            text += f" {without} listed without an e-mail address: add them as contacts to send to them."
        self.note.setText(text)
        if not self.level_box.count():
            text = "The ticked schools already share everything: there is no higher level to ask for."
        self.send_button.setEnabled(bool(ticked) and not missing and self.level_box.count() > 0)

    def send(self) -> None:
        level = self.level_box.currentData()
        keys = [row.key for row in self.model.ticked_rows]
        ids = [row.organisation_id for row in self.schools]
        db, user_id = self.context.db, self.context.user.id
        self.send_button.setEnabled(False)
        self.context.ops.action(
            lambda _progress: request_sharing(db, user_id, ids, level, recipients=keys),
            self._sent,
            self._failed,
            title="Sending data sharing requests…",
            origin=self,
        )

    def _sent(self, sent: RequestsSent) -> None:
        self.sent = sent
        self.context.navigator.tell(
            f"Sent {sent.requests} data sharing request{'s' if sent.requests != 1 else ''} "
            f"to {sent.schools} school{'s' if sent.schools != 1 else ''}."
        )
        self.accept()

    def _failed(self, error: TrustDeskError) -> None:
        show_error(self, error)
        self._ticks_changed()
        self.load()


def open_request_dialog(context: AppContext, schools: Sequence[SchoolSharingRow], parent: QWidget) -> RequestDialog:
    dialog = RequestDialog(context, schools, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
