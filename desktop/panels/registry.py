"""The one place that knows every panel: creates them, lays them out, builds the View menu."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu

from desktop.context import AppContext
from desktop.icons import icon
from desktop.panels.base import Panel
from desktop.panels.dashboard import DashboardPanel
from desktop.panels.flood_fill import FloodFillPanel
from desktop.panels.groups import GroupsPanel
from desktop.panels.organisations import OrganisationsPanel
from desktop.panels.partnership_cpd import PartnershipCpdPanel

PANEL_CLASSES: tuple[type[Panel], ...] = (
    DashboardPanel,
    OrganisationsPanel,
    GroupsPanel,
    FloodFillPanel,
    PartnershipCpdPanel,
)
#: raised when the window first opens: where a CPD lead spends the day
DEFAULT_PANEL = PartnershipCpdPanel.object_name


def create_panels(window: QMainWindow, context: AppContext) -> dict[str, Panel]:
    panels = {cls.object_name: cls(context, window) for cls in PANEL_CLASSES}
    apply_default_layout(window, panels)
    return panels


def apply_default_layout(window: QMainWindow, panels: dict[str, Panel], first: str = DEFAULT_PANEL) -> None:
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
    panels.get(first, panels[DEFAULT_PANEL]).activate()


def fill_view_menu(menu: QMenu, panels: dict[str, Panel]) -> dict[str, QAction]:
    """One action per panel that brings it to the front (showing it if closed), as a browser's tabs do.

    Not the dock's own ``toggleViewAction``: that one is checked while the dock is open, even when
    it is tabbed behind another, so pressing Ctrl+N on a hidden tab *closed* it. Closing is a
    separate action (View › Close panel, or the dock's own close button).
    """
    actions: dict[str, QAction] = {}
    for number, panel in enumerate(panels.values(), start=1):
        action = QAction(icon(panel.icon_name), panel.title, menu)
        action.setObjectName(f"show_{panel.object_name}")
        action.setShortcut(f"Ctrl+{number}")
        action.setToolTip(f"Bring {panel.title} to the front")
        action.triggered.connect(panel.activate)
        menu.addAction(action)
        actions[panel.object_name] = action
    return actions


def front_panel(window: QMainWindow, panels: dict[str, Panel]) -> Panel | None:
    """The panel the user is working in: the one holding the keyboard focus, else the first one on screen."""
    focus = QApplication.focusWidget()
    for panel in panels.values():
        if focus is not None and panel.isAncestorOf(focus):
            return panel
    return next((p for p in panels.values() if p.isVisible() and not p.visibleRegion().isEmpty()), None) or next(
        (p for p in panels.values() if p.isVisible()), None
    )
