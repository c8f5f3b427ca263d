"""The list of modules: the main window builds its docks, menus, shortcuts and routes from it.

Adding a module is a folder ``desktop/modules/<name>/`` with its manifest and one line here
(docs/architecture.md, "Adding a module"). The order is the View menu's and the shortcuts'
(Ctrl+1 is the first).
"""

from desktop.kit.module import ModuleSpec
from desktop.modules import (
    calendar,
    dashboard,
    data_sharing,
    flood_fill,
    inbox,
    notifications,
    organisations,
    partnership_cpd,
    training,
    users_groups,
    users_roles,
)

MODULES: tuple[ModuleSpec, ...] = (
    dashboard.MODULE,
    organisations.MODULE,
    users_groups.MODULE,
    flood_fill.MODULE,
    partnership_cpd.MODULE,
    users_roles.MODULE,
    data_sharing.MODULE,
    inbox.MODULE,
    notifications.MODULE,
    training.MODULE,
    calendar.MODULE,  # last, beside Training events: the panels before it keep their Ctrl+number
)

#: in front when the window first opens (Preferences can choose another): where a CPD lead spends the day
DEFAULT_MODULE = partnership_cpd.MODULE.name
