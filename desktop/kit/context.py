"""What a panel is handed: the database, the acting user and the shared services.

Panels receive this instead of the main window (Vorta's and TagStudio's
lesson): they can do their job without knowing who else is on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QObject, QSettings, QTimer, Signal

from db.engine import Database
from db.queries.users import UserRow
from desktop.kit.bus import DataBus
from desktop.kit.ops import Operations
from desktop.paths import AppPaths


class Navigator(QObject):
    """Drill-through between modules by route, e.g. a dashboard figure → ``go("activities", filter)``.

    A module answers the routes its manifest lists (``ModuleSpec.routes``); the main window brings
    that module's panel to the front and hands it the value. Modules never import each other: a
    route's name and its value (a db dataclass or an id) are the whole contract.
    """

    route_requested = Signal(str, object)  # route name, its value
    status_message = Signal(str)
    #: the panel in front at start-up has shown what the user opened the program for (its first rows)
    first_view_shown = Signal()

    #: chores wait at most this long for the first view (a front panel that never says it is shown)
    FIRST_VIEW_TIMEOUT_MS = 2000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._first_view_done = False

    def first_view_done(self) -> None:
        """Said once by the front panel when its first rows are on screen; later calls do nothing."""
        if not self._first_view_done:
            self._first_view_done = True
            self.first_view_shown.emit()

    def after_first_view(self, chore: Callable[[], None], receiver: QObject) -> None:
        """Run ``chore`` once the first view is shown (at once if it is), or after FIRST_VIEW_TIMEOUT_MS.

        Start-up chores (counts in the status bar, today's reminders, which menu entries this user
        may use) share the database lanes and the interpreter with the first page the user waits
        for; they start after it. ``receiver`` owns the wait: deleted first, the chore never runs.
        """
        if self._first_view_done:
            chore()
            return
        ran = False

        def once() -> None:
            nonlocal ran
            if not ran and shiboken6.isValid(receiver):
                ran = True
                chore()

        self.first_view_shown.connect(once)
        QTimer.singleShot(self.FIRST_VIEW_TIMEOUT_MS, receiver, once)

    def go(self, route: str, value: object) -> None:
        self.route_requested.emit(route, value)

    def tell(self, message: str) -> None:
        """A short confirmation in the status bar."""
        self.status_message.emit(message)


@dataclass
class AppContext:
    db: Database
    user: UserRow
    ops: Operations
    bus: DataBus
    settings: QSettings
    navigator: Navigator
    paths: AppPaths
