"""Step 3 (F4): what will be created, split by organisation, before anything is."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from db.queries.flood_fill import OrganisationShare
from db.services.flood_fill import FloodFillSpec
from desktop.formatting import day, money
from desktop.models.organisation_share_table_model import OrganisationShareTableModel
from desktop.widgets import data_table, fit_columns


class ReviewPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = OrganisationShareTableModel(self)
        self.table = data_table(self.model)
        layout.addWidget(self.table, 1)
        self.note = QLabel(
            "Creating runs in the background: you can keep working, and the progress shows in the status bar. "
            "A flood fill cannot be edited afterwards."
        )
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

    def show_plan(self, spec: FloodFillSpec, details: list[tuple[str, str]], shares: list[OrganisationShare]) -> None:
        total = sum(share.jobs for share in shares)
        per_person = spec.course_fee_pence + spec.cover_cost_pence + spec.travel_cost_pence + spec.other_cost_pence
        when = day(spec.starts_on) if spec.starts_on == spec.ends_on else f"{day(spec.starts_on)} – {day(spec.ends_on)}"
        lines = [
            f"<b>{spec.title}</b> ({spec.activity_type}{', ' + spec.provider if spec.provider else ''}), {when}",
            f"{total:,} activities at {len(shares):,} organisations; {money(per_person)} each, "
            f"{money(per_person * total)} in all; {spec.cover_days:g} cover days each.",
            *(f"{label}: {value}" for label, value in details),
            "<b>Pre-authorised</b> by you on creation."
            if spec.pre_authorise
            else "Not pre-authorised: each activity starts pending.",
        ]
        self.summary.setText("<br>".join(lines))
        self.model.set_rows(shares)
        fit_columns(self.table)
