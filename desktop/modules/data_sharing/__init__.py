"""Data sharing (D1-D6): agreements between the trust and each school; the trust asks, the school approves."""

from desktop.kit.module import ModuleSpec

MODULE = ModuleSpec(
    name="data_sharing",
    title="Data sharing",
    icon="data_sharing",
    panel="desktop.modules.data_sharing.panel:DataSharingPanel",
    watches=frozenset({"data_sharing", "organisations", "jobs"}),
    #: value: the tab to show ("no_agreement", "pending", "approved") or None
    routes={"data_sharing": "show_tab"},
)
