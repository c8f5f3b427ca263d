"""Dashboard: the figures a CPD lead checks first, for the trust or one school (DB1).

Every figure drills through: a card, a month's bar or a school's spend bar
opens Partnership CPD filtered to exactly the activities behind it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.models import CompletionState, CpdTeamState, LineManagerState, Module, PartnershipState
from db.queries.activities import ActivityFilter
from db.queries.dashboard import DashboardFigures, dashboard_figures
from db.queries.evaluation_figures import EvaluationFigures
from db.queries.lookups import Lookups, load_lookups
from db.queries.training_events import EventFilter, EventView, FreePlaces, upcoming_with_free_places
from desktop.kit.formatting import whole_money
from desktop.kit.panel import Panel
from desktop.kit.sharing_banner import SharingBanner
from desktop.kit.spend_table_model import SpendTableModel
from desktop.kit.widgets import Card, data_table, fit_columns
from desktop.modules.dashboard.evaluation_models import hours_text
from desktop.modules.dashboard.evaluation_tabs import EvaluationTabs

AUTHORISED = {"partnership_state": PartnershipState.AUTHORISED}
COMPLETED = {"completion_state": CompletionState.COMPLETED}
#: card key → (title, tooltip, the filter fields it drills into)
CARDS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "pending_line_manager": (
        "Awaiting line manager agreement",
        "Open these activities",
        {"line_manager_state": LineManagerState.PENDING},
    ),
    "pending_cpd_team": (
        "Awaiting CPD team approval",
        "Open these activities",
        {"cpd_team_state": CpdTeamState.PENDING},
    ),
    "pending_partnership": (
        "Awaiting partnership authorisation",
        "Open these activities",
        {"partnership_state": PartnershipState.PENDING},
    ),
    "needs_reauthorisation": (
        "Changed after a decision: re-authorise",
        "Open these activities",
        {"partnership_state": PartnershipState.NEEDS_REAUTHORISATION},
    ),
    "authorised": ("Authorised spend", "Open the authorised activities", AUTHORISED),
    "cover_days": ("Cover days authorised", "Open the authorised activities", AUTHORISED),
    "completion": ("Completion rate (completed of all requested)", "Open the completed activities", COMPLETED),
    "without_evaluation": (
        "Completed without an evaluation",
        "Open the completed activities that have no evaluation",
        {**COMPLETED, "without_evaluation": True},
    ),
    "evaluation_rate": (
        "Evaluated (of completed)",
        "Completed activities with an evaluation, of all completed; click to open the completed activities",
        COMPLETED,
    ),
    "hours": (
        "CPD hours evaluated",
        "Hours recorded in evaluations; click to open the completed activities",
        COMPLETED,
    ),
}
MONTH_DRILL: dict[str, dict[str, Any]] = {"requested": {}, "authorised": AUTHORISED, "completed": COMPLETED}


def _next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


class DashboardPanel(Panel):
    def create_widget(self) -> QWidget:
        from desktop.modules.dashboard.charts import MonthChart, SpendChart  # QtCharts only once the dashboard is shown

        self._lookups: Lookups | None = None
        self.figures: DashboardFigures | None = None
        root = QWidget()
        layout = QVBoxLayout(root)
        self.sharing_banner = SharingBanner(self.context)  # D6: the figures leave out schools that do not share
        layout.addWidget(self.sharing_banner)
        bar = QHBoxLayout()
        self.org_box = QComboBox()
        self.period_box = QComboBox()
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.org_box, 1)
        bar.addWidget(QLabel("Period"))
        bar.addWidget(self.period_box)
        layout.addLayout(bar)

        grid = QGridLayout()
        self.cards = {key: Card(title, hint) for key, (title, hint, _extra) in CARDS.items()}
        for position, (key, card) in enumerate(self.cards.items()):
            grid.addWidget(card, position // 5, position % 5)
            card.clicked.connect(lambda key=key: self.drill(**CARDS[key][2]))
        self.free_places_card = Card("Upcoming events with free places", "Open these training events")
        self.free_places_card.setObjectName("free_places_card")
        self.free_places_card.clicked.connect(self._open_free_places)
        grid.addWidget(self.free_places_card, 0, 5, 2, 1)  # beside the two rows: no taller on a small screen
        layout.addLayout(grid)

        self.month_chart = MonthChart()
        self.month_chart.bar_clicked.connect(self._month_clicked)
        self.spend_chart = SpendChart()
        self.spend_chart.organisation_clicked.connect(lambda org_id: self.drill(organisation_id=org_id, **AUTHORISED))
        spend_scroll = QScrollArea()
        spend_scroll.setWidgetResizable(True)
        spend_scroll.setWidget(self.spend_chart)
        spend_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.spend_model = SpendTableModel(self)
        self.spend_table = data_table(self.spend_model, stretch_last=False)
        self.spend_table.setToolTip("Double-click an organisation to open its authorised activities")
        self.spend_table.doubleClicked.connect(self._spend_row_activated)
        self.spend_tabs = QTabWidget()
        self.spend_tabs.addTab(spend_scroll, "Spend by school")
        self.spend_tabs.addTab(self.spend_table, "Spend table")
        self.evaluation_tabs = EvaluationTabs(self.context, self.spend_tabs, self.drill, self._evaluations_loaded)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.month_chart)
        splitter.addWidget(self.spend_tabs)
        splitter.setChildrenCollapsible(False)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([600, 400])
        self.month_chart.setMinimumWidth(420)
        spend_scroll.setMinimumWidth(360)
        layout.addWidget(splitter, 1)
        self.spend_label = QLabel()
        layout.addWidget(self.spend_label)

        self.org_box.currentIndexChanged.connect(self._load)
        self.period_box.currentIndexChanged.connect(self._load)
        self._request = 0
        return root

    def refresh(self) -> None:
        self.sharing_banner.reload()
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: upcoming_with_free_places(db, user_id), self._free_places_loaded)
        if self._lookups is None:
            db, user_id = self.context.db, self.context.user.id
            self.context.ops.query(lambda: load_lookups(db, user_id, Module.DASHBOARD), self._lookups_loaded)
        else:
            self._load()

    def _lookups_loaded(self, lookups: Lookups) -> None:
        self._lookups = lookups
        for box in (self.org_box, self.period_box):
            box.blockSignals(True)
        self.org_box.addItem("The whole trust", None)
        for choice in lookups.organisations:
            self.org_box.addItem(choice.label, choice.id)
        for choice in lookups.periods:
            self.period_box.addItem(choice.label, choice.id)
        self.period_box.setCurrentIndex(max(0, self.period_box.findData(lookups.current_period_id)))
        for box in (self.org_box, self.period_box):
            box.blockSignals(False)
        self._load()

    def _load(self) -> None:
        period_id = self.period_box.currentData()
        if period_id is None:
            return
        org_id = self.org_box.currentData()
        self._request += 1
        request = self._request
        db, user_id = self.context.db, self.context.user.id
        self.spend_label.setText("Loading…")
        self.context.ops.query(
            lambda: dashboard_figures(db, user_id, period_id, org_id),
            lambda figures: self._loaded(request, figures),
            lambda error: self.spend_label.setText(f"Could not load the dashboard: {error.message}"),
        )

    def _loaded(self, request: int, figures: DashboardFigures) -> None:
        if request != self._request:
            return  # a newer choice of organisation or period is on its way
        self.figures = figures
        # What the CPD was worth is read once the first figures are in, so they never wait for it.
        self.evaluation_tabs.load(self.period_box.currentData(), self.org_box.currentData())
        self.cards["pending_line_manager"].set_value(f"{figures.pending_line_manager:,}")
        self.cards["pending_cpd_team"].set_value(f"{figures.pending_cpd_team:,}")
        self.cards["pending_partnership"].set_value(f"{figures.pending_partnership:,}")
        self.cards["needs_reauthorisation"].set_value(
            f"{figures.needs_reauthorisation:,}", warning=figures.needs_reauthorisation > 0
        )
        self.cards["authorised"].set_value(whole_money(figures.authorised_pence), warning=figures.over_budget > 0)
        self.cards["cover_days"].set_value(f"{figures.cover_days:,.1f}".removesuffix(".0"))
        self.cards["completion"].set_value(f"{figures.completion_rate:.0%}")
        self.cards["without_evaluation"].set_value(
            f"{figures.without_evaluation:,}", warning=figures.without_evaluation > 0
        )
        rate = figures.evaluation_rate
        self.cards["evaluation_rate"].set_value("—" if rate is None else f"{rate:.0%}")
        self.cards["authorised"].setToolTip(
            f"{figures.authorised:,} activities authorised; {figures.over_budget} organisations over budget. "
            "Click to open the authorised activities."
        )
        self.month_chart.set_months(figures.months, (figures.activities, figures.authorised, figures.completed))
        self.spend_chart.set_rows(figures.spend)
        self.spend_model.set_rows(figures.spend)
        fit_columns(self.spend_table)
        self.spend_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        over = figures.over_budget
        self.spend_label.setText(
            f"{figures.activities:,} activities in the period · "
            + (f"{over} over budget" if over else "every organisation within budget")
            + " · click any figure or bar to open the activities behind it"
        )

    def _evaluations_loaded(self, figures: EvaluationFigures | None, error: str) -> None:
        card = self.cards["hours"]
        if figures is None:
            card.set_value("?")
            card.setToolTip(f"Could not load the evaluations: {error}")
            return
        card.set_value(hours_text(figures.hours))
        average = figures.average_rating
        rated = "no ratings yet" if average is None else f"average rating {average:.1f} of 5"
        card.setToolTip(
            f"{figures.evaluations:,} evaluations by {figures.people:,} people; {rated}. "
            "Click to open the completed activities."
        )

    def _free_places_loaded(self, free: FreePlaces) -> None:
        """Training events (T1) are the trust's, not a period's or one school's: the card ignores the filters."""
        self.free_places_card.set_value(f"{free.count:,}")
        soonest = "; ".join(f"{row.title} ({row.starts_on:%d %b}, {row.free if row.free is not None else 'no limit'} "
                            "free)" for row in free.soonest)  # fmt: skip
        self.free_places_card.setToolTip(f"Soonest: {soonest}. Click to open them." if soonest else "None coming up.")

    def _open_free_places(self) -> None:
        """The events list, soonest first, with the soonest event's detail open."""
        self.context.navigator.go("training_events", EventFilter(view=EventView.UPCOMING, free_only=True))

    # -- drill-through -------------------------------------------------------------
    def drill(self, **extra: Any) -> None:
        """Open Partnership CPD on this period (and organisation) narrowed by ``extra``."""
        fields: dict[str, Any] = {
            "period_id": self.period_box.currentData(),
            "organisation_id": self.org_box.currentData(),
        }
        fields.update(extra)
        self.context.navigator.go("activities", ActivityFilter(**fields))

    def _month_clicked(self, which: str, index: int) -> None:
        if self.figures is None or not 0 <= index < len(self.figures.months):
            return
        first = self.figures.months[index].starts_on
        self.drill(starts_from=first, starts_before=_next_month(first), **MONTH_DRILL[which])

    def _spend_row_activated(self, index: Any) -> None:
        row = self.spend_model.row_at(index.row())
        self.drill(organisation_id=row.organisation_id, **AUTHORISED)
