"""Users & Groups (P1–P3, G1–G3): everyone's jobs across the trust, and group membership."""

from desktop.kit.module import MenuAction, ModuleSpec

MODULE = ModuleSpec(
    name="users_groups",
    title="Users && Groups",  # "&&": Qt reads a single & as a shortcut marker
    icon="groups",
    panel="desktop.modules.users_groups.panel:UsersGroupsPanel",
    watches=frozenset({"groups", "jobs", "organisations", "data_sharing"}),
    actions=(
        MenuAction(
            "import_staff",
            "Import &staff…",
            "import_staff",
            icon="import",
            tooltip="Add and update people and their jobs from a staff list",
        ),
    ),
)
