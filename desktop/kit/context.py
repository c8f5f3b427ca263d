"""What a panel is handed: the database, the acting user and the shared services.

Panels receive this instead of the main window (Vorta's and TagStudio's
lesson): they can do their job without knowing who else is on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Signal

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
