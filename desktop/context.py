"""What a panel is handed: the database, the acting user and the shared services.

Panels receive this instead of the main window (Vorta's and TagStudio's
lesson): they can do their job without knowing who else is on screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QSettings, Signal

from db.engine import Database
from db.queries.users import UserRow
from desktop.bus import DataBus
from desktop.ops import Operations
from desktop.paths import AppPaths


class Navigator(QObject):
    """Drill-through requests between panels (e.g. a dashboard figure → its activities)."""

    activities_requested = Signal(object)  # db.queries.activities.ActivityFilter
    organisation_requested = Signal(int)
    status_message = Signal(str)

    def show_activities(self, activity_filter: object) -> None:
        self.activities_requested.emit(activity_filter)

    def show_organisation(self, organisation_id: int) -> None:
        self.organisation_requested.emit(organisation_id)

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
