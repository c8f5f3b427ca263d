"""The dashboard's charts (DB1), on QtCharts.

Imported only when the dashboard is first built, so QtCharts costs nothing
at start-up.  Every bar is clickable: the charts say which figure was
clicked and the dashboard turns that into an activity filter.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QWidget

from db.queries.dashboard import MonthRow, SpendRow
from desktop.kit.formatting import whole_money

REQUESTED, AUTHORISED, COMPLETED = "requested", "authorised", "completed"
COLOURS = {REQUESTED: QColor("#8ea9c9"), AUTHORISED: QColor("#1f4e9c"), COMPLETED: QColor("#2e8b57")}
BUDGET_COLOUR = QColor("#c8ccd2")
SPEND_COLOUR = QColor("#1f4e9c")
OVER_BUDGET_COLOUR = QColor("#b3261e")
ROW_HEIGHT = 30


def _nice_max(value: float) -> float:
    """A round axis maximum a little above ``value``."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    return float((int(value / magnitude) + 1) * magnitude)


class _ChartView(QChartView):
    def __init__(self, parent: QWidget | None = None) -> None:
        self.chart_ = QChart()
        super().__init__(self.chart_, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart_.setMargins(QMargins(4, 4, 4, 4))
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.follow_palette()

    def _clear(self) -> None:
        self.chart_.removeAllSeries()
        for axis in self.chart_.axes():
            self.chart_.removeAxis(axis)

    def follow_palette(self) -> None:
        """Background, titles, labels and grid from the widget's palette (QtCharts' own theme is white).

        Called after the axes are built and on every palette change, so the charts switch with the
        rest of the window between light and dark. The bars keep their colours: they carry meaning.
        """
        palette = self.palette()
        base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        grid = palette.color(QPalette.ColorRole.Mid)
        self.setBackgroundBrush(QBrush(palette.color(QPalette.ColorRole.Window)))
        self.chart_.setBackgroundBrush(QBrush(base))
        self.chart_.setBackgroundPen(QPen(grid))
        self.chart_.setPlotAreaBackgroundVisible(False)
        self.chart_.setTitleBrush(QBrush(text))
        self.chart_.legend().setLabelColor(text)
        for axis in self.chart_.axes():
            axis.setLabelsBrush(QBrush(text))
            axis.setTitleBrush(QBrush(text))
            axis.setLinePenColor(grid)
            axis.setGridLineColor(grid)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self.follow_palette()


class MonthChart(_ChartView):
    """Requested, authorised and completed activities per month, with the period's totals."""

    #: (which series, index of the month)
    bar_clicked = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("month_chart")
        self.sets: dict[str, QBarSet] = {}
        self.setMinimumHeight(260)
        self.setToolTip("Click a bar to open those activities in Partnership CPD")

    def set_months(self, months: Sequence[MonthRow], totals: tuple[int, int, int]) -> None:
        self._clear()
        series = QBarSeries()
        self.sets = {}
        for key, total in zip((REQUESTED, AUTHORISED, COMPLETED), totals, strict=True):
            bar_set = QBarSet(f"{key.title()} ({total:,} in the period)")
            bar_set.setColor(COLOURS[key])
            bar_set.setBorderColor(COLOURS[key])
            bar_set.append([float(getattr(month, key)) for month in months])
            bar_set.clicked.connect(lambda index, which=key: self.bar_clicked.emit(which, index))
            series.append(bar_set)
            self.sets[key] = bar_set
        self.chart_.addSeries(series)
        self.chart_.setTitle(
            f"Activity by month · period totals: {totals[0]:,} requested, {totals[1]:,} authorised, "
            f"{totals[2]:,} completed"
        )
        months_axis = QBarCategoryAxis()
        months_axis.append([f"{month.starts_on:%b %y}" for month in months])
        counts_axis = QValueAxis()
        counts_axis.setRange(0, _nice_max(max((m.requested for m in months), default=0)))
        counts_axis.setLabelFormat("%d")
        self.chart_.addAxis(months_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(counts_axis, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(months_axis)
        series.attachAxis(counts_axis)
        self.follow_palette()


class SpendChart(_ChartView):
    """Authorised spend against budget, one bar per organisation; over budget in a warning colour."""

    organisation_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("spend_chart")
        self.rows: list[SpendRow] = []
        self.spend_set: QBarSet | None = None
        self.budget_set: QBarSet | None = None
        self.setToolTip("Click a bar to open that organisation's authorised activities")

    def set_rows(self, rows: Sequence[SpendRow]) -> None:
        self._clear()
        # Over budget first (most overspent on top), then A to Z.  QtCharts draws the
        # first category at the bottom, hence the reversal.
        ordered = sorted(
            rows,
            key=lambda r: (not r.over_budget, -(r.authorised_pence - (r.budget_pence or 0)) if r.over_budget else 0),
        )
        self.rows = list(reversed(ordered))
        series = QHorizontalBarSeries()
        self.budget_set = QBarSet("Budget")
        self.budget_set.setColor(BUDGET_COLOUR)
        self.budget_set.setBorderColor(BUDGET_COLOUR)
        self.spend_set = QBarSet("Authorised (red: over budget)")
        self.spend_set.setColor(SPEND_COLOUR)
        self.spend_set.setBorderColor(SPEND_COLOUR)
        self.spend_set.setSelectedColor(OVER_BUDGET_COLOUR)
        self.budget_set.append([(row.budget_pence or 0) / 100 for row in self.rows])
        self.spend_set.append([row.authorised_pence / 100 for row in self.rows])
        over = [index for index, row in enumerate(self.rows) if row.over_budget]
        if over:
            self.spend_set.selectBars(over)
        for bar_set in (self.budget_set, self.spend_set):
            bar_set.clicked.connect(self._clicked)
            bar_set.hovered.connect(self._hovered)
            series.append(bar_set)
        series.setBarWidth(0.8)
        self.chart_.addSeries(series)
        names = QBarCategoryAxis()
        names.append([self._label(row) for row in self.rows])
        money_axis = QValueAxis()
        top = max([max(row.authorised_pence, row.budget_pence or 0) / 100 for row in self.rows], default=0)
        money_axis.setRange(0, _nice_max(top))
        money_axis.setLabelFormat("%.0f")  # a "£" here comes out garbled: the title says it instead
        money_axis.setTitleText("£")
        self.chart_.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        self.chart_.addAxis(money_axis, Qt.AlignmentFlag.AlignTop)  # visible without scrolling down
        series.attachAxis(names)
        series.attachAxis(money_axis)
        self.follow_palette()
        over_count = len(over)
        self.chart_.setTitle(
            f"Spend against budget · {over_count} over budget" if over_count else "Spend against budget · all within"
        )
        self.setMinimumHeight(120 + ROW_HEIGHT * len(self.rows))

    @staticmethod
    def _label(row: SpendRow) -> str:
        name = row.organisation if len(row.organisation) <= 34 else row.organisation[:33] + "…"
        return f"⚠ {name}" if row.over_budget else name

    def over_budget_indexes(self) -> list[int]:
        return [] if self.spend_set is None else list(self.spend_set.selectedBars())

    def _clicked(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            self.organisation_clicked.emit(self.rows[index].organisation_id)

    def _hovered(self, status: bool, index: int) -> None:
        if status and 0 <= index < len(self.rows):
            row = self.rows[index]
            self.setToolTip(
                f"{row.organisation}: authorised {whole_money(row.authorised_pence)} of "
                f"{whole_money(row.budget_pence)} budget; {whole_money(row.pending_pence)} awaiting a decision. "
                "Click to open its authorised activities."
            )
