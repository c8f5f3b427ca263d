"""Organisations (O1, O2, C7): the trust's schools, each one's page and budgets, and the GIAS import."""

from desktop.kit.module import MenuAction, ModuleSpec

MODULE = ModuleSpec(
    name="organisations",
    title="Organisations",
    icon="organisations",
    panel="desktop.modules.organisations.panel:OrganisationsPanel",
    watches=frozenset({"organisations", "jobs", "budgets", "data_sharing"}),
    actions=(
        MenuAction(
            "import_gias",
            "Import from &GIAS…",
            "import_from_gias",
            icon="import",
            tooltip="Create or update the trust's establishments from a GIAS extract",
        ),
    ),
    routes={"organisation": "open_page"},
)
