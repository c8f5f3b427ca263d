"""Flood Fill (F1–F6): one activity pushed onto many staff, and the history of fills."""

from desktop.kit.module import ModuleSpec

MODULE = ModuleSpec(
    name="flood_fill",
    title="Flood Fill",
    icon="flood_fill",
    panel="desktop.modules.flood_fill.panel:FloodFillPanel",
    watches=frozenset({"flood_fills"}),
)
