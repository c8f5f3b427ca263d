"""Step 3 (F4): what will be created, split by organisation, before anything is.

When the selection holds two jobs of one person (a school job and its
partnership job, or jobs at two schools) the page says how many people that
is and lets the lead keep one job per person — by default the school job —
or every chosen job; the split and the totals follow the choice, and the
service receives exactly the jobs shown.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QFrame, QLabel, QRadioButton, QVBoxLayout, QWidget

from db.queries.flood_fill import OrganisationShare, RepeatedPeople
from db.services.flood_fill import FloodFillSpec
from desktop.kit.formatting import day, money
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.flood_fill.organisation_share_table_model import OrganisationShareTableModel


class ReviewPage(QWidget):
    keep_one_changed = Signal(bool)  # True: one job per person

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.repeat_box = QFrame()
        self.repeat_box.setFrameShape(QFrame.Shape.StyledPanel)
        repeat_layout = QVBoxLayout(self.repeat_box)
        self.repeat_label = QLabel("")
        self.repeat_label.setWordWrap(True)
        self.keep_one = QRadioButton("")
        self.keep_all = QRadioButton("")
        self.keep_one.setChecked(True)
        self._keep_group = QButtonGroup(self)
        for button in (self.keep_one, self.keep_all):
            self._keep_group.addButton(button)
        for widget in (self.repeat_label, self.keep_one, self.keep_all):
            repeat_layout.addWidget(widget)
        self.repeat_box.hide()
        layout.addWidget(self.repeat_box)
        self.keep_one.toggled.connect(self.keep_one_changed.emit)

        self.model = OrganisationShareTableModel(self)
        self.table = data_table(self.model)
        layout.addWidget(self.table, 1)
        self.note = QLabel(
            "Creating runs in the background: you can keep working, and the progress shows in the status bar. "
            "A flood fill cannot be edited afterwards."
        )
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

    def show_repeats(self, repeats: RepeatedPeople) -> None:
        """Offer one job per person (the default) or all, when anyone is chosen more than once."""
        self.repeat_box.setVisible(repeats.people > 0)
        if not repeats.people:
            return
        people = f"{repeats.people:,} {'person appears' if repeats.people == 1 else 'people appear'}"
        examples = "".join(f"<br>· {example}" for example in repeats.examples)
        more = (
            f"<br>· and {repeats.people - len(repeats.examples):,} more"
            if repeats.people > len(repeats.examples)
            else ""
        )
        self.repeat_label.setText(
            f"<b>{people} more than once</b> in the selection (a school job and its partnership job, "
            f"or jobs at two schools), so they would get this activity twice.{examples}{more}"
        )
        dropped = len(repeats.drop)
        which = (
            "the school job"
            if repeats.partnership_jobs_dropped == dropped
            else "the school job; between two schools, the first by name"
        )
        self.keep_one.setText(f"One activity per person: keep {which} ({dropped:,} jobs left out)")
        self.keep_all.setText(f"Every chosen job ({repeats.people:,} people get the activity more than once)")

    @property
    def keeps_one_per_person(self) -> bool:
        return self.keep_one.isChecked()

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
