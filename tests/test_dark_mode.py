"""Dark mode: row checkboxes stay visible and the dashboard charts follow the palette, both ways."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from db.queries.dashboard import MonthRow, SpendRow
from desktop.kit.paged_row_model import PagedRowModel
from desktop.kit.row_table_model import Column
from desktop.kit.widgets import data_table
from resources_qt import style

DARK, LIGHT = Qt.ColorScheme.Dark, Qt.ColorScheme.Light


@pytest.fixture
def restore_style(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(style, "_dark", None)
    palette, sheet = QPalette(qapp.palette()), qapp.styleSheet()
    yield
    qapp.setStyleSheet(sheet)
    qapp.setPalette(palette)


class _Ticks(PagedRowModel[int]):
    CHECKABLE = True
    COLUMNS = (Column("", lambda _r: ""), Column("Name", lambda r: f"Row {r}"))

    def is_checked(self, row: int) -> bool:
        return row % 2 == 1


def _box_contrast(view, index: QModelIndex) -> int:
    """The largest lightness step between the cell's background and any pixel of the cell."""
    image = view.viewport().grab(view.visualRect(index)).toImage()
    background = view.palette().color(QPalette.ColorRole.Base).lightness()
    return max(
        abs(image.pixelColor(x, y).lightness() - background)
        for y in range(image.height())
        for x in range(image.width())
    )


@pytest.mark.parametrize("scheme", [DARK, LIGHT])
def test_row_checkboxes_stand_out_from_the_row(qtbot, qapp, restore_style, scheme) -> None:
    style.apply_scheme(qapp, scheme)
    model = _Ticks()
    model.reset(2, [0, 1])
    view = data_table(model, sortable=False)
    view.setAlternatingRowColors(False)
    qtbot.addWidget(view)
    view.resize(300, 120)
    view.show()
    qtbot.waitExposed(view)
    unticked, ticked = model.index(0, 0), model.index(1, 0)
    assert model.data(ticked, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    # an empty box's edge, and a ticked box, must be clearly lighter or darker than the row
    assert _box_contrast(view, unticked) >= 60
    assert _box_contrast(view, ticked) >= 60


def _chart_colours(chart) -> tuple[QColor, QColor, QColor]:
    return (
        chart.chart_.backgroundBrush().color(),
        chart.chart_.titleBrush().color(),
        chart.chart_.axes()[0].labelsBrush().color(),
    )


def test_charts_follow_the_palette_when_it_changes(qtbot, qapp, restore_style) -> None:
    from desktop.modules.dashboard.charts import MonthChart, SpendChart

    style.apply_scheme(qapp, LIGHT)
    months = MonthChart()
    spend = SpendChart()
    for chart in (months, spend):
        qtbot.addWidget(chart)
    months.set_months([MonthRow(date(2026, 9, 1), 5, 3, 1), MonthRow(date(2026, 10, 1), 7, 2, 0)], (12, 5, 1))
    spend.set_rows([SpendRow(1, "Hollyhurst Primary", 100_000, 150_000, 0), SpendRow(2, "Ashby", None, 5_000, 0)])

    light = style.build_palette(LIGHT)
    for chart in (months, spend):
        assert _chart_colours(chart) == (
            light.color(QPalette.ColorRole.Base),
            light.color(QPalette.ColorRole.Text),
            light.color(QPalette.ColorRole.Text),
        )

    style.apply_scheme(qapp, DARK)  # the user switches Windows (or Preferences) to dark
    dark = style.build_palette(DARK)
    for chart in (months, spend):
        background, title, labels = _chart_colours(chart)
        assert background == dark.color(QPalette.ColorRole.Base)
        assert background.lightness() < 60
        assert title == labels == dark.color(QPalette.ColorRole.Text)
        assert chart.chart_.legend().labelColor() == dark.color(QPalette.ColorRole.Text)

    style.apply_scheme(qapp, LIGHT)
    assert _chart_colours(months)[0] == light.color(QPalette.ColorRole.Base)


@pytest.mark.parametrize("kind", ["check", "radio"])
def test_dialog_check_boxes_and_radio_buttons_stand_out_in_dark(qtbot, qapp, restore_style, kind) -> None:
    from PySide6.QtWidgets import QCheckBox, QRadioButton, QStyle, QStyleOptionButton

    style.apply_scheme(qapp, DARK)
    button = QCheckBox("Dates") if kind == "check" else QRadioButton("Dark")
    qtbot.addWidget(button)
    button.show()
    qtbot.waitExposed(button)
    option = QStyleOptionButton()
    button.initStyleOption(option)
    element = QStyle.SubElement.SE_CheckBoxIndicator if kind == "check" else QStyle.SubElement.SE_RadioButtonIndicator
    image = button.grab(button.style().subElementRect(element, option, button)).toImage()
    background = button.palette().color(QPalette.ColorRole.Window).lightness()
    steps = [
        abs(image.pixelColor(x, y).lightness() - background)
        for y in range(image.height())
        for x in range(image.width())
    ]
    assert max(steps) >= 60


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def _contrast(one: QColor, other: QColor) -> float:
    """WCAG's contrast ratio: 1 (the same) to 21 (black on white); text needs 4.5."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("scheme", [DARK, LIGHT])
def test_over_budget_and_import_words_are_legible_on_the_rows(qapp, restore_style, scheme) -> None:
    """Over budget (an organisation's budgets, the dashboard's spend table) and the import previews' "will
    be added / refused …" are written in colour: legible on both row colours in either scheme."""
    from db.queries.organisation_page import BudgetRow
    from desktop.kit import text_colours
    from desktop.kit.spend_table_model import SpendTableModel
    from desktop.modules.organisations.budget_table_model import BudgetTableModel

    style.apply_scheme(qapp, scheme)
    rows = [qapp.palette().color(role) for role in (QPalette.ColorRole.Base, QPalette.ColorRole.AlternateBase)]
    pairs = (text_colours.ADDED, text_colours.CHANGED, text_colours.CAUTION, text_colours.REFUSED, text_colours.QUIET)
    for pair in pairs:
        assert min(_contrast(text_colours.readable(pair), row) for row in rows) >= 4.5, pair

    budgets = BudgetTableModel()
    budgets.set_rows([BudgetRow(1, "2026/27", 100_00, 1, 250_00)])  # £150 over
    spend = SpendTableModel()
    spend.set_rows([SpendRow(1, "Wrenley Primary School", 100_00, 250_00, 0)])
    for model in (budgets, spend):
        over = model.data(model.index(0, 1), Qt.ItemDataRole.ForegroundRole)
        assert min(_contrast(QColor(over), row) for row in rows) >= 4.5
