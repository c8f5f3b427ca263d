"""Partnership CPD (C1–C7): the authorisation workbench, budget workbooks and printing."""

from desktop.kit.module import MenuAction, ModuleSpec

MODULE = ModuleSpec(
    name="partnership_cpd",
    title="Partnership CPD",
    icon="partnership_cpd",
    panel="desktop.modules.partnership_cpd.panel:PartnershipCpdPanel",
    watches=frozenset({"activities", "organisations", "data_sharing"}),
    actions=(
        MenuAction(
            "new_request",
            "&New request…",
            "new_request",
            icon="add",
            tooltip="Enter a CPD request on an individual's behalf",
        ),
        MenuAction(
            "export_workbook",
            "&Export budget workbook…",
            "export_workbook",
            icon="export",
            tooltip="Write what Partnership CPD shows to a workbook to review offline",
        ),
        MenuAction(
            "export_view",
            "Export current &view…",
            "export_view",
            icon="export",
            tooltip="The rows and columns Partnership CPD shows, to .xlsx or .csv",
        ),
        MenuAction(
            "import_decisions",
            "&Import decisions…",
            "import_decisions",
            icon="import",
            tooltip="Apply the decisions recorded in a budget workbook",
        ),
        MenuAction(
            "import_requests",
            "Import &requests…",
            "import_requests",
            icon="import",
            tooltip="Add CPD requests from a spreadsheet another CPD system exported or a school kept",
        ),
        MenuAction(
            "print",
            "&Print…",
            "print_list",
            shortcut="Print",
            tooltip="Print the Partnership CPD list as the filter shows it",
        ),
        MenuAction(
            "export_pdf",
            "Export to P&DF…",
            "export_pdf",
            icon="export",
            tooltip="Save the Partnership CPD list as the filter shows it as a PDF",
        ),
    ),
    routes={"activities": "show_filter", "new_request": "new_request"},
)
