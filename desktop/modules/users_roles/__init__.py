"""Users & roles (A1): the trust's users, their grants, and the permissions report."""

from desktop.kit.module import MenuAction, ModuleSpec

MODULE = ModuleSpec(
    name="users_roles",
    title="Users && roles",  # "&&": Qt reads a single & as a shortcut marker
    icon="user",
    panel="desktop.modules.users_roles.panel:UsersRolesPanel",
    # and "users" (db.queries.users.USERS), which every panel treats as relevant (desktop/kit/panel.py):
    # jobs, organisations and groups change what a user's row and grants say
    watches=frozenset({"jobs", "organisations", "groups"}),
    actions=(
        MenuAction(
            "permissions_report",
            "Permissions &report…",
            "open_permissions_report",
            icon="audit",
            tooltip="Every grant of every user: who holds what, where, granted by whom and when",
        ),
    ),
)
