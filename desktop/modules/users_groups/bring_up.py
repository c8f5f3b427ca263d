"""Ask for the optional unique ID and pay scale of a job brought up into the partnership (P2)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget


class BringUpDialog(QDialog):
    def __init__(self, name: str, organisation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bring up into the partnership")
        self.setMinimumWidth(440)
        layout = QFormLayout(self)
        intro = QLabel(
            f"Create a partnership job for <b>{name}</b> from their job at {organisation}.<br>"
            "The unique ID and pay scale are optional."
        )
        intro.setWordWrap(True)
        layout.addRow(intro)
        self.unique_id = QLineEdit()
        self.unique_id.setMaxLength(40)
        self.pay_scale = QLineEdit()
        self.pay_scale.setMaxLength(40)
        layout.addRow("Unique ID", self.unique_id)
        layout.addRow("Pay scale", self.pay_scale)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Bring up")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addRow(buttons)
