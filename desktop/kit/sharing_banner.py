"""The line above a trust-wide view when some schools keep their data from the trust (D6).

"3 of 14 schools have not shared data with the trust — their staff and activities are
hidden. Open Data sharing": a dashboard or index that silently leaves schools out would
read as complete; this says what is missing and leads to where it is fixed. Shown only to
users who hold something at the trust; the link follows the ``data_sharing`` route.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from db.queries.data_sharing import SharingSummary, sharing_summary
from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from resources_qt.style import set_warning


class SharingBanner(QFrame):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("sharingBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 8, 2)
        badge = QLabel()
        badge.setPixmap(icon("warning").pixmap(16, 16))
        self.label = QLabel()
        self.label.setWordWrap(True)
        set_warning(self.label, True)
        self.link = QPushButton("Open Data sharing")
        self.link.setFlat(True)
        self.link.setAutoDefault(False)
        font = self.link.font()
        font.setUnderline(True)  # reads as a link
        self.link.setFont(font)
        self.link.setCursor(Qt.CursorShape.PointingHandCursor)
        self.link.setToolTip("See which schools have no agreement, and request one")
        layout.addWidget(badge)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.link)
        self.link.clicked.connect(lambda: self.context.navigator.go("data_sharing", "no_agreement"))
        self.summary: SharingSummary | None = None
        self.hide()

    def reload(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: sharing_summary(db, user_id), self.show_summary)

    def show_summary(self, summary: SharingSummary | None) -> None:
        self.summary = summary
        if summary is None:
            self.hide()
            return
        self.label.setText(summary.text)
        self.show()
