"""The month and week grids: painted by hand, one cell per day, only the days on screen.

A cell shows its date, then its training sessions, then the activities covering it, one line each,
as many as fit; when more cover the day than fit (or than were read: a month of the whole trust
holds tens of thousands), the last line counts them by state instead.  Every item says its state in
words or a mark as well as a colour (authorised ✓, pending ?, a cancelled event struck through),
and every colour is mixed from the palette, so dark mode needs nothing of its own.  A click selects
an item; a double-click (or Enter) asks for it to be opened (``item_activated``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from db.models import PartnershipState
from db.queries.calendar import ActivityItem, CalendarView, DayCount, SessionItem

Item = SessionItem | ActivityItem

#: state → (the colour mixed into the palette's base, the mark before the text)
AUTHORISED_COLOUR, PENDING_COLOUR, OTHER_COLOUR, EVENT_COLOUR = (
    QColor("#2e8b57"),
    QColor("#d08a00"),
    QColor("#8a8f98"),
    QColor("#1f6fd1"),
)
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def mix(colour: QColor, base: QColor, share: float) -> QColor:
    """``share`` of ``colour`` over ``base``: a tint that reads on a light and on a dark palette."""
    return QColor(
        round(colour.red() * share + base.red() * (1 - share)),
        round(colour.green() * share + base.green() * (1 - share)),
        round(colour.blue() * share + base.blue() * (1 - share)),
    )


def item_colour(item: Item) -> QColor:
    if isinstance(item, SessionItem):
        return OTHER_COLOUR if item.cancelled else EVENT_COLOUR
    if item.state is PartnershipState.AUTHORISED:
        return AUTHORISED_COLOUR
    return PENDING_COLOUR if item.pending else OTHER_COLOUR


def item_text(item: Item) -> str:
    """The words of one line: never the colour alone."""
    if isinstance(item, SessionItem):
        when = f"{item.starts_at:%H:%M} " if item.starts_at else ""
        extra = " (cancelled)" if item.cancelled else "" if item.published else " (draft)"
        return f"◆ {when}{item.title}{extra}"
    mark = "✓" if item.state is PartnershipState.AUTHORISED else "?" if item.pending else "✕"
    return f"{mark} {item.person}: {item.title}"


def count_text(count: DayCount, shown: int) -> str:
    more = count.total - shown
    parts = [f"{count.authorised:,} ✓", f"{count.pending:,} ?"] + ([f"{count.other:,} ✕"] if count.other else [])
    return f"+{more:,} more ({', '.join(parts)})" if shown else " · ".join(parts)


def _order_on(day: date, item: Item) -> tuple[bool, bool]:
    return isinstance(item, ActivityItem), isinstance(item, ActivityItem) and item.starts_on != day


class _Look:
    """One paint's fonts, metrics and colours, made once rather than once per item."""

    def __init__(self, widget: QWidget, base: QColor, text: QColor) -> None:
        self.base, self.text = base, text
        self.dim, self.faint = mix(text, base, 0.45), mix(text, base, 0.8)
        self.highlight = widget.palette().color(QPalette.ColorRole.Highlight)
        self.plain = QFont(widget.font())
        self.font_key = self.plain.toString()  # remembered elisions belong to one font
        self.bold = QFont(widget.font())
        self.bold.setBold(True)
        self.fonts: dict[tuple[bool, bool], QFont] = {}
        self.metrics: dict[tuple[bool, bool], QFontMetrics] = {}
        for italic in (False, True):
            for struck in (False, True):
                font = QFont(widget.font())
                font.setItalic(italic)
                font.setStrikeOut(struck)
                self.fonts[italic, struck] = font
                self.metrics[italic, struck] = QFontMetrics(font)
        self.line = widget.fontMetrics().height() + 2
        self._tints: dict[tuple[int, bool], QColor] = {}

    def tint(self, colour: QColor, pending: bool) -> QColor:
        key = (colour.rgb(), pending)
        if key not in self._tints:
            self._tints[key] = mix(colour, self.base, 0.12 if pending else 0.28)
        return self._tints[key]


@dataclass(frozen=True, slots=True)
class _Hit:
    rect: QRect
    item: Item


class CalendarGrid(QWidget):
    """``weeks`` rows of seven days from ``first`` (a Monday). Emits the item a user opens."""

    item_activated = Signal(object)
    day_activated = Signal(object)  # a date: a double-click on a cell's empty part or its date

    def __init__(self, weeks: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.weeks = weeks
        self.first = date.today() - timedelta(days=date.today().weekday())
        self.month: int | None = None  # days of other months are drawn dimmer
        self.view: CalendarView | None = None
        self.selected: Item | None = None
        self.today = date.today()
        self._hits: list[_Hit] = []
        self._by_day: dict[date, list[Item]] = {}
        self._elisions: dict[tuple[tuple[bool, bool], int, str, str], str] = {}
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)

    def sizeHint(self) -> QSize:
        return QSize(900, 600)

    def minimumSizeHint(self) -> QSize:
        return QSize(420, 240)

    @property
    def last(self) -> date:
        return self.first + timedelta(days=7 * self.weeks - 1)

    def show_range(self, first: date, month: int | None) -> None:
        self.first, self.month = first, month
        self.view = None
        self._by_day = {}
        self.update()

    def set_view(self, view: CalendarView) -> None:
        """What to paint; items are placed per day here once, not on every paint."""
        self.view = view
        by_day: dict[date, list[Item]] = {}
        for session in view.sessions:
            by_day.setdefault(session.on_date, []).append(session)
        for activity in view.activities:
            day = max(activity.starts_on, self.first)
            last = min(activity.ends_on, self.last)
            while day <= last:
                by_day.setdefault(day, []).append(activity)
                day += timedelta(days=1)
        for day, items in by_day.items():  # sessions, then what starts that day, then what goes on
            items.sort(key=partial(_order_on, day))
        self._by_day = by_day
        if self.selected is not None and not any(self.selected in items for items in by_day.values()):
            self.selected = None
        self.update()

    def items_on(self, day: date) -> list[Item]:
        return list(self._by_day.get(day, []))

    # -- geometry ----------------------------------------------------------------------------
    def _header_height(self) -> int:
        return self.fontMetrics().height() + 8

    def cell_rect(self, day: date) -> QRect:
        offset = (day - self.first).days
        row, column = divmod(offset, 7)
        top = self._header_height()
        width, height = self.width() / 7, (self.height() - top) / self.weeks
        left, upper = round(column * width), round(top + row * height)
        return QRect(left, upper, round((column + 1) * width) - left, round(top + (row + 1) * height) - upper)

    def day_at(self, point: QPoint) -> date | None:
        top = self._header_height()
        if point.y() < top or self.width() <= 0:
            return None
        column = min(6, int(point.x() * 7 / self.width()))
        row = min(self.weeks - 1, int((point.y() - top) * self.weeks / max(1, self.height() - top)))
        return self.first + timedelta(days=row * 7 + column)

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        base, text = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        window, grid = palette.color(QPalette.ColorRole.Window), palette.color(QPalette.ColorRole.Mid)
        painter.fillRect(self.rect(), base)
        header = QRect(0, 0, self.width(), self._header_height())
        painter.fillRect(header, window)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        for column, name in enumerate(DAY_NAMES):
            cell = self.cell_rect(self.first + timedelta(days=column))
            painter.drawText(QRect(cell.left(), 0, cell.width(), header.height()), Qt.AlignmentFlag.AlignCenter, name)
        self._hits = []
        look = _Look(self, base, text)
        weekend = mix(grid, base, 0.12)
        for offset in range(7 * self.weeks):
            day = self.first + timedelta(days=offset)
            cell = self.cell_rect(day)
            if not cell.intersects(event.rect()):
                continue  # paint only what the window asks for
            if day.weekday() >= 5:
                painter.fillRect(cell, weekend)
            painter.setPen(grid)
            painter.drawRect(cell.adjusted(0, 0, -1, -1))
            self._paint_day(painter, cell, day, look)
        painter.end()

    def _paint_day(self, painter: QPainter, cell: QRect, day: date, look: _Look) -> None:
        line = look.line
        painter.setFont(look.bold if day == self.today else look.plain)
        painter.setPen(look.dim if self.month is not None and day.month != self.month else look.text)
        inner = cell.adjusted(4, 2, -4, -2)
        label = f"{day.day}" if day.day != 1 else f"{day.day} {day:%b}"
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), line), Qt.AlignmentFlag.AlignLeft, label)
        if day == self.today:
            painter.setPen(QPen(EVENT_COLOUR, 2))
            painter.drawRect(cell.adjusted(1, 1, -2, -2))
        items = self._by_day.get(day, [])
        count = self.view.days.get(day, DayCount()) if self.view else DayCount()
        activities_here = sum(1 for item in items if isinstance(item, ActivityItem))
        missing = count.total - activities_here  # covering the day but beyond what was read
        room = max(0, (inner.height() - line) // line)
        top = inner.top() + line
        needs_count_line = missing > 0 or len(items) > room
        shown_items = items[: room - 1 if needs_count_line and room else room]
        for item in shown_items:
            self._paint_item(painter, QRect(inner.left(), top, inner.width(), line - 1), item, look)
            top += line
        if needs_count_line and room:
            shown = sum(1 for item in shown_items if isinstance(item, ActivityItem))
            painter.setFont(look.plain)
            painter.setPen(look.faint)
            rect = QRect(inner.left() + 2, top, inner.width() - 2, line - 1)
            words = look.metrics[(False, False)].elidedText(
                count_text(count, shown), Qt.TextElideMode.ElideRight, rect.width()
            )
            painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter, words)

    def _paint_item(self, painter: QPainter, rect: QRect, item: Item, look: _Look) -> None:
        colour = item_colour(item)
        pending = isinstance(item, ActivityItem) and item.pending
        painter.fillRect(rect, look.tint(colour, pending))
        painter.fillRect(QRect(rect.left(), rect.top(), 3, rect.height()), colour)
        if pending:  # a dashed outline: pending reads differently in grey print too
            painter.setPen(QPen(colour, 1, Qt.PenStyle.DashLine))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        if item is self.selected:
            painter.setPen(QPen(look.highlight, 2))
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        key = (pending, isinstance(item, SessionItem) and item.cancelled)
        painter.setFont(look.fonts[key])
        painter.setPen(look.text)
        room = rect.adjusted(6, 0, -2, 0)
        words = self._elided(look, key, item_text(item), room.width())
        painter.drawText(room, Qt.AlignmentFlag.AlignVCenter, words)
        self._hits.append(_Hit(rect, item))

    def _elided(self, look: _Look, key: tuple[bool, bool], text: str, width: int) -> str:
        """The text cut to ``width`` with an ellipsis; remembered, because an activity over several
        weeks is drawn in every one of its days with the same words in the same width."""
        wanted = (key, width, text, look.font_key)
        found = self._elisions.get(wanted)
        if found is None:
            if len(self._elisions) > 20_000:
                self._elisions.clear()
            found = self._elisions[wanted] = look.metrics[key].elidedText(text, Qt.TextElideMode.ElideRight, width)
        return found

    # -- mouse and keys ----------------------------------------------------------------------
    def item_at(self, point: QPoint) -> Item | None:
        return next((hit.item for hit in self._hits if hit.rect.contains(point)), None)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.selected = self.item_at(event.position().toPoint())
        self.update()
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        point = event.position().toPoint()
        item = self.item_at(point)
        if item is not None:
            self.item_activated.emit(item)
        elif (day := self.day_at(point)) is not None:
            self.day_activated.emit(day)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected is not None:
            self.item_activated.emit(self.selected)
            return
        super().keyPressEvent(event)
