"""The dashboard's evaluation tabs: CPD hours per organisation and person, ratings per provider and type.

Loaded by a read of its own once the dashboard's main figures are in (``db.queries.evaluation_figures``),
so the cards and charts never wait for it.  Double-clicking an organisation opens Partnership CPD
on its completed activities; a person, on all their requests.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QSplitter, QTableView, QTabWidget

from db.errors import TrustDeskError
from db.models import CompletionState
from db.queries.evaluation_figures import EvaluationFigures, evaluation_figures
from desktop.kit.context import AppContext
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.dashboard.evaluation_models import (
    OrganisationHoursModel,
    PersonHoursModel,
    RatingModel,
    TypeRatingModel,
)


class EvaluationTabs:
    """Adds four tabs to ``tabs``; ``load`` fills them and then calls ``loaded(figures)``."""

    def __init__(
        self,
        context: AppContext,
        tabs: QTabWidget,
        drill: Callable[..., None],
        loaded: Callable[[EvaluationFigures | None, str], None],
    ) -> None:
        self.context = context
        self.drill = drill
        self.loaded = loaded
        self._request = 0
        self.figures: EvaluationFigures | None = None
        self.org_model = OrganisationHoursModel(tabs)
        self.person_model = PersonHoursModel(tabs)
        self.provider_model = RatingModel(tabs)
        self.type_model = TypeRatingModel(tabs)
        self.tables: dict[str, QTableView] = {}
        for key, model in (
            ("organisation", self.org_model),
            ("person", self.person_model),
            ("provider", self.provider_model),
            ("type", self.type_model),
        ):
            self.tables[key] = data_table(model, stretch_last=False)
        # the order each opens in (the query's own): schools by name, people by hours, ratings best first
        for key, column, order in (
            ("organisation", 0, Qt.SortOrder.AscendingOrder),
            ("person", 2, Qt.SortOrder.DescendingOrder),
            ("provider", 1, Qt.SortOrder.DescendingOrder),
            ("type", 1, Qt.SortOrder.DescendingOrder),
        ):
            self.tables[key].sortByColumn(column, order)
        tabs.addTab(self.tables["organisation"], "Hours by school")
        tabs.addTab(self.tables["person"], "Hours by person")
        ratings = QSplitter(Qt.Orientation.Vertical)  # providers above types: one tab, so the tabs fit
        ratings.addWidget(self.tables["provider"])
        ratings.addWidget(self.tables["type"])
        ratings.setChildrenCollapsible(False)
        tabs.addTab(ratings, "Ratings")
        self.tables["organisation"].setToolTip("Double-click an organisation to open its completed activities")
        self.tables["person"].setToolTip("Double-click a person to open all their requests")
        self.tables["organisation"].doubleClicked.connect(self._organisation_activated)
        self.tables["person"].doubleClicked.connect(self._person_activated)

    def load(self, period_id: int, organisation_id: int | None) -> None:
        self._request += 1
        request = self._request
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(
            lambda: evaluation_figures(db, user_id, period_id, organisation_id),
            lambda figures: self._shown(request, figures),
            lambda error: self._failed(request, error),
        )

    def _shown(self, request: int, figures: EvaluationFigures) -> None:
        if request != self._request:
            return
        self.figures = figures
        self.org_model.set_rows(figures.hours_by_organisation)
        self.person_model.set_rows(figures.hours_by_person)
        self.provider_model.set_rows(figures.rating_by_provider)
        self.type_model.set_rows(figures.rating_by_type)
        for key, table in self.tables.items():
            header = table.horizontalHeader()
            table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())  # the order shown
            fit_columns(table)
            # the person's name is the column to read; where they work may be cut short
            stretched = 1 if key == "person" else 0
            table.horizontalHeader().setSectionResizeMode(stretched, QHeaderView.ResizeMode.Stretch)
        self.loaded(figures, "")

    def _failed(self, request: int, error: TrustDeskError) -> None:
        if request == self._request:
            self.loaded(None, error.message)

    def _organisation_activated(self, index: QModelIndex) -> None:
        row = self.org_model.row_at(index.row())
        self.drill(organisation_id=row.key, completion_state=CompletionState.COMPLETED)

    def _person_activated(self, index: QModelIndex) -> None:
        row = self.person_model.row_at(index.row())
        self.drill(person_id=row.key)
