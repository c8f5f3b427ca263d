"""The docks of the main window, built from the list of modules: created, laid out, in the View menu.

Nothing here names a module: every module comes from ``desktop.modules.MODULES``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.module import MenuAction, ModuleSpec
from desktop.kit.panel import Panel
from desktop.modules import DEFAULT_MODULE, MODULES

log = logging.getLogger(__name__)

#: past this many modules the View menu lists them in a sub-menu, so its own actions stay in reach
SUBMENU_AFTER = 9


def import_panels(modules: Sequence[ModuleSpec] = MODULES) -> None:
    """Import every module's panel class (start-up does this on a worker thread, off the UI thread)."""
    for module in modules:
        module.panel_class()


def create_panels(
    window: QMainWindow, context: AppContext, modules: Sequence[ModuleSpec] = MODULES
) -> dict[str, Panel]:
    panels = {module.name: module.panel_class()(module, context, window) for module in modules}
    apply_default_layout(window, panels)
    return panels


def apply_default_layout(window: QMainWindow, panels: dict[str, Panel], first: str = DEFAULT_MODULE) -> None:
    """All panels as tabs of one area; ``first`` (Preferences; Partnership CPD by default) in front.

    Each panel goes straight into the tab group: added side by side first, five
    panels' minimum widths would make a window already on screen grow past the
    screen's edge (the frame is shown before the panels exist).
    """
    head, *rest = panels.values()
    for panel in panels.values():
        panel.setFloating(False)
    window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, head)
    for panel in rest:
        window.tabifyDockWidget(head, panel)
    for panel in panels.values():
        panel.show()
    (panels.get(first) or panels.get(DEFAULT_MODULE) or head).activate()


def fill_view_menu(menu: QMenu, panels: dict[str, Panel]) -> dict[str, QAction]:
    """One action per panel that brings it to the front (showing it if closed), as a browser's tabs do.

    Not the dock's own ``toggleViewAction``: that one is checked while the dock is open, even when
    it is tabbed behind another, so pressing Ctrl+N on a hidden tab *closed* it. Closing is a
    separate action (View › Close panel, or the dock's own close button).
    """
    actions: dict[str, QAction] = {}
    target = menu.addMenu("&Panels") if len(panels) > SUBMENU_AFTER else menu
    for number, panel in enumerate(panels.values(), start=1):
        action = QAction(icon(panel.icon_name), panel.title, menu)
        action.setObjectName(f"show_{panel.object_name}")
        if number <= 9:
            action.setShortcut(f"Ctrl+{number}")
        action.setToolTip(f"Bring {panel.title} to the front")
        action.triggered.connect(panel.activate)
        target.addAction(action)
        actions[panel.object_name] = action
    return actions


def module_actions(window: QMainWindow, menu: QMenu, before: QAction, panels: dict[str, Panel]) -> dict[str, QAction]:
    """Each module's menu actions, a group per module, inserted in ``menu`` before ``before``."""
    actions: dict[str, QAction] = {}
    for panel in panels.values():
        if not panel.module.actions:
            continue
        for entry in panel.module.actions:
            action = _menu_action(window, entry, panel)
            menu.insertAction(before, action)
            actions[entry.name] = action
        menu.insertSeparator(before)
    return actions


def _menu_action(window: QMainWindow, entry: MenuAction, panel: Panel) -> QAction:
    action = QAction(entry.text, window)
    action.setObjectName(entry.name)
    if entry.icon:
        action.setIcon(icon(entry.icon))
    if entry.tooltip:
        action.setToolTip(entry.tooltip)
    if entry.shortcut:
        standard = getattr(QKeySequence.StandardKey, entry.shortcut, None)
        action.setShortcuts(
            QKeySequence.keyBindings(standard) if standard is not None else [QKeySequence(entry.shortcut)]
        )

    def run() -> None:
        panel.ensure_built()
        getattr(panel, entry.method)()

    action.triggered.connect(run)
    return action


def route_table(panels: dict[str, Panel]) -> dict[str, tuple[Panel, str]]:
    """Route name → (panel, method); two modules answering one route is a mistake caught at start."""
    table: dict[str, tuple[Panel, str]] = {}
    for panel in panels.values():
        for route, method in panel.module.routes.items():
            if route in table:
                raise ValueError(
                    f"route {route!r} is answered by both {table[route][0].object_name} and {panel.object_name}"
                )
            table[route] = (panel, method)
    return table


def follow_route(table: dict[str, tuple[Panel, str]], route: str, value: object) -> bool:
    """Hand ``value`` to the panel that answers ``route`` (which shows itself as it sees fit); False if none does."""
    found = table.get(route)
    if found is None:
        log.warning("No module answers the route %r", route)
        return False
    panel, method = found
    panel.ensure_built()
    getattr(panel, method)(value)
    return True


def front_panel(window: QMainWindow, panels: dict[str, Panel]) -> Panel | None:
    """The panel the user is working in: the one holding the keyboard focus, else the first one on screen."""
    focus = QApplication.focusWidget()
    for panel in panels.values():
        if focus is not None and panel.isAncestorOf(focus):
            return panel
    return next((p for p in panels.values() if p.isVisible() and not p.visibleRegion().isEmpty()), None) or next(
        (p for p in panels.values() if p.isVisible()), None
    )
