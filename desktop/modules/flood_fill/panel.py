"""Flood Fill: push one activity onto many staff at once (F1-F6), and the history of fills.

The wizard lives inside the dock, so the rest of the window stays usable
while it is open and while a fill is being created in the background
(progress in the status bar).  Batches are read-only once created (F6); the
history can open Partnership CPD filtered to one batch's activities.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from db.changes import DataChange
from db.errors import TrustDeskError
from db.queries.activities import ActivityFilter
from db.queries.flood_fill import FloodFillRow, recent_flood_fills
from db.services.flood_fill import FloodFillResult, FloodFillSpec, create_flood_fill
from desktop.dialogs.errors import show_error
from desktop.kit.panel import Panel
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.flood_fill.flood_fill_table_model import FloodFillTableModel
from desktop.modules.flood_fill.wizard import FloodFillWizard


class FloodFillPanel(Panel):
    def create_widget(self) -> QWidget:
        self.stack = QStackedWidget()
        history = QWidget()
        layout = QVBoxLayout(history)
        top = QHBoxLayout()
        self.heading = QLabel("Flood fills run so far")
        self.heading.setObjectName("heading")
        self.new_button = QPushButton("New flood fill…")
        self.show_button = QPushButton("Show its activities")
        self.show_button.setEnabled(False)
        self.show_button.setToolTip("Open Partnership CPD filtered to the selected flood fill.")
        top.addWidget(self.heading, 1)
        top.addWidget(self.show_button)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        self.running_label = QLabel("")
        layout.addWidget(self.running_label)
        self.model = FloodFillTableModel(self)
        self.table = data_table(self.model)
        layout.addWidget(self.table, 1)
        note = QLabel("A flood fill cannot be edited once created; its activities are decided one by one as usual.")
        layout.addWidget(note)
        self.wizard = FloodFillWizard(self.context)
        self.stack.addWidget(history)
        self.stack.addWidget(self.wizard)
        self.new_button.clicked.connect(self.open_wizard)
        self.show_button.clicked.connect(self.show_selected_activities)
        self.table.doubleClicked.connect(lambda _index: self.show_selected_activities())
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.show_button.setEnabled(self.table.selectionModel().hasSelection())
        )
        self.wizard.cancelled.connect(lambda: self.stack.setCurrentIndex(0))
        self.wizard.create_requested.connect(self.create_in_background)
        self._running = False
        return self.stack

    def refresh_for(self, change: DataChange) -> None:
        if not self.made_here(change):  # our own fill: ``_created`` refreshes, on screen or not
            self.refresh()

    def refresh(self) -> None:
        self._generation = getattr(self, "_generation", 0) + 1
        generation, db = self._generation, self.context.db
        self.context.ops.query(lambda: recent_flood_fills(db), lambda rows: self._loaded(generation, rows))

    def _loaded(self, generation: int, rows: list[FloodFillRow]) -> None:
        if generation != self._generation:
            return  # a reply overtaken by a newer refresh
        self.model.set_rows(rows)
        fit_columns(self.table)
        total = sum(row.activity_count for row in rows)
        self.heading.setText(f"Flood fills run so far: {len(rows):,}, creating {total:,} activities")

    # -- the wizard ----------------------------------------------------------------
    def open_wizard(self) -> None:
        self.stack.setCurrentIndex(1)
        self.wizard.start()

    def create_in_background(
        self, spec: FloodFillSpec, job_ids: list[int], chosen_by: list[dict] | None = None
    ) -> None:
        if self._running:
            self.context.navigator.tell("A flood fill is already being created; wait for it to finish.")
            return
        self._running = True
        self.wizard.create_button.setEnabled(False)
        self.stack.setCurrentIndex(0)
        self.running_label.setText(f"Creating “{spec.title}” for {len(job_ids):,} staff in the background…")
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda progress: create_flood_fill(
                db, user_id, spec, job_ids, progress=progress, chosen_by=chosen_by or ()
            ),
            lambda result: self._created(spec, result),
            self._failed,
            title=f"Flood fill: {spec.title}",
            cancellable=True,
            origin=self,
        )

    def _created(self, spec: FloodFillSpec, result: FloodFillResult) -> None:
        self._running = False
        self.wizard.create_button.setEnabled(True)
        self.wizard.reset()
        self.running_label.setText("")
        orgs = len(result.by_organisation)
        self.context.navigator.tell(
            f"Flood fill “{spec.title}” created: {result.activity_count:,} activities at {orgs:,} "
            f"organisation{'' if orgs == 1 else 's'}."
        )
        self.refresh()  # our own history, whether or not the bus finds this dock on screen

    def _failed(self, error: TrustDeskError) -> None:
        """Nothing was created; back to the review with everything as it was."""
        self._running = False
        self.wizard.create_button.setEnabled(True)
        self.running_label.setText("")
        self.stack.setCurrentIndex(1)
        show_error(self, error)

    def show_selected_activities(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            batch = self.model.row_at(rows[0].row())
            self.context.navigator.go("activities", ActivityFilter(flood_fill_batch_id=batch.id))
