"""Partnership CPD columns: default widths, which are shown, and a header that sorts the Windows way.

Widths are fixed rather than fitted to the first page: fitted columns grew
with the longest school name and pushed the decision columns off a laptop
screen.  The defaults fit 1366 px; longer text is elided and its tooltip
shows it whole (the model answers the tooltip).  Hidden columns are
remembered by header name, so a reordered column list keeps a user's choice.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QStyleOptionHeader, QTableView

from desktop.modules.partnership_cpd.activity_table_model import (
    COL_CHECK,
    COL_COST,
    COL_COURSE_FEE,
    COL_COVER_COST,
    COL_COVER_DAYS,
    COL_CPD_TEAM,
    COL_CREATED_BY,
    COL_END,
    COL_EVENT,
    COL_INDIVIDUAL,
    COL_LINE_MANAGER,
    COL_MODULE,
    COL_ORGANISATION,
    COL_OTHER,
    COL_PARTNERSHIP,
    COL_PERIOD,
    COL_START,
    COL_TITLE,
    COL_TRAVEL,
    COL_TYPE,
    HEADERS,
    OPTIONAL_COLUMNS,
    SORT_KEYS,
)
from desktop.modules.partnership_cpd.check_header import CheckHeader

SETTINGS_HIDDEN = "partnership_cpd/hidden_column_names"

#: default widths in pixels; the visible defaults add up to about 1,300 px
WIDTHS = {
    COL_CHECK: 34,
    COL_INDIVIDUAL: 150,
    COL_TITLE: 230,
    COL_LINE_MANAGER: 118,
    COL_CPD_TEAM: 100,
    COL_PARTNERSHIP: 150,
    COL_START: 88,
    COL_COST: 86,
    COL_ORGANISATION: 170,
    COL_END: 88,
    COL_PERIOD: 70,
    COL_TYPE: 110,
    COL_COVER_DAYS: 80,
    COL_EVENT: 180,
    COL_MODULE: 180,
    COL_CREATED_BY: 140,
    COL_COURSE_FEE: 86,
    COL_COVER_COST: 90,
    COL_TRAVEL: 80,
    COL_OTHER: 86,
}


class SortHeader(CheckHeader):
    """Qt paints ascending as a down arrow; Windows (Explorer, Excel's lists) paints ▲ for ascending.

    Only sections that sort take a click for sorting; the checkbox section keeps its own click.
    """

    def initStyleOptionForIndex(self, option: QStyleOptionHeader, logical_index: int) -> None:
        super().initStyleOptionForIndex(option, logical_index)
        if option.sortIndicator == QStyleOptionHeader.SortIndicator.SortDown:
            option.sortIndicator = QStyleOptionHeader.SortIndicator.SortUp
        elif option.sortIndicator == QStyleOptionHeader.SortIndicator.SortUp:
            option.sortIndicator = QStyleOptionHeader.SortIndicator.SortDown


def apply_widths(table: QTableView) -> None:
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)  # a wide screen gives the spare room to the last column
    header.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    for column, width in WIDTHS.items():
        table.setColumnWidth(column, width)


def hidden_columns(settings: QSettings) -> list[int]:
    saved = settings.value(SETTINGS_HIDDEN, None)
    if saved is None:
        return list(OPTIONAL_COLUMNS)
    names = [name for name in str(saved).split("|") if name]
    return [column for column in range(1, len(HEADERS)) if HEADERS[column] in names]


def restore_hidden(table: QTableView, settings: QSettings) -> None:
    hidden = set(hidden_columns(settings))
    for column in range(1, len(HEADERS)):
        table.setColumnHidden(column, column in hidden)


def show_column(table: QTableView, settings: QSettings, column: int, shown: bool) -> None:
    table.setColumnHidden(column, not shown)
    hidden = [HEADERS[c] for c in range(1, len(HEADERS)) if table.isColumnHidden(c)]
    settings.setValue(SETTINGS_HIDDEN, "|".join(hidden))


def column_menu(table: QTableView, settings: QSettings) -> QMenu:
    """The header's context menu: a tick per column; the choice is remembered."""
    menu = QMenu(table.horizontalHeader())
    for column in range(1, len(HEADERS)):
        action = menu.addAction(HEADERS[column])
        action.setCheckable(True)
        action.setChecked(not table.isColumnHidden(column))
        action.toggled.connect(lambda shown, c=column: show_column(table, settings, c, shown))
    menu.addSeparator()
    menu.addAction("Default columns", lambda: _defaults(table, settings))
    return menu


def _defaults(table: QTableView, settings: QSettings) -> None:
    settings.remove(SETTINGS_HIDDEN)
    restore_hidden(table, settings)
    apply_widths(table)


def open_column_menu(table: QTableView, settings: QSettings, pos: QPoint) -> None:
    column_menu(table, settings).exec(table.horizontalHeader().mapToGlobal(pos))


def column_of(sort_key: str) -> int:
    """The header section of a sort key (-1: none, e.g. "created" chosen in the sort box)."""
    return next((column for column, key in SORT_KEYS.items() if key == sort_key), -1)
