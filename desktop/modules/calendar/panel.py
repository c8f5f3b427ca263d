"""The Calendar panel (CA1): month, week and agenda views, and who is out for a day or a week.

Training event sessions and dated CPD activities, as far as the user may see them
(``db.queries.calendar``).  Today, Previous/Next and a date box move the range; the filter bar
narrows it.  A double-click (or Enter) opens an event through the ``training_event`` route and an
activity in Partnership CPD (the ``activities`` route: the person's requests starting that day):
this module imports no other.  Export… writes what the view shows as .ics; Event .ics… the
selected event.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.queries.activities import ActivityFilter
from db.queries.calendar import (
    ITEM_LIMIT,
    OUT_STATES,
    ActivityItem,
    CalendarFilter,
    CalendarView,
    SessionItem,
    load_calendar,
)
from db.queries.calendar_out import OUT_LIMIT, WhoIsOut, who_is_out
from db.queries.groups import list_groups
from db.queries.lookups import load_lookups
from desktop.kit.context import AppContext
from desktop.kit.formatting import day
from desktop.kit.icons import icon
from desktop.kit.module import ModuleSpec
from desktop.kit.panel import Panel
from desktop.kit.row_table_model import RowRole
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.calendar.filters import CalendarFilters
from desktop.modules.calendar.grid import CalendarGrid, Item
from desktop.modules.calendar.models import AgendaModel, WhoIsOutModel, agenda_rows, out_item, out_rows

MONTH, WEEK, AGENDA, OUT = "month", "week", "agenda", "out"
VIEWS = ((MONTH, "&Month"), (WEEK, "&Week"), (AGENDA, "&Agenda"), (OUT, "Who is &out"))
LEGEND = (
    "◆ training event (struck through: cancelled) · ✓ authorised · ? pending or needing re-authorisation "
    "(italic, dashed) · ✕ rejected or withdrawn"
)


def monday(of: date) -> date:
    return of - timedelta(days=of.weekday())


def add_months(of: date, months: int) -> date:
    year, month = divmod(of.month - 1 + months, 12)
    return date(of.year + year, month + 1, 1)


class CalendarPanel(Panel):
    def __init__(self, module: ModuleSpec, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(module, context, parent)
        self.anchor = date.today()
        self.mode = MONTH
        self.out_week = False
        self.view: CalendarView | None = None
        self.out: WhoIsOut | None = None
        self._request = 0

    # -- building ------------------------------------------------------------------------------
    def create_widget(self) -> QWidget:
        root = QWidget()
        layout = QVBoxLayout(root)
        layout.addLayout(self._build_navigation())
        self.filters = CalendarFilters(self.context, root)
        self.filters.changed.connect(self.refresh)
        layout.addWidget(self.filters)
        self.summary = QLabel("Loading…")
        self.summary.setObjectName("calendar_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.stack = QStackedWidget()
        self.month_grid = CalendarGrid(6)
        self.week_grid = CalendarGrid(1)
        self.agenda_model = AgendaModel(self)
        self.agenda_table = data_table(self.agenda_model)
        self.agenda_table.setObjectName("calendar_agenda")
        self.out_model = WhoIsOutModel(self)
        self.out_table = data_table(self.out_model, sortable=False)  # grouped by organisation: the order is the point
        self.out_table.setObjectName("calendar_who_is_out")
        self.out_table.horizontalHeader().setStretchLastSection(False)
        self.out_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # the activity
        for grid in (self.month_grid, self.week_grid):
            grid.item_activated.connect(self.open_item)
        self.month_grid.day_activated.connect(lambda day: self.open_day(day, WEEK))
        self.week_grid.day_activated.connect(lambda day: self.open_day(day, OUT))
        self.agenda_table.activated.connect(lambda index: self.open_item(index.data(RowRole).item))
        self.out_table.activated.connect(lambda index: self._open_out(index.row()))
        for widget in (self.month_grid, self.week_grid, self.agenda_table, self.out_table):
            self.stack.addWidget(widget)
        layout.addWidget(self.stack, 1)
        legend = QLabel(LEGEND)
        legend.setObjectName("calendar_legend")
        legend.setWordWrap(True)
        layout.addWidget(legend)
        self._show_mode(self.mode)
        self._load_choices()
        return root

    def _build_navigation(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.view_buttons = QButtonGroup(self)
        self.mode_buttons: dict[str, QToolButton] = {}
        for mode, text in VIEWS:
            button = QToolButton()
            button.setText(text)
            button.setCheckable(True)
            button.setObjectName(f"calendar_{mode}")
            button.clicked.connect(lambda _checked=False, m=mode: self.set_mode(m))
            self.view_buttons.addButton(button)
            self.mode_buttons[mode] = button
            bar.addWidget(button)
        self.out_span = QComboBox()
        self.out_span.setObjectName("calendar_out_span")
        self.out_span.addItems(["One day", "The week"])
        self.out_span.activated.connect(lambda n: self._set_out_week(n == 1))
        bar.addWidget(self.out_span)
        bar.addSpacing(12)
        self.previous_button = QPushButton(icon("back"), "")
        self.previous_button.setToolTip("Previous")
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.today_button = QPushButton("&Today")
        self.today_button.clicked.connect(lambda: self.show_day(date.today()))
        self.next_button = QPushButton(icon("next"), "")
        self.next_button.setToolTip("Next")
        self.next_button.clicked.connect(lambda: self.step(1))
        self.date_edit = QDateEdit()
        self.date_edit.setObjectName("calendar_date")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setDate(QDate(self.anchor.year, self.anchor.month, self.anchor.day))
        self.date_edit.dateChanged.connect(lambda value: self.show_day(value.toPython()))
        for widget in (self.previous_button, self.today_button, self.next_button, self.date_edit):
            bar.addWidget(widget)
        self.title_label = QLabel()
        self.title_label.setObjectName("calendar_title")
        bar.addWidget(self.title_label, 1)
        self.export_button = QPushButton(icon("export"), "E&xport…")
        self.export_button.setToolTip("Save what this view shows as an .ics file for a diary program")
        self.export_button.clicked.connect(self.export_current)
        self.event_button = QPushButton(icon("export"), "&Event .ics…")
        self.event_button.setToolTip("Save the selected training event (all its sessions) as an .ics file")
        self.event_button.clicked.connect(self.export_selected_event)
        bar.addWidget(self.export_button)
        bar.addWidget(self.event_button)
        return bar

    def _load_choices(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(
            lambda: (load_lookups(db, user_id).organisations, list_groups(db, user_id)),
            lambda found: self.filters.set_choices(*found),
            lambda _error: None,  # the boxes keep "All …"; the calendar itself says what went wrong
        )

    # -- the range -----------------------------------------------------------------------------
    def shown_range(self) -> tuple[date, date]:
        """The days the current view shows."""
        if self.mode == MONTH:
            first = monday(self.anchor.replace(day=1))
            return first, first + timedelta(days=41)
        if self.mode == WEEK or (self.mode == OUT and self.out_week):
            first = monday(self.anchor)
            return first, first + timedelta(days=6)
        if self.mode == AGENDA:
            return self.anchor.replace(day=1), add_months(self.anchor, 1) - timedelta(days=1)
        return self.anchor, self.anchor

    def current_filter(self) -> CalendarFilter:
        first, last = self.shown_range()
        if self.mode == OUT:
            return CalendarFilter(first, last, self.filters.organisation_id, self.filters.group_id,
                                  self.filters.person_id, OUT_STATES, events=False)  # fmt: skip
        return CalendarFilter(
            first, last, self.filters.organisation_id, self.filters.group_id, self.filters.person_id,
            self.filters.states, self.filters.events.isChecked(),
        )  # fmt: skip

    def range_title(self) -> str:
        first, last = self.shown_range()
        if self.mode in (MONTH, AGENDA):
            return f"{self.anchor:%B %Y}"
        if first == last:
            return f"{first:%A} {day(first)}"
        return f"{day(first)} – {day(last)}"

    def set_mode(self, mode: str) -> None:
        self._show_mode(mode)
        self.refresh()

    def _show_mode(self, mode: str) -> None:
        self.mode = mode
        self.mode_buttons[mode].setChecked(True)
        self.stack.setCurrentIndex([m for m, _ in VIEWS].index(mode))
        self.out_span.setVisible(mode == OUT)
        self.filters.state.setEnabled(mode != OUT)  # who is out: authorised and pending, always
        self.filters.events.setEnabled(mode != OUT)

    def _set_out_week(self, week: bool) -> None:
        self.out_week = week
        self.refresh()

    def step(self, direction: int) -> None:
        if self.mode in (MONTH, AGENDA):
            self.anchor = add_months(self.anchor, direction)
        elif self.mode == WEEK or (self.mode == OUT and self.out_week):
            self.anchor += timedelta(days=7 * direction)
        else:
            self.anchor += timedelta(days=direction)
        self._anchor_moved()

    def show_day(self, value: object) -> None:
        """Move to ``value`` (a date); also the ``calendar`` route other modules use."""
        if isinstance(value, date):
            self.anchor = value
        self.activate()
        self._anchor_moved()

    def open_day(self, day: date, mode: str) -> None:
        """A double-click on a day's empty part: the month opens its week, the week who is out that day."""
        self.anchor = day
        if mode == OUT:
            self.out_week = False
            self.out_span.setCurrentIndex(0)
        self._show_mode(mode)
        self._anchor_moved()

    def _anchor_moved(self) -> None:
        if not self._built:
            return
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(self.anchor.year, self.anchor.month, self.anchor.day))
        self.date_edit.blockSignals(False)
        self.refresh()

    # -- loading -------------------------------------------------------------------------------
    def refresh(self) -> None:
        if not self._built:
            return
        self._request += 1
        request, filt, mode = self._request, self.current_filter(), self.mode
        self.title_label.setText(self.range_title())
        self.summary.setText("Loading…")
        db, user_id = self.context.db, self.context.user.id
        if mode == OUT:
            self.context.ops.query(
                lambda: who_is_out(
                    db,
                    user_id,
                    filt.starts_on,
                    filt.ends_on,
                    organisation_id=filt.organisation_id,
                    group_id=filt.group_id,
                    person_id=filt.person_id,
                ),
                lambda out: self._out_loaded(request, out),
                lambda error: self._failed(request, error.message),
            )
            return
        grid = self.month_grid if mode == MONTH else self.week_grid
        grid.show_range(filt.starts_on, self.anchor.month if mode == MONTH else None)
        self.context.ops.query(
            lambda: load_calendar(db, user_id, filt),
            lambda view: self._loaded(request, view),
            lambda error: self._failed(request, error.message),
        )

    def _failed(self, request: int, message: str) -> None:
        if request == self._request:
            self.summary.setText(f"Could not load the calendar: {message}")

    def _loaded(self, request: int, view: CalendarView) -> None:
        if request != self._request:
            return
        self.view = view
        if self.mode == MONTH:
            self.month_grid.set_view(view)
        elif self.mode == WEEK:
            self.week_grid.set_view(view)
        else:
            self.agenda_model.set_rows(agenda_rows(view))
            fit_columns(self.agenda_table)
        self.summary.setText(summary_text(view))

    def _out_loaded(self, request: int, out: WhoIsOut) -> None:
        if request != self._request:
            return
        self.out = out
        self.out_model.set_rows(out_rows(out))
        self.out_table.clearSpans()
        for row, shown in enumerate(self.out_model.rows):
            if shown.person is None:  # an organisation's heading runs across the table
                self.out_table.setSpan(row, 0, 1, len(self.out_model.COLUMNS))
        fit_columns(self.out_table)
        people = out.people
        cover = sum(org.cover_days for org in out.organisations)
        more = f" Only the first {OUT_LIMIT:,} are listed: choose an organisation or group." if out.truncated else ""
        self.summary.setText(
            f"{people:,} {'person is' if people == 1 else 'people are'} out at {len(out.organisations):,} "
            f"organisation{'' if len(out.organisations) == 1 else 's'} ({cover:g} cover days asked), authorised or "
            f"still pending.{more}"
            if people
            else "Nobody you can see has authorised or pending CPD on these days."
        )

    # -- opening and exporting -----------------------------------------------------------------
    def open_item(self, item: Item | None) -> None:
        if isinstance(item, SessionItem):
            self.context.navigator.go("training_event", item.event_id)
        elif isinstance(item, ActivityItem):
            self.context.navigator.go(
                "activities",
                ActivityFilter(person_id=item.person_id, starts_from=item.starts_on,
                               starts_before=item.starts_on + timedelta(days=1), sort="start"),
            )  # fmt: skip

    def _open_out(self, row: int) -> None:
        if 0 <= row < self.out_model.rowCount():
            self.open_item(out_item(self.out_model.row_at(row)))

    def selected_item(self) -> Item | None:
        if self.mode == MONTH:
            return self.month_grid.selected
        if self.mode == WEEK:
            return self.week_grid.selected
        table: QTableView = self.agenda_table if self.mode == AGENDA else self.out_table
        index = table.currentIndex()
        if not index.isValid():
            return None
        shown = index.data(RowRole)
        return shown.item if self.mode == AGENDA else out_item(shown)

    def export_current(self) -> None:
        from desktop.modules.calendar.export import export_view  # on first use: it brings icalendar

        filt = self.current_filter()
        name = "Who is out " + self.range_title() if self.mode == OUT else f"Calendar {self.range_title()}"
        export_view(self.context, self, filt, name)

    def export_selected_event(self) -> None:
        from desktop.modules.calendar.export import export_event

        item = self.selected_item()
        if isinstance(item, SessionItem):
            export_event(self.context, self, item.event_id, item.title)
        else:
            self.summary.setText("Select a training event first (click it), then Event .ics….")


def summary_text(view: CalendarView) -> str:
    sessions = len(view.sessions)
    count = view.activity_count
    text = (
        f"{sessions:,} training session{'' if sessions == 1 else 's'} and {count:,} "
        f"CPD activit{'y' if count == 1 else 'ies'}."
    )
    if count > ITEM_LIMIT:
        text += (
            f" More than {ITEM_LIMIT:,} activities: each day shows its counts; choose an organisation, group "
            "or person to see them by name."
        )
    return text
