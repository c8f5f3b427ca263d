"""Help › About: the version, the open database and every folder TrustDesk writes to.

Everything is selectable text, and "Copy details" puts it on the clipboard, because the first
thing support asks is "which version, which database, and can you send the log?".
"""

from __future__ import annotations

import platform
import sys
from html import escape
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.kit.icons import icon
from desktop.paths import AppPaths
from desktop.version import __version__


def about_facts(database: str, paths: AppPaths) -> list[tuple[str, str]]:
    """(label, value) pairs shown in the dialog and copied by "Copy details"."""
    return [
        ("Version", __version__),
        ("Database", database),
        ("Data folder", str(paths.data)),
        ("Settings", str(paths.settings_file)),
        ("Logs", str(paths.logs)),
        ("Exports", str(paths.exports)),
        ("Built with", f"Python {platform.python_version()}, Qt {qVersion()}, PySide6 {pyside_version}"),
        ("Running", "installed program" if getattr(sys, "frozen", False) else "from source"),
    ]


def open_folder(folder: Path) -> bool:
    """Open a folder in Explorer (or the platform's file manager), creating it if needed."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class AboutDialog(QDialog):
    def __init__(self, database: str, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About TrustDesk")
        self.setMinimumWidth(620)
        self.facts = about_facts(database, paths)
        layout = QVBoxLayout(self)

        header = QHBoxLayout()
        logo = QLabel()
        logo.setPixmap(icon("app").pixmap(64, 64))
        header.addWidget(logo, 0, Qt.AlignmentFlag.AlignTop)
        title = QLabel(
            f"<h2>TrustDesk {escape(__version__)}</h2>"
            "<p>CPD authorisation, budgets and flood fill for the central team of a multi-academy trust.</p>"
        )
        title.setWordWrap(True)
        header.addWidget(title, 1)
        layout.addLayout(header)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.value_labels: dict[str, QLabel] = {}
        for row, (label, value) in enumerate(self.facts):
            name = QLabel(f"{label}:")
            name.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            text.setCursor(Qt.CursorShape.IBeamCursor)
            self.value_labels[label] = text
            grid.addWidget(name, row, 0)
            grid.addWidget(text, row, 1)
        layout.addLayout(grid)

        folders = QHBoxLayout()
        for caption, folder in (
            ("Open data folder", paths.data),
            ("Open settings folder", paths.settings),
            ("Open log folder", paths.logs),
        ):
            button = QPushButton(caption)
            button.clicked.connect(lambda _checked=False, f=folder: open_folder(f))
            folders.addWidget(button)
        folders.addStretch(1)
        layout.addLayout(folders)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

    def details_text(self) -> str:
        return "\n".join(f"{label}: {value}" for label, value in self.facts)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details_text())
