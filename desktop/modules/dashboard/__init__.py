"""Dashboard (DB1): pending decisions, spend, cover and completion for the trust or one school."""

from desktop.kit.module import ModuleSpec

MODULE = ModuleSpec(
    name="dashboard",
    title="Dashboard",
    icon="dashboard",
    panel="desktop.modules.dashboard.panel:DashboardPanel",
    watches=frozenset({"activities", "budgets", "organisations", "flood_fills", "data_sharing", "training_events"}),
)
