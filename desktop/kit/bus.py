"""The app-wide "data changed" signal.

Services return what they changed; the operation helper's caller publishes it
here, and each panel decides for itself whether to refresh (Anki's
``operation_did_execute`` idea).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from db.changes import DataChange


class DataBus(QObject):
    changed = Signal(object)  # DataChange

    def publish(self, *changes: DataChange) -> None:
        for change in changes:
            self.changed.emit(change)
