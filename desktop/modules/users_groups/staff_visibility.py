"""Which organisations' staff are hidden from users outside them (P3).

A tick saves at once through the service; organisations the user may not
decide about are shown but cannot be ticked.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from db.errors import TrustDeskError
from db.queries.staff import VisibilityRow, staff_visibility
from db.services.jobs import set_staff_visibility
from desktop.kit.context import AppContext

ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class StaffVisibilityDialog(QDialog):
    saved = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Staff visibility")
        self.resize(460, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Tick an organisation to hide its staff from everyone outside it (the partnership included). "
            "Each tick is saved at once."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget()
        layout.addWidget(self.list, 1)
        self.status = QLabel("Loading…")
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.list.itemChanged.connect(self._ticked)
        self._load()

    def _load(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: staff_visibility(db, user_id), self._loaded)

    def _loaded(self, rows: list[VisibilityRow]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for row in rows:
            item = QListWidgetItem(row.name)
            item.setData(ROW_ROLE, row)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if row.can_change:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            else:
                item.setToolTip("You may not change this organisation's settings.")
            item.setFlags(flags)
            item.setCheckState(Qt.CheckState.Checked if row.restricted else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        restricted = sum(1 for row in rows if row.restricted)
        self.status.setText(f"{restricted:,} of {len(rows):,} organisations hide their staff.")

    def _ticked(self, item: QListWidgetItem) -> None:
        row: VisibilityRow = item.data(ROW_ROLE)
        restricted = item.checkState() == Qt.CheckState.Checked
        db, user_id = self.context.db, self.context.user.id
        self.status.setText("Saving…")
        self.context.ops.action(
            lambda _progress: set_staff_visibility(db, user_id, row.organisation_id, restricted, row.version),
            lambda _version: self._saved(row, restricted),
            self._failed,
            title=f"Changing who sees the staff of {row.name}",
            origin=self,
        )

    def _saved(self, row: VisibilityRow, restricted: bool) -> None:
        word = "now hidden from" if restricted else "visible again to"
        self.context.navigator.tell(f"Staff of {row.name} are {word} users outside it.")
        self.saved.emit()
        self._load()

    def _failed(self, error: TrustDeskError) -> None:
        self.status.setText(error.message)
        self._load()
