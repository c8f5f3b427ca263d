"""Telling the user how an action ended: a failure in one clear sentence (no traceback), or what was done."""

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


def show_done(parent: QWidget | None, title: str, text: str, detail: str = "") -> QMessageBox:
    """What a finished export or import did, in a box that does not block the window (``open``)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    box.open()
    return box
