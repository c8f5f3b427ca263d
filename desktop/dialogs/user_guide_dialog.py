"""Help › User guide: docs/user-guide.md rendered offline, screenshots included.

The guide ships inside the installed program (build_installer.spec bundles docs/), so it works
on a laptop with no network and always matches the version installed. Links to other sites open
in the browser.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from desktop.kit.icons import icon

GUIDE_NAME = "user-guide.md"


def slug(heading: str) -> str:
    """GitHub's anchor for a heading ("Where TrustDesk keeps your files" → "where-trustdesk-keeps-your-files")."""
    kept = "".join(ch for ch in heading.strip().lower() if ch.isalnum() or ch in " -_")
    return kept.replace(" ", "-")


def add_heading_anchors(document: QTextDocument) -> None:
    """Qt's Markdown reader gives headings no anchors; add GitHub's, so the guide's contents links work."""
    block = document.begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0 and block.text().strip():
            cursor = QTextCursor(block)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
            anchor = QTextCharFormat()
            anchor.setAnchor(True)
            anchor.setAnchorNames([slug(block.text())])
            cursor.mergeCharFormat(anchor)
        block = block.next()


#: screenshots wider than this are shown scaled down (they are 1400 px wide, the dialog ~900)
IMAGE_WIDTH = 840


def fit_images(document: QTextDocument, width: int = IMAGE_WIDTH) -> None:
    """Scale wide screenshots to the dialog rather than make the reader scroll sideways."""
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.isValid() and fragment.charFormat().isImageFormat():
                image = fragment.charFormat().toImageFormat()
                source = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(image.name()))
                natural = source.width() if hasattr(source, "width") else 0
                if natural > width:
                    image.setWidth(width)
                    image.setHeight(source.height() * width / natural)
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(image)
            iterator += 1
        block = block.next()


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
        # Links are handled here: Qt would reload the Markdown for an in-page link and lose the anchors.
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self.follow_link)
        layout.addWidget(self.browser, 1)
        path = path or guide_path()
        if path.is_file():
            self.browser.setSource(QUrl.fromLocalFile(str(path)), QTextDocument.ResourceType.MarkdownResource)
            add_heading_anchors(self.browser.document())
            fit_images(self.browser.document())
        else:
            self.browser.setMarkdown(
                "# User guide not found\n\n"
                f"This copy of TrustDesk has no user guide at `{path}`. "
                "It is in the `docs` folder of the TrustDesk source."
            )

        row = QHBoxLayout()
        contents = QPushButton("Contents")
        contents.clicked.connect(lambda: self.browser.verticalScrollBar().setValue(0))
        row.addWidget(contents)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)

    def follow_link(self, url: QUrl) -> None:
        """In-page links scroll; links to other sites open in the browser."""
        if url.isRelative() and url.path() == "" and url.hasFragment():
            self.browser.scrollToAnchor(url.fragment())
        elif url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)
