"""Which panels start-up makes before the first rows: the ones the window will show.

Importing a panel's module brings in its queries and widgets (about a quarter of a second for
the eleven modules on a laptop), and most panels start as tabs behind Partnership CPD. So
start-up imports and makes only the panels on screen, and the rest once the first rows are
shown (``desktop.docks.Docks``). Which ones are on screen is remembered when the window closes,
beside the saved dock layout: a panel floating beside the window, or the front tab of a second
dock group, is made at once too.

Qt only (and the modules' manifests): ``desktop.launch`` asks before SQLAlchemy is imported.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QSettings

from desktop.kit.module import ModuleSpec
from desktop.modules import DEFAULT_MODULE, MODULES
from desktop.preferences import load_preferences

ON_SCREEN_KEY = "window/panels_on_screen"


def panels_on_screen(settings: QSettings) -> list[ModuleSpec]:
    """The chosen first panel and those on screen when the window last closed, in the modules' order.

    Names no longer known (a module renamed since) are passed over, a first panel among them
    gives way to Partnership CPD (as the window's layout does), and an unreadable entry (an
    edited settings file) counts as none.
    """
    known = {module.name for module in MODULES}
    first = load_preferences(settings).first_panel
    wanted = {first if first in known else DEFAULT_MODULE}
    saved = settings.value(ON_SCREEN_KEY)
    if isinstance(saved, str):
        saved = [saved]  # QSettings' INI files give a one-item list back as a string
    if isinstance(saved, list):
        wanted.update(str(name) for name in saved)
    return [module for module in MODULES if module.name in wanted]


def remember_on_screen(settings: QSettings, names: Iterable[str]) -> None:
    settings.setValue(ON_SCREEN_KEY, list(names))
