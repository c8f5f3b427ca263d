"""What a module tells the main window about itself: its manifest.

A module is one folder, ``desktop/modules/<name>/``, whose ``__init__.py`` holds a
``ModuleSpec``. The main window builds everything a module shows from the list of
specs in ``desktop/modules/__init__.py`` — the dock, its View menu entry and
shortcut, the module's menu actions, the changes it watches and the navigation
routes it answers — and never names a module itself.

A manifest imports nothing heavy: the panel class is named as a string and
imported only when the panels are attached, so the window frame can be painted
before SQLAlchemy and the panels are loaded.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.kit.panel import Panel


@dataclass(frozen=True)
class MenuAction:
    """An entry a module adds to the File menu; triggering it calls ``method`` on the module's panel."""

    name: str  # the QAction's objectName: stable, for tests and screenshots
    text: str
    method: str
    icon: str | None = None
    #: a QKeySequence.StandardKey name ("Print") or a key sequence ("Ctrl+Shift+E")
    shortcut: str | None = None
    tooltip: str = ""


@dataclass(frozen=True)
class ModuleSpec:
    """One module's manifest. ``name`` is its folder, its dock's objectName and its settings key."""

    name: str
    title: str  # as the View menu and the dock's tab show it ("&&" for a literal &)
    icon: str
    panel: str  # "package.module:ClassName", imported when the panels are attached
    #: the change kinds (db.changes.ChangeKind) that make this module's panel stale
    watches: frozenset[str] = frozenset()
    actions: tuple[MenuAction, ...] = ()
    #: navigation routes this module answers: route name → the panel's method taking the route's value
    routes: Mapping[str, str] = field(default_factory=dict)

    def panel_class(self) -> type[Panel]:
        module_name, _, class_name = self.panel.partition(":")
        found: type[Panel] = getattr(importlib.import_module(module_name), class_name)
        return found
