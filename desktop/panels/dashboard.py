"""Dashboard: the figures a CPD lead checks first, for the trust or one school (DB1)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QVBoxLayout, QWidget

from db.changes import Kind
from db.models import CpdTeamState, LineManagerState, Module, PartnershipState
from db.queries.activities import ActivityFilter
from db.queries.dashboard import DashboardFigures, dashboard_figures
from db.queries.lookups import Lookups, load_lookups
from desktop.formatting import days, whole_money
from desktop.models.spend_table_model import SpendTableModel
from desktop.panels.base import Panel
from desktop.widgets import Card, data_table, fit_columns


class DashboardPanel(Panel):
    object_name = "dashboard"
    title = "Dashboard"
    icon_name = "dashboard"
    watches = frozenset({Kind.ACTIVITIES, Kind.BUDGETS, Kind.ORGANISATIONS, Kind.SHARING})

    def create_widget(self) -> QWidget:
        self._lookups: Lookups | None = None
        root = QWidget()
        layout = QVBoxLayout(root)
        bar = QHBoxLayout()
        self.org_box = QComboBox()
        self.period_box = QComboBox()
        bar.addWidget(QLabel("Show"))
        bar.addWidget(self.org_box, 1)
        bar.addWidget(QLabel("Period"))
        bar.addWidget(self.period_box)
        layout.addLayout(bar)

        grid = QGridLayout()
        self.cards = {
            "pending_partnership": Card("Awaiting partnership authorisation", "Open these activities"),
            "needs_reauthorisation": Card("Changed after a decision: re-authorise", "Open these activities"),
            "pending_cpd_team": Card("Awaiting CPD team approval", "Open these activities"),
            "pending_line_manager": Card("Awaiting line manager agreement", "Open these activities"),
            "authorised": Card("Authorised spend", "Open the authorised activities"),
            "cover_days": Card("Cover days authorised", "Open the authorised activities"),
            "completion": Card("Completion rate", "Open all activities of the period"),
            "without_evaluation": Card("Completed without an evaluation", "Open all activities of the period"),
        }
        for position, card in enumerate(self.cards.values()):
            grid.addWidget(card, position // 4, position % 4)
        layout.addLayout(grid)
        drill = {
            "pending_partnership": {"partnership_state": PartnershipState.PENDING},
            "needs_reauthorisation": {"partnership_state": PartnershipState.NEEDS_REAUTHORISATION},
            "pending_cpd_team": {"cpd_team_state": CpdTeamState.PENDING},
            "pending_line_manager": {"line_manager_state": LineManagerState.PENDING},
            "authorised": {"partnership_state": PartnershipState.AUTHORISED},
            "cover_days": {"partnership_state": PartnershipState.AUTHORISED},
            "completion": {},
            "without_evaluation": {},
        }
        for key, card in self.cards.items():
            card.clicked.connect(lambda extra=drill[key]: self._drill(**extra))

        self.spend_label = QLabel("Spend against budget")
        self.spend_label.setObjectName("heading")
        layout.addWidget(self.spend_label)
        self.spend_model = SpendTableModel(self)
        self.spend_table = data_table(self.spend_model, stretch_last=False)
        layout.addWidget(self.spend_table, 1)
        self.org_box.currentIndexChanged.connect(self._load)
        self.period_box.currentIndexChanged.connect(self._load)
        self._request = 0
        return root

    def refresh(self) -> None:
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
        self.context.ops.query(
            lambda: dashboard_figures(db, user_id, period_id, org_id), lambda figures: self._loaded(request, figures)
        )

    def _loaded(self, request: int, figures: DashboardFigures) -> None:
        if request != self._request:
            return
        self.cards["pending_partnership"].set_value(f"{figures.pending_partnership:,}")
        self.cards["needs_reauthorisation"].set_value(
            f"{figures.needs_reauthorisation:,}", warning=figures.needs_reauthorisation > 0
        )
        self.cards["pending_cpd_team"].set_value(f"{figures.pending_cpd_team:,}")
        self.cards["pending_line_manager"].set_value(f"{figures.pending_line_manager:,}")
        self.cards["authorised"].set_value(whole_money(figures.authorised_pence))
        self.cards["cover_days"].set_value(days(figures.cover_days))
        self.cards["completion"].set_value(f"{figures.completion_rate:.0%}")
        self.cards["without_evaluation"].set_value(f"{figures.without_evaluation:,}")
        self.spend_model.set_rows(figures.spend)
        fit_columns(self.spend_table)
        self.spend_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        over = sum(1 for row in figures.spend if row.over_budget)
        self.spend_label.setText(
            f"Spend against budget — {over} over budget" if over else "Spend against budget — all within budget"
        )

    def _drill(self, **extra: object) -> None:
        self.context.navigator.show_activities(
            ActivityFilter(period_id=self.period_box.currentData(), organisation_id=self.org_box.currentData(), **extra)  # type: ignore[arg-type]
        )
