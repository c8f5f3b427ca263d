"""Small reusable widgets: data tables and dashboard cards."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from PySide6.QtCore import QAbstractItemModel, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QHeaderView, QLabel, QStyle, QTableView, QVBoxLayout, QWidget

from desktop.kit.formatting import day
from desktop.kit.selection_keeper import keep_selection
from resources_qt.style import set_warning


def data_table(model: QAbstractItemModel, *, sortable: bool = True, stretch_last: bool = True) -> QTableView:
    """A read-only table view set up the same way everywhere."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(sortable)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(stretch_last)
    keep_selection(view)
    lay_out_when_reset(view)
    return view


def lay_out_when_reset(view: QAbstractItemView) -> None:
    """Lay ``view`` out as soon as its model is reset, so that the new rows are painted once.

    After a reset Qt lays the view out on a zero timer, which runs after the first paint and then
    repaints the whole view: on Partnership CPD a second full repaint (1,134 ``data()`` calls, 7-9 ms
    of the window's thread) 15-25 ms after the first, on every filter change, while the counts were
    on their way.  Laid out at the reset, the one paint is the right one.
    """
    view.model().modelReset.connect(view.doItemsLayout)


def fit_columns(view: QTableView, maximum: int = 320) -> None:
    """Size columns to their contents once, then leave them to the user."""
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    for column in range(header.count()):
        if header.sectionSize(column) > maximum:
            header.resizeSection(column, maximum)


def fit_dates(view: QTableView, columns: Iterable[int]) -> None:
    """Wide enough for any day of any month, not only the dates on the first page.

    Columns are sized once, from the first page; "22 Sep 2027" is a few pixels wider
    than "30 Jul 2027", and a later page's dates came out as "22 Sep …".
    """
    metrics = view.fontMetrics()
    widest = max(metrics.horizontalAdvance(day(date(2000, month, 28))) for month in range(1, 13))
    room = widest + 2 * view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 12
    for column in columns:
        view.setColumnWidth(column, max(view.columnWidth(column), room))


class Card(QFrame):
    """A dashboard figure; clicking it drills through to the matching rows."""

    clicked = Signal()

    def __init__(self, title: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(hint)
        layout = QVBoxLayout(self)
        self.value_label = QLabel("…")
        self.value_label.setObjectName("cardValue")
        self.title_label = QLabel(title)
        self.title_label.setObjectName("cardTitle")
        self.title_label.setWordWrap(True)
        layout.addWidget(self.value_label)
        layout.addWidget(self.title_label)

    def set_value(self, text: str, warning: bool = False) -> None:
        self.value_label.setText(text)
        set_warning(self.value_label, warning)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)
