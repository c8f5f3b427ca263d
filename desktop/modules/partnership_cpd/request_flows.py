"""The Partnership CPD panel's request actions (C1, C2): New request…, and the line manager's
and CPD team's answers for the ticked rows.

Kept out of panel.py: the panel builds the buttons from here, tells them what
is ticked, and answers the menu action and the "new_request" route (a person's
row in Users & Groups offers "New CPD request…" for that job).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QPushButton

from db.queries.request_form import JobChoice, job_choice
from db.services.layer_decisions import Layer, LayerResult
from db.services.requests import RequestResult
from desktop.kit.icons import icon
from desktop.modules.partnership_cpd.activity_table_model import READING_TICKS
from desktop.modules.partnership_cpd.layer_dialog import LayerDecisionDialog
from desktop.modules.partnership_cpd.request_dialog import RequestDialog

if TYPE_CHECKING:
    from desktop.modules.partnership_cpd.panel import PartnershipCpdPanel

NEW_REQUEST_KEYS = "Ctrl+Shift+N"


class RequestFlows:
    def __init__(self, panel: PartnershipCpdPanel) -> None:
        self.panel = panel
        self.new_button = QPushButton(icon("add"), "New request…")
        self.new_button.setToolTip(f"Enter a CPD request on an individual's behalf ({NEW_REQUEST_KEYS})")
        self.line_manager_button = QPushButton("Line manager…")
        self.line_manager_button.setToolTip("Record the line manager's agreement for the ticked activities")
        self.cpd_team_button = QPushButton("CPD team…")
        self.cpd_team_button.setToolTip("Approve or decline the ticked activities for the CPD team")
        self.new_button.clicked.connect(lambda: self.new_request())
        self.line_manager_button.clicked.connect(lambda: self.decide(Layer.LINE_MANAGER))
        self.cpd_team_button.clicked.connect(lambda: self.decide(Layer.CPD_TEAM))

    @property
    def layer_buttons(self) -> tuple[QPushButton, QPushButton]:
        return (self.line_manager_button, self.cpd_team_button)

    def sync(self, can_decide: bool, ticked: int) -> None:
        """Shown to deciders, like Authorise; usable once something is ticked."""
        for button in self.layer_buttons:
            button.setVisible(can_decide)
            button.setEnabled(can_decide and ticked > 0)

    # -- new request ----------------------------------------------------------------------------------
    def new_request(self, job_id: int | None = None) -> None:
        """Open the New request dialog; with ``job_id`` the individual is already chosen."""
        if job_id is None:
            self._open(None)
            return
        db = self.panel.context.db
        self.panel.context.ops.query(lambda: job_choice(db, job_id), self._open)

    def _open(self, job: JobChoice | None) -> None:
        dialog = RequestDialog(self.panel.context, self.panel, job=job)
        dialog.saved.connect(self._entered)
        dialog.open()

    def _entered(self, _result: RequestResult) -> None:
        self.panel.context.navigator.tell("Request entered; the individual will be notified.")

    # -- the layers -------------------------------------------------------------------------------------
    def decide(self, layer: Layer, rows: Mapping[int, int] | None = None) -> None:
        """Answer for the ticked rows, or only ``rows`` (id → version: the row menu's one row)."""
        if rows is None and self.panel.model.reading_ticks:
            self.panel.context.navigator.tell(READING_TICKS)
            return
        ticked = self.panel.model.ticked if rows is None else dict(rows)
        if not ticked:
            self.panel.context.navigator.tell("Tick the activities to answer for first.")
            return
        dialog = LayerDecisionDialog(self.panel.context, layer, ticked, self.panel)
        dialog.decided.connect(self._decided)
        dialog.open()

    def _decided(self, result: LayerResult) -> None:
        if result.applied:
            self.panel.model.untick(result.applied)
