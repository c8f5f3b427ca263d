"""Showing a failure to the user: one clear sentence, no traceback."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from db.errors import DatabaseBusy, PermissionDenied, StaleData, TrustDeskError, Unreachable, ValidationError
from db.progress import Cancelled

TITLES: dict[type[TrustDeskError], str] = {
    ValidationError: "Please check",
    PermissionDenied: "Not allowed",
    StaleData: "Changed by someone else",
    DatabaseBusy: "Database busy",
    Unreachable: "Database unreachable",
    Cancelled: "Cancelled",
}


def title_for(error: TrustDeskError) -> str:
    for kind, title in TITLES.items():
        if isinstance(error, kind):
            return title
    return "TrustDesk"


def show_error(parent: QWidget | None, error: TrustDeskError) -> None:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information if isinstance(error, Cancelled) else QMessageBox.Icon.Warning)
    box.setWindowTitle(title_for(error))
    box.setText(error.message)
    box.exec()
