"""The dock-panel base class (after Frescobaldi's ``panel.Panel``).

A panel belongs to a module: its manifest (``desktop.kit.module.ModuleSpec``)
gives it its objectName (stable, so the window layout can be saved and
restored), title, icon and the change kinds it watches. A panel builds its
widgets the first time it is shown (start-up stays quick), and refreshes
itself when the data it shows changes — at once if it is visible, otherwise
the next time it is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDockWidget, QWidget

from db.changes import DataChange
from db.queries.users import USERS
from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.module import ModuleSpec


class Panel(QDockWidget):
    def __init__(self, module: ModuleSpec, context: AppContext, parent: QWidget | None = None) -> None:
        self.module = module
        self.object_name = module.name
        self.title = module.title
        self.icon_name = module.icon
        #: the kinds of change that make this panel's data stale
        self.watches = module.watches
        super().__init__(module.title, parent)
        self.setObjectName(module.name)
        self.context = context
        self._built = False
        self._stale = True
        self.toggleViewAction().setIcon(icon(self.icon_name))
        self.toggleViewAction().setText(self.title)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        context.bus.changed.connect(self._on_changed)

    # -- for subclasses --------------------------------------------------------
    def create_widget(self) -> QWidget:
        raise NotImplementedError

    def refresh(self) -> None:
        """Reload what the panel shows (always through ``context.ops``)."""
        raise NotImplementedError

    # -- machinery -------------------------------------------------------------
    def ensure_built(self) -> None:
        if not self._built:
            self._built = True
            self.setWidget(self.create_widget())

    def activate(self) -> None:
        """Show and raise the panel, even when tabbed behind another."""
        self.show()
        self.raise_()
        self.ensure_built()
        if self._stale and self.isVisible():  # already shown, so no showEvent will catch up
            self._stale = False
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.ensure_built()
        if self._stale:
            self._stale = False
            self.refresh()

    def _on_changed(self, change: DataChange) -> None:
        # A change of users or grants may change what the signed-in user reaches: every panel is stale.
        if change.kind not in self.watches and change.kind != USERS:
            return
        # A dock tabbed behind another is hidden, so isVisible() is the right test;
        # visibleRegion() is empty for docks that are on screen on some platforms.
        if self._built and self.isVisible():
            self.refresh_for(change)
        else:
            self._stale = True

    def refresh_for(self, change: DataChange) -> None:
        """Refresh for ``change`` while on screen.

        A panel whose own action already reloads what it shows may skip a change it
        made itself (``made_here``); one that relies on the bus for that reload must not.
        """
        self.refresh()

    def made_here(self, change: DataChange) -> bool:
        """Whether the action behind ``change`` was started by this panel or one of its widgets."""
        origin = change.origin
        while isinstance(origin, QObject):
            if origin is self:
                return True
            origin = origin.parent()
        return False
