"""Trust settings › Cover limits › Add… / Edit…: a role (from the roles jobs have) and its cover-day limit."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QWidget

from db.cover_limits import MAX_LIMIT_DAYS, STEP_DAYS


def days_box() -> QDoubleSpinBox:
    """Days in half-day steps up to the largest limit the services accept."""
    box = QDoubleSpinBox()
    box.setRange(0.0, MAX_LIMIT_DAYS)
    box.setSingleStep(STEP_DAYS)
    box.setDecimals(1)
    box.setSuffix(" days")
    return box


class RoleLimitDialog(QDialog):
    """A role (chosen from the roles jobs have) and its cover-day limit."""

    def __init__(self, roles: list[str], days: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Cover-day limit for a role")
        form = QFormLayout(self)
        self.role_box = QComboBox()
        self.role_box.addItems(roles)
        self.role_box.setEnabled(len(roles) > 1)
        self.days_spin = days_box()
        self.days_spin.setValue(days)
        form.addRow("Role", self.role_box)
        form.addRow("Limit per academic period", self.days_spin)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
