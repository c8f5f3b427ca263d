"""Organisations: the index of the trust's organisations (O1)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from db.changes import Kind
from db.queries.organisations import OrganisationFilter, OrganisationRow, list_organisations
from desktop.models.organisation_table_model import OrganisationTableModel
from desktop.panels.base import Panel
from desktop.widgets import data_table, fit_columns


class OrganisationsPanel(Panel):
    object_name = "organisations"
    title = "Organisations"
    icon_name = "organisations"
    watches = frozenset({Kind.ORGANISATIONS, Kind.JOBS, Kind.SHARING})

    def create_widget(self) -> QWidget:
        root = QWidget()
        layout = QVBoxLayout(root)
        bar = QHBoxLayout()
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search by name, URN or leader…")
        self.search_box.setClearButtonEnabled(True)
        self.closed_box = QCheckBox("Show closed and proposed")
        bar.addWidget(self.search_box, 1)
        bar.addWidget(self.closed_box)
        layout.addLayout(bar)
        self.model = OrganisationTableModel(self)
        self.table = data_table(self.model)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        self.search_box.textChanged.connect(self._timer.start)
        self.closed_box.toggled.connect(self.refresh)
        self._sized = False
        return root

    def refresh(self) -> None:
        filt = OrganisationFilter(search=self.search_box.text(), include_closed=self.closed_box.isChecked())
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: list_organisations(db, user_id, filt), self._loaded)

    def _loaded(self, rows: list[OrganisationRow]) -> None:
        self.model.set_rows(rows)
        if not self._sized and rows:
            fit_columns(self.table)
            self._sized = True
        self.count_label.setText(f"{len(rows):,} organisations" if rows else "No organisations match.")
