"""Flood Fill: activities pushed onto many staff at once, and their history (F1-F6)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from db.changes import Kind
from db.queries.flood_fill import FloodFillRow, recent_flood_fills
from desktop.models.flood_fill_table_model import FloodFillTableModel
from desktop.panels.base import Panel
from desktop.widgets import data_table, fit_columns


class FloodFillPanel(Panel):
    object_name = "flood_fill"
    title = "Flood Fill"
    icon_name = "flood_fill"
    watches = frozenset({Kind.FLOOD_FILLS})

    def create_widget(self) -> QWidget:
        root = QWidget()
        layout = QVBoxLayout(root)
        self.heading = QLabel("Flood fills run so far")
        self.heading.setObjectName("heading")
        layout.addWidget(self.heading)
        self.model = FloodFillTableModel(self)
        self.table = data_table(self.model)
        layout.addWidget(self.table, 1)
        return root

    def refresh(self) -> None:
        db = self.context.db
        self.context.ops.query(lambda: recent_flood_fills(db), self._loaded)

    def _loaded(self, rows: list[FloodFillRow]) -> None:
        self.model.set_rows(rows)
        fit_columns(self.table)
        total = sum(row.activity_count for row in rows)
        self.heading.setText(f"Flood fills run so far: {len(rows):,}, creating {total:,} activities")
