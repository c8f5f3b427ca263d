"""The one place that knows every panel: creates them, lays them out, builds the View menu."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow, QMenu

from desktop.context import AppContext
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


def apply_default_layout(window: QMainWindow, panels: dict[str, Panel]) -> None:
    """All panels as tabs of one area; Partnership CPD in front.

    Each panel goes straight into the tab group: added side by side first, five
    panels' minimum widths would make a window already on screen grow past the
    screen's edge (the frame is shown before the panels exist).
    """
    first, *rest = panels.values()
    for panel in panels.values():
        panel.setFloating(False)
    window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, first)
    for panel in rest:
        window.tabifyDockWidget(first, panel)
    for panel in panels.values():
        panel.show()
    panels[DEFAULT_PANEL].activate()


def fill_view_menu(menu: QMenu, panels: dict[str, Panel]) -> None:
    for number, panel in enumerate(panels.values(), start=1):
        action = panel.toggleViewAction()
        action.setShortcut(f"Ctrl+{number}")
        menu.addAction(action)
