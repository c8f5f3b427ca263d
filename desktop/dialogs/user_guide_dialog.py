"""Help › User guide: docs/user-guide.md rendered offline, screenshots included.

The guide ships inside the installed program (build_installer.spec bundles docs/), so it works
on a laptop with no network and always matches the version installed. Links to other sites open
in the browser.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from desktop.icons import icon

GUIDE_NAME = "user-guide.md"


def docs_folder() -> Path:
    """docs/ next to the packages: the repository root from source, the bundle root when frozen."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "docs"
    return Path(__file__).resolve().parents[2] / "docs"


def guide_path() -> Path:
    return docs_folder() / GUIDE_NAME


class UserGuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("TrustDesk user guide")
        self.setWindowIcon(icon("help"))
        self.resize(900, 760)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setOpenLinks(True)
        layout.addWidget(self.browser, 1)
        path = path or guide_path()
        if path.is_file():
            self.browser.setSource(QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource)
        else:
            self.browser.setMarkdown(
                "# User guide not found\n\n"
                f"This copy of TrustDesk has no user guide at `{path}`. "
                "It is in the `docs` folder of the TrustDesk source."
            )

        row = QHBoxLayout()
        back = QPushButton(icon("back"), "Back")
        back.clicked.connect(self.browser.backward)
        self.browser.backwardAvailable.connect(back.setEnabled)
        back.setEnabled(False)
        home = QPushButton("Contents")
        home.clicked.connect(self.browser.home)
        row.addWidget(back)
        row.addWidget(home)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        QShortcut(QKeySequence.StandardKey.Back, self, self.browser.backward)
