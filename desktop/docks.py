"""The docks of the main window, built from the list of modules: made, laid out, in the View menu.

Nothing here names a module: every module comes from ``desktop.modules.MODULES``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QByteArray, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMenu

from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.module import MenuAction, ModuleSpec
from desktop.kit.panel import Panel
from desktop.modules import DEFAULT_MODULE, MODULES

log = logging.getLogger(__name__)

#: past this many modules the View menu lists them in a sub-menu, so its own actions stay in reach
SUBMENU_AFTER = 9
#: logged when every module's panel is in the window; bench/bench_startup.py times it
ALL_PANELS_IN = "All panels in"


def import_panels(modules: Sequence[ModuleSpec] = MODULES) -> None:
    """Import these modules' panel classes (start-up does this on a worker thread, off the UI thread)."""
    for module in modules:
        module.panel_class()


class Docks(QObject):
    """The window's panels: those on screen made at once, the others after the first rows or when asked for.

    ``panels`` holds the panels made so far, in the modules' order. ``get`` makes a missing one on
    the spot (a View menu entry, a shortcut or a drill-through used before the rest are in), so
    nothing that names a panel has to wait for ``bring_in_the_rest``.

    A panel made after the saved layout was restored goes back to its saved place (Qt keeps a
    place for a dock the layout names but the window does not have yet: ``restoreDockWidget``),
    closed if it was closed; without a saved place it joins the first panel's tabs. Either way the
    panels the user sees stay in front.
    """

    #: every module's panel is in the window
    completed = Signal()

    def __init__(
        self, window: QMainWindow, context: AppContext, first: str, modules: Sequence[ModuleSpec] = MODULES
    ) -> None:
        super().__init__(window)
        self.window = window
        self.context = context
        self.first = first
        self.modules = {module.name: module for module in modules}
        self.panels: dict[str, Panel] = {}
        self._restored = False
        self._finished = False

    @property
    def complete(self) -> bool:
        return len(self.panels) == len(self.modules)

    def on_screen(self) -> list[Panel]:
        """The panels the user sees: open and not a tab behind another (floating ones included)."""
        return [panel for panel in self.panels.values() if panel.isVisible() and not panel.behind_another_tab()]

    def missing(self) -> list[ModuleSpec]:
        return [module for name, module in self.modules.items() if name not in self.panels]

    def bring_in(self, modules: Iterable[ModuleSpec], state: QByteArray | None, version: int) -> None:
        """The first panels: made, laid out as tabs, then as the saved ``state`` says (if it can be read)."""
        for module in modules:
            self.panels[module.name] = module.panel_class()(module, self.context, self.window)
        self._keep_module_order()
        apply_default_layout(self.window, self.panels, self.first)
        if state is not None:
            self._restored = self.window.restoreState(state, version)

    def get(self, name: str) -> Panel:
        """The panel of module ``name``, made now if it is not yet in the window."""
        if name not in self.panels:
            self._add([self.modules[name]])
        return self.panels[name]

    def bring_in_the_rest(self) -> None:
        """Import the missing panels' modules off the UI thread, then add them (after the first rows)."""
        missing = self.missing()
        if not missing:
            self._finish()
            return
        self.context.ops.query(lambda: import_panels(missing), lambda _none: self.add_missing())

    def add_missing(self) -> None:
        self._add(self.missing())
        self._finish()

    def _finish(self) -> None:
        if self._finished:
            return
        self._finished = True
        log.info("%s (%d)", ALL_PANELS_IN, len(self.panels))
        self.completed.emit()

    def _add(self, modules: list[ModuleSpec]) -> None:
        """Panels made after the first ones, each into its saved place or else a tab beside the first panel.

        A dock restored into its saved tab group may come back as that group's front tab (it was
        in front when the layout was saved), so the panels the user sees now are raised again
        afterwards, all at once: which tab is in front is read from the dock areas' tab bars,
        which are only brought up to date when the window lays itself out.
        """
        in_front = self.on_screen()
        tabbed_beside: QDockWidget | None = None
        for module in modules:
            panel = module.panel_class()(module, self.context, self.window)
            self.panels[module.name] = panel
            if not (self._restored and self.window.restoreDockWidget(panel)):
                anchor = self._anchor()
                if anchor is None:
                    self.window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, panel)
                else:
                    self.window.tabifyDockWidget(anchor, panel)
                    tabbed_beside = anchor
                panel.show()
        self._keep_module_order()
        if tabbed_beside is not None:
            self._order_tabs(tabbed_beside)
        for shown in in_front:
            shown.raise_()

    def _order_tabs(self, member: QDockWidget) -> None:
        """The tabs of ``member``'s group in the modules' order, as the View menu and Ctrl+1… number them.

        A dock tabbed onto a group goes to its end, so moving each in turn to the end orders them.
        """
        group = [member, *self.window.tabifiedDockWidgets(member)]
        ordered = [panel for panel in self.panels.values() if panel in group]
        for panel in ordered:
            self.window.tabifyDockWidget(next(other for other in ordered if other is not panel), panel)

    def _anchor(self) -> QDockWidget | None:
        """The docked panel a new one joins as a tab: the first panel if it is docked and open, else any such."""
        docked = [panel for panel in self.panels.values() if not panel.isFloating() and not panel.isHidden()]
        chosen = self.panels.get(self.first)
        return chosen if chosen in docked else next(iter(docked), None)

    def _keep_module_order(self) -> None:
        ordered = {name: self.panels[name] for name in self.modules if name in self.panels}
        self.panels.clear()
        self.panels.update(ordered)


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


PanelFor = Callable[[str], Panel]


def fill_view_menu(menu: QMenu, modules: Sequence[ModuleSpec], panel_for: PanelFor) -> dict[str, QAction]:
    """One action per module that brings its panel to the front (showing it if closed), as a browser's tabs do.

    Not the dock's own ``toggleViewAction``: that one is checked while the dock is open, even when
    it is tabbed behind another, so pressing Ctrl+N on a hidden tab *closed* it. Closing is a
    separate action (View › Close panel, or the dock's own close button). ``panel_for`` gives the
    module's panel, making it if it is not in the window yet.
    """
    actions: dict[str, QAction] = {}
    target = menu.addMenu("&Panels") if len(modules) > SUBMENU_AFTER else menu
    for number, module in enumerate(modules, start=1):
        action = QAction(icon(module.icon), module.title, menu)
        action.setObjectName(f"show_{module.name}")
        if number <= 9:
            action.setShortcut(f"Ctrl+{number}")
        action.setToolTip(f"Bring {module.title} to the front")
        action.triggered.connect(lambda _checked=False, name=module.name: panel_for(name).activate())
        target.addAction(action)
        actions[module.name] = action
    return actions


def module_actions(
    window: QMainWindow, menu: QMenu, before: QAction, modules: Sequence[ModuleSpec], panel_for: PanelFor
) -> dict[str, QAction]:
    """Each module's menu actions, a group per module, inserted in ``menu`` before ``before``."""
    actions: dict[str, QAction] = {}
    for module in modules:
        if not module.actions:
            continue
        for entry in module.actions:
            action = _menu_action(window, entry, module.name, panel_for)
            menu.insertAction(before, action)
            actions[entry.name] = action
        menu.insertSeparator(before)
    return actions


def _menu_action(window: QMainWindow, entry: MenuAction, name: str, panel_for: PanelFor) -> QAction:
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
        panel = panel_for(name)
        panel.ensure_built()
        getattr(panel, entry.method)()

    action.triggered.connect(run)
    return action


def route_table(modules: Sequence[ModuleSpec]) -> dict[str, tuple[str, str]]:
    """Route name → (module name, method); two modules answering one route is a mistake caught at start."""
    table: dict[str, tuple[str, str]] = {}
    for module in modules:
        for route, method in module.routes.items():
            if route in table:
                raise ValueError(f"route {route!r} is answered by both {table[route][0]} and {module.name}")
            table[route] = (module.name, method)
    return table


def follow_route(table: dict[str, tuple[str, str]], panel_for: PanelFor, route: str, value: object) -> bool:
    """Hand ``value`` to the panel that answers ``route`` (which shows itself as it sees fit); False if none does."""
    found = table.get(route)
    if found is None:
        log.warning("No module answers the route %r", route)
        return False
    name, method = found
    panel = panel_for(name)
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
