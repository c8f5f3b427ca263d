"""A splash screen painted before the heavy imports, so a double-click answers at once.

Importing SQLAlchemy and the models takes most of start-up; this module needs only QtWidgets and
the compiled resources, so ``desktop.cli`` shows it first and desktop/app.py closes it as soon
as there is something else to look at (the welcome or sign-in dialog, an error, the window).
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QLabel

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 420, 200


def show_splash(version: str = "") -> QLabel:
    """A frameless picture, not a QSplashScreen: its show() waits up to a second for the window
    to be reported exposed, which some platforms (X11 without a window manager) never do."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from resources_qt import load_resources

    load_resources()
    screen = QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio() if screen is not None else 1.0
    pixmap = QPixmap(int(WIDTH * ratio), int(HEIGHT * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(QColor("#f4f6f9"))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QColor("#c3ccd6"))
    painter.drawRect(0, 0, WIDTH - 1, HEIGHT - 1)
    QIcon(":/icons/app.svg").paint(painter, QRect(32, 52, 96, 96))
    painter.setPen(QColor("#1f2933"))
    title = QFont(painter.font())
    title.setPointSizeF(title.pointSizeF() * 2.2)
    title.setBold(True)
    painter.setFont(title)
    painter.drawText(QRect(150, 60, 250, 44), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, "TrustDesk")
    body = QFont(title)
    body.setPointSizeF(title.pointSizeF() / 2.2)
    body.setBold(False)
    painter.setFont(body)
    painter.setPen(QColor("#5b6875"))
    text = f"Version {version} · opening…" if version else "Opening…"
    painter.drawText(QRect(152, 104, 250, 30), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
    painter.end()
    splash = QLabel()
    splash.setWindowFlags(
        Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint
    )
    splash.setPixmap(pixmap)
    splash.setFixedSize(WIDTH, HEIGHT)
    if screen is not None:
        centre = screen.availableGeometry().center()
        splash.move(centre.x() - WIDTH // 2, centre.y() - HEIGHT // 2)
    splash.show()
    app.processEvents()
    log.info("Splash shown")
    return splash
