"""The flood-fill wizard as a widget inside the dock (not a modal dialog).

Three steps on a stack — jobs, activity, review — with Back / Next / Create.
Going back keeps everything (F4); the state is only cleared after a
successful creation, so a refused fill loses nothing.  The review decides the
final list of jobs (one per person, or every chosen job) and that list is
what the service receives.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from db.queries.flood_fill import (
    FloodFillOptions,
    OrganisationShare,
    RepeatedPeople,
    flood_fill_options,
    repeated_people,
    selection_by_organisation,
)
from db.services.flood_fill import FloodFillSpec
from desktop.kit.context import AppContext
from desktop.modules.flood_fill.activity_page import ActivityPage
from desktop.modules.flood_fill.jobs_page import JobsPage
from desktop.modules.flood_fill.review_page import ReviewPage

STEPS = ("1. Choose staff", "2. The activity", "3. Review and create")


class FloodFillWizard(QWidget):
    cancelled = Signal()
    create_requested = Signal(object, object, object)  # FloodFillSpec, list[int], chosen_by

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.spec: FloodFillSpec | None = None
        self.repeats = RepeatedPeople()  # for the selection the review shows
        self._reviewed: tuple[int, ...] = ()  # the selection those repeats were worked out for
        layout = QVBoxLayout(self)
        self.step_label = QLabel("")
        self.step_label.setObjectName("heading")
        layout.addWidget(self.step_label)
        self.stack = QStackedWidget()
        self.jobs_page = JobsPage(context)
        self.activity_page = ActivityPage(context)
        self.review_page = ReviewPage()
        for page in (self.jobs_page, self.activity_page, self.review_page):
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)
        buttons = QHBoxLayout()
        self.cancel_button = QPushButton("Cancel")
        self.count_label = QLabel("")
        self.count_label.setObjectName("heading")
        self.back_button = QPushButton("< Back")
        self.next_button = QPushButton("Next >")
        self.create_button = QPushButton("Create")
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.count_label)
        buttons.addStretch()
        for button in (self.back_button, self.next_button, self.create_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.cancel_button.clicked.connect(self.cancelled.emit)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.create_button.clicked.connect(self._create)
        self.jobs_page.selection_changed.connect(lambda _n: self._update())
        self.review_page.keep_one_changed.connect(lambda _one: self._load_split())
        self._update()

    # -- opening -----------------------------------------------------------------
    def start(self) -> None:
        """Show step 1 (keeping any selection in progress) and load the pickers."""
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: flood_fill_options(db, user_id), self._options_loaded)
        self.jobs_page.load()
        self._update()

    def _options_loaded(self, options: FloodFillOptions) -> None:
        self.jobs_page.set_options(options)
        self.activity_page.set_options(options)

    def reset(self) -> None:
        self.jobs_page.clear()
        self.activity_page.reset()
        self.review_page.keep_one.setChecked(True)
        self.stack.setCurrentIndex(0)
        self._update()

    # -- moving between steps ---------------------------------------------------------
    @property
    def step(self) -> int:
        return self.stack.currentIndex()

    def back(self) -> None:
        if self.step > 0:
            self.stack.setCurrentIndex(self.step - 1)
            self._update()

    def next(self) -> None:
        if self.step == 0 and self.jobs_page.selection:
            self.stack.setCurrentIndex(1)
        elif self.step == 1:
            spec = self.activity_page.checked_spec()
            if spec is None:
                return
            self.spec = spec
            self._load_review()
        self._update()

    def final_job_ids(self) -> list[int]:
        """The jobs that get the activity: the selection, less the repeats the review leaves out."""
        chosen = sorted(self.jobs_page.selection)
        if self.review_page.keeps_one_per_person and tuple(chosen) == self._reviewed:
            dropped = set(self.repeats.drop)
            return [job for job in chosen if job not in dropped]
        return chosen

    def _load_review(self) -> None:
        db, ids = self.context.db, sorted(self.jobs_page.selection)
        self.review_page.summary.setText("Working out the split by organisation…")
        self.stack.setCurrentIndex(2)
        self.next_button.setEnabled(False)
        self.create_button.setEnabled(False)
        self.context.ops.query(lambda: repeated_people(db, ids), lambda found: self._repeats_loaded(ids, found))

    def _repeats_loaded(self, ids: list[int], repeats: RepeatedPeople) -> None:
        if sorted(self.jobs_page.selection) != ids:
            return  # the selection changed meanwhile; a newer review follows
        self.repeats, self._reviewed = repeats, tuple(ids)
        self.review_page.show_repeats(repeats)
        self._load_split()

    def _load_split(self) -> None:
        db, ids = self.context.db, self.final_job_ids()
        self.context.ops.query(
            lambda: selection_by_organisation(db, ids), lambda shares: self._review_loaded(ids, shares)
        )

    def _review_loaded(self, ids: list[int], shares: list[OrganisationShare]) -> None:
        if ids != self.final_job_ids():
            return  # the choice changed meanwhile
        if self.spec is not None and self.step == 2:
            self.review_page.show_plan(self.spec, self.activity_page.describe(), shares)
            self.create_button.setEnabled(True)
        self._update()

    def _create(self) -> None:
        if self.spec is not None and self.jobs_page.selection:
            chosen_by = [dict(item) for item in self.jobs_page.chosen_by]
            self.create_requested.emit(self.spec, self.final_job_ids(), chosen_by)

    def _update(self) -> None:
        count = len(self.jobs_page.selection)
        self.step_label.setText(" › ".join(f"<b>{s}</b>" if n == self.step else s for n, s in enumerate(STEPS)))
        self.count_label.setText(f"{count:,} staff chosen" if count else "No staff chosen yet")
        self.back_button.setEnabled(self.step > 0)
        self.next_button.setVisible(self.step < 2)
        self.next_button.setEnabled(self.step != 0 or count > 0)
        self.next_button.setToolTip("" if count else "Choose at least one member of staff first.")
        self.create_button.setVisible(self.step == 2)
