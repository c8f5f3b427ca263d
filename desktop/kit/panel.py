"""The dock-panel base class (after Frescobaldi's ``panel.Panel``).

A panel belongs to a module: its manifest (``desktop.kit.module.ModuleSpec``)
gives it its objectName (stable, so the window layout can be saved and
restored), title, icon and the change kinds it watches. A panel builds its
widgets the first time it is shown (start-up stays quick), and refreshes
itself when the data it shows changes — at once if it is visible, otherwise
the next time it is shown.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDockWidget, QTabBar, QWidget

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
        self._settle_pending = False
        self.toggleViewAction().setIcon(icon(self.icon_name))
        self.toggleViewAction().setText(self.title)
        self.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        context.bus.changed.connect(self._on_changed)
        self.visibilityChanged.connect(self._settle_soon)

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
        self._settle_soon()

    def _settle_soon(self, visible: bool = True) -> None:
        """Built and loaded once the layout has settled, and only if the panel is then in front.

        Laying out the docks (tabbing them together, restoring a saved layout) shows every dock;
        the tabs behind the front one stay "visible" to Qt, only moved out of sight. Building each
        of them made start-up build and query eleven panels the user cannot see, on the lanes the
        first rows wait for. A zero timer runs after the layout is done; choosing a tab later says
        ``visibilityChanged(True)``, which brings its panel in the same way.
        """
        if visible and not self._settle_pending:
            self._settle_pending = True
            QTimer.singleShot(0, self, self._settle)

    def _settle(self) -> None:
        self._settle_pending = False
        if not self.isVisible() or self.behind_another_tab():
            return  # built when it comes to the front (visibilityChanged)
        self.ensure_built()
        if self._stale:
            self._stale = False
            self.refresh()

    def behind_another_tab(self) -> bool:
        """Whether this dock is a tab of a group in which another tab is in front.

        Qt's own tab bars of the dock areas carry each dock in their tab data (a panel's own tab
        bars carry none), so the bar holding this dock says which of its tabs is in front.
        """
        window = self.window()
        if window is self:
            return False  # floating on its own
        me = shiboken6.getCppPointer(self)[0]
        for bar in window.findChildren(QTabBar):
            docks = [bar.tabData(index) for index in range(bar.count())]
            if me in docks:
                return docks.index(me) != bar.currentIndex()
        return False

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
