"""Partnership CPD: the authorisation workbench (C1-C7, A1-A2).

Every activity across the trust, filtered, sorted and paged in SQL; ticks held
in the model as id → version so that "tick all N matching" never loads rows;
bulk and single decisions, their results and their undo go through services
run by ``context.ops``.  ``self.filter`` is always the filter on screen (other
panels and menus read it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from db.engine import Database
from db.errors import TrustDeskError
from db.models import PartnershipState
from db.queries import activities as activity_queries
from db.queries.activities import ActivityFilter, ActivityPage, ActivityRow, ActivitySummary
from db.queries.decidability import DecidableMatch
from db.queries.filter_codec import filter_from_data, filter_to_data
from db.queries.filter_words import FilterNames, filter_names, filter_parts, sentence, without
from db.queries.lookups import Lookups, load_lookups
from db.queries.people_search import PersonChoice, person_choice, search_people
from db.queries.ticked_matching import tick_all_matching
from db.services.signoff import SignOffResult
from desktop.kit.formatting import money
from desktop.kit.icons import icon
from desktop.kit.panel import Panel
from desktop.kit.selection_keeper import keep_selection
from desktop.modules.partnership_cpd.action_row import ActionRow
from desktop.modules.partnership_cpd.activity_table_model import COL_CHECK, SORT_KEYS, ActivityTableModel
from desktop.modules.partnership_cpd.columns import (
    SortHeader,
    apply_widths,
    column_of,
    open_column_menu,
    restore_hidden,
)
from desktop.modules.partnership_cpd.filter_bar import FilterBar, filter_from_text, filter_to_text
from desktop.modules.partnership_cpd.filter_chips import FilterChips, names_from_lookups
from desktop.modules.partnership_cpd.follow_up_actions import follow_up_button
from desktop.modules.partnership_cpd.queue_tabs import QueueTabs
from desktop.modules.partnership_cpd.range_ticks import RangeTicker
from desktop.modules.partnership_cpd.request_flows import NEW_REQUEST_KEYS, RequestFlows
from desktop.modules.partnership_cpd.row_menu import build_row_menu
from desktop.modules.partnership_cpd.saved_views import SavedViewsButton, suggested_name
from desktop.modules.partnership_cpd.tick_banner import TickBanner
from desktop.modules.partnership_cpd.tick_figures import TickFigures
from desktop.modules.partnership_cpd.undo_bar import UNDO_KEYS, UndoBar

if TYPE_CHECKING:  # imported on first use: the workbook brings xlsxwriter (start-up imports only what shows)
    from desktop.modules.partnership_cpd.workbook_actions import WorkbookActions

log = logging.getLogger(__name__)

SETTINGS_FILTER = "partnership_cpd/filter"
AUTHORISE_KEYS = "Ctrl+Shift+A"
REJECT_KEYS = "Ctrl+Shift+R"
TICK_ALL_KEYS = "Ctrl+Shift+T"


class PartnershipCpdPanel(Panel):
    # -- the module's File menu entries (its manifest names these) ---------------------------------
    @property
    def workbook(self) -> WorkbookActions:
        """Budget workbook export and decision import, made on first use."""
        from desktop.modules.partnership_cpd.workbook_actions import WorkbookActions

        made: WorkbookActions | None = getattr(self, "_workbook", None)
        if made is None:
            made = self._workbook = WorkbookActions(self.window(), self.context, lambda: self.filter)
        return made

    def export_workbook(self) -> None:
        self.workbook.export()

    def import_decisions(self) -> None:
        self.workbook.choose_import()

    def import_requests(self) -> None:
        """File › Import requests… (the module's menu entry): file, columns, preview, then import."""
        from desktop.modules.partnership_cpd.request_import_dialog import RequestImportDialog

        dialog = RequestImportDialog(self.context, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def new_request(self, job_id: int | None = None) -> None:
        """File › New request… (and the "new_request" route with a job: the individual already chosen)."""
        self.ensure_built()
        self.requests.new_request(job_id)

    def print_list(self) -> None:
        from desktop.modules.partnership_cpd.printing import print_activities

        print_activities(self.window(), self.context, self.filter, pdf=False)

    def export_pdf(self, path: Path | None = None) -> None:
        """Export to PDF…; with ``path`` (tests, scripts) no file dialog is shown."""
        from desktop.modules.partnership_cpd.printing import print_activities

        print_activities(self.window(), self.context, self.filter, pdf=True, path=path)

    def create_widget(self) -> QWidget:
        self.filter = ActivityFilter()
        self._generation = 0
        self._lookups: Lookups | None = None
        self._pending_filter: ActivityFilter | None = None
        self._pending_label = ""
        self._columns_sized = False
        self._summary: ActivitySummary | None = None
        self._shown_filter: ActivityFilter | None = None
        self._summary_generation = -1
        self._flood_fill_name: tuple[int | None, str | None] = (None, None)  # (batch id, its title)
        self.can_decide = False
        self._all_match: DecidableMatch | None = None  # the last "tick all", for what it left out
        self.tick_figures: TickFigures | None = None  # its sign-off figures, worked out when ticked
        self.context.bus.changed.connect(self._drop_tick_figures)  # any change may alter them
        self.decidable_total: int | None = None  # of the matching rows, how many this user may decide

        root = QWidget()
        layout = QVBoxLayout(root)
        db, user_id = self.context.db, self.context.user.id
        self.bar = FilterBar(self.context.ops, lambda text: search_people(db, user_id, text))
        layout.addWidget(self.bar)
        self.chips = FilterChips()
        self.views_button = SavedViewsButton(self.context, self._view_to_save)
        chips_row = QHBoxLayout()
        chips_row.addWidget(self.chips, 1)
        chips_row.addWidget(self.views_button)
        layout.addLayout(chips_row)
        self.queue_tabs = QueueTabs()
        layout.addWidget(self.queue_tabs)

        self.tick_all_button = QPushButton(icon("tick_all"), "Tick all matching")
        self.tick_all_button.setToolTip(f"Tick every activity matching the filters, loaded or not ({TICK_ALL_KEYS})")
        self.untick_button = QPushButton("Untick all")
        self.ticked_label = QLabel()
        self.authorise_button = QPushButton(icon("authorise"), "Authorise…")
        self.authorise_button.setToolTip(f"Authorise the ticked activities ({AUTHORISE_KEYS})")
        self.reject_button = QPushButton(icon("reject"), "Reject…")
        self.reject_button.setToolTip(f"Reject the ticked activities with a reason ({REJECT_KEYS})")
        self.details_button = QPushButton("Details…")
        self.details_button.setToolTip("Everything about the current activity, its history and budget (Enter)")
        self.recent_button = QPushButton(icon("undo"), "Recent decisions…")
        self.export_view_button = QPushButton(icon("export"), "Export view…")
        self.export_view_button.setToolTip("Save the rows and columns shown, as filtered and sorted, to .xlsx or .csv")
        self.export_view_button.clicked.connect(self.export_view)
        self.requests = RequestFlows(self)
        left = [self.requests.new_button, self.tick_all_button, self.untick_button, self.ticked_label]
        layout.addWidget(
            ActionRow(
                left,
                [
                    follow_up_button(self),  # attendance, completion, evaluations (follow_up_actions.py)
                    *self.requests.layer_buttons,
                    self.authorise_button,
                    self.reject_button,
                    self.details_button,
                    self.recent_button,
                    self.export_view_button,
                ],
            )
        )

        self.undo_bar = UndoBar(self.context)
        self.tick_banner = TickBanner()
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.tick_banner)

        self.model = ActivityTableModel(self)
        self.table = QTableView()
        self.header = SortHeader(COL_CHECK, self.table)
        self.table.setHorizontalHeader(self.header)
        self.table.setModel(self.model)
        keep_selection(self.table)  # a sort reloads from SQL: the same activity stays selected
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.header.setSortIndicator(column_of(self.filter.sort), Qt.SortOrder.DescendingOrder)
        apply_widths(self.table)
        self.header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.installEventFilter(self)
        self.range_ticker = RangeTicker(self.table, self.model)
        restore_hidden(self.table, self.context.settings)
        layout.addWidget(self.table, 1)
        self.summary_label = QLabel("Loading…")
        self.summary_label.setObjectName("summary")
        layout.addWidget(self.summary_label)

        self.bar.edited.connect(self._filters_edited)
        self.bar.clear_button.clicked.connect(self.clear_filters)
        self.chips.removed.connect(self.remove_filter)
        self.queue_tabs.queue_chosen.connect(self._queue_chosen)
        self.views_button.view_chosen.connect(self.show_view)
        self.model.more_wanted.connect(self._fetch_more)
        self.model.sort_requested.connect(self._sort)
        # A section that cannot sort (the tick box) never takes the arrow from the column that sorts.
        self.header.sortIndicatorChanged.connect(
            lambda column, _order: None if column in SORT_KEYS else self._sync_sort_indicator()
        )
        self.model.ticks_changed.connect(self._ticks_changed)
        self.model.modelReset.connect(self._ticks_changed)
        self.model.rowsInserted.connect(self._ticks_changed)
        self.header.toggled.connect(self.model.tick_page)
        self.header.customContextMenuRequested.connect(
            lambda pos: open_column_menu(self.table, self.context.settings, pos)
        )
        self.table.customContextMenuRequested.connect(self._row_menu)
        self.table.doubleClicked.connect(lambda index: self.open_details(index.row()))
        self.tick_all_button.clicked.connect(self.tick_all_matching)
        self.untick_button.clicked.connect(self.model.clear_ticks)
        self.authorise_button.clicked.connect(lambda: self.sign_off(PartnershipState.AUTHORISED))
        self.reject_button.clicked.connect(lambda: self.sign_off(PartnershipState.REJECTED))
        self.details_button.clicked.connect(lambda: self.open_details(self.table.currentIndex().row()))
        self.recent_button.clicked.connect(self.open_recent_decisions)
        self.undo_bar.details_requested.connect(self.open_result)
        self.tick_banner.tick_all_requested.connect(self.tick_all_matching)
        self.tick_banner.untick_requested.connect(self.model.clear_ticks)
        for keys, slot in (
            (AUTHORISE_KEYS, lambda: self.sign_off(PartnershipState.AUTHORISED)),
            (REJECT_KEYS, lambda: self.sign_off(PartnershipState.REJECTED)),
            (TICK_ALL_KEYS, self.tick_all_matching),
            (NEW_REQUEST_KEYS, self.new_request),
            (UNDO_KEYS, self.undo_bar.undo),
        ):
            QShortcut(QKeySequence(keys), root, slot, Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._set_can_decide(False)
        return root

    # -- loading ---------------------------------------------------------------
    def refresh(self) -> None:
        if self._lookups is not None:
            self._load()
            return
        db, user_id = self.context.db, self.context.user.id
        if self._pending_filter is not None:  # a drill-through is waiting for the lists: it names the filter
            self._read_lookups()
            return
        # The first view: the lists and the first page in one read (the page the user opened the program for;
        # two reads one after the other waited twice for a lane and for the UI thread).
        remembered, base = str(self.context.settings.value(SETTINGS_FILTER, "") or ""), self.filter
        self.context.ops.query(
            lambda: _first_view(db, user_id, remembered, base),
            self._first_view_loaded,
            lambda _error: self._read_lookups(),  # step by step, each step saying what went wrong
        )

    def _read_lookups(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: load_lookups(db, user_id), self._lookups_loaded)

    def _first_view_loaded(self, first: FirstView) -> None:
        if self._pending_filter is not None:  # a drill-through came meanwhile: it wins over the remembered filter
            self._lookups_loaded(first.lookups)
            return
        self._lookups = first.lookups
        self.bar.set_lookups(first.lookups)
        self.show_filter(first.filter, first.person_label, first.page, bring_forward=False)

    def _lookups_loaded(self, lookups: Lookups) -> None:
        self._lookups = lookups
        self.bar.set_lookups(lookups)
        label = self._pending_label
        wanted = self._pending_filter
        drill_through = wanted is not None
        if wanted is None:
            remembered = filter_from_text(str(self.context.settings.value(SETTINGS_FILTER, "") or ""))
            if remembered is not None:
                wanted, label = remembered
            else:
                wanted = replace(self.filter, period_id=lookups.current_period_id)
        self._pending_filter = None
        self.show_filter(wanted, label, bring_forward=drill_through)

    def show_filter(
        self,
        activity_filter: ActivityFilter,
        person_label: str = "",
        prefetched: ActivityPage | None = None,
        *,
        bring_forward: bool = True,
    ) -> None:
        """Show exactly this filter (used by drill-through from other panels), bringing the panel forward.

        ``prefetched``: its first page, already read (start-up's first view), used if the bar shows that filter.
        ``bring_forward=False``: the panel's own first view, which must not take the front back from a panel
        the user chose while it loaded.
        """
        if self._lookups is None:
            self._pending_filter, self._pending_label = activity_filter, person_label
            self.activate()
            return
        if bring_forward:
            self.activate()
        self.bar.set_filter(activity_filter, person_label)
        if activity_filter.person_id is not None and not person_label:
            self._name_person(activity_filter.person_id)
        # A remembered organisation or period that is no longer there falls back to "all": read back what shows.
        self.filter = self.bar.read(activity_filter)
        self._load(prefetched if self.filter == activity_filter else None)

    def _name_person(self, person_id: int) -> None:
        """A drill-through names a person by id only: show their name in the box."""
        db, user_id = self.context.db, self.context.user.id

        def named(choice: PersonChoice | None) -> None:
            if choice is not None and self.filter.person_id == person_id:
                self.bar.person_edit.set_person(person_id, choice.label)

        self.context.ops.query(lambda: person_choice(db, user_id, person_id), named, lambda _error: None)

    def _filters_edited(self) -> None:
        self.filter = self.bar.read(self.filter)
        self._load()

    def clear_filters(self) -> None:
        period = self._lookups.current_period_id if self._lookups else None
        self.show_filter(ActivityFilter(period_id=period, sort=self.filter.sort, descending=self.filter.descending))

    def _sort(self, key: str, descending: bool) -> None:
        self.filter = replace(self.filter, sort=key, descending=descending)
        self.bar.set_filter(self.filter, self.bar.person_label)
        self._load()

    def _load(self, prefetched: ActivityPage | None = None) -> None:
        """Read the first page of ``self.filter`` (or show ``prefetched``, read already for it)."""
        self._generation += 1
        generation = self._generation
        db, user_id, filt = self.context.db, self.context.user.id, self.filter
        self.context.settings.setValue(SETTINGS_FILTER, filter_to_text(filt, self.bar.person_label))
        self._sync_sort_indicator()
        self.summary_label.setText("Loading…")
        self.queue_tabs.set_queue(filt.partnership_state)
        self.queue_tabs.set_counts(None)
        self.chips.set_parts(filter_parts(filt, self._names(filt)))
        other_filter = filt != self._shown_filter
        self._shown_filter = filt
        if prefetched is not None:
            self._page_loaded(generation, prefetched, other_filter)
            return
        # The first page goes alone: the count, the total and the queue tabs' counts read far more
        # rows, and on the other lane they would slow the page the user is waiting for. They
        # start once it is shown (``_count``).
        self.context.ops.query(
            lambda: activity_queries.first_rows(db, user_id, filt),
            lambda page: self._page_loaded(generation, page, other_filter),
            lambda error: self._failed(generation, error),
        )
        if filt.flood_fill_batch_id is not None:
            self._name_flood_fill(generation, filt)

    def _count(self, generation: int, filt: ActivityFilter) -> None:
        """The count and total of the rows matching, and each queue's count, after the first page."""
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(
            lambda: activity_queries.summarise(db, user_id, filt),
            lambda summary: self._summary_loaded(generation, summary),
            lambda error: self._failed(generation, error),
        )
        self.context.ops.query(
            lambda: activity_queries.queue_counts(db, user_id, filt),
            lambda counts: self.queue_tabs.set_counts(counts) if generation == self._generation else None,
            lambda _error: None,  # the tabs keep their names without counts; the table reports the trouble
        )

    # -- what the filter is called (chips, saved views) -------------------------
    def _names(self, filt: ActivityFilter) -> FilterNames:
        batch_id, batch_title = self._flood_fill_name
        flood_fill = batch_title if batch_id == filt.flood_fill_batch_id else None
        return names_from_lookups(filt, self._lookups, self.bar.person_label, flood_fill)

    def _name_flood_fill(self, generation: int, filt: ActivityFilter) -> None:
        """The bar has no list of flood fills: read the one this filter names, then relabel its chip."""
        db = self.context.db

        def named(names: FilterNames) -> None:
            self._flood_fill_name = (filt.flood_fill_batch_id, names.flood_fill)
            if generation == self._generation:
                self.chips.set_parts(filter_parts(filt, self._names(filt)))

        self.context.ops.query(lambda: filter_names(db, filt), named, lambda _error: None)

    def filter_description(self) -> str:
        """The filter on screen in words (the chips' text joined), e.g. for an export's notes."""
        return sentence(filter_parts(self.filter, self._names(self.filter)))

    def remove_filter(self, key: str) -> None:
        """A chip's ×: drop that one condition, keep the rest."""
        self.show_filter(without(self.filter, key), self.bar.person_label if key != "person" else "")

    def _queue_chosen(self, queue: PartnershipState | None) -> None:
        self.filter = replace(self.filter, partnership_state=queue)
        self.bar.set_filter(self.filter, self.bar.person_label)
        self._load()

    def _view_to_save(self) -> tuple[dict, str]:
        current = self._lookups.current_period_id if self._lookups else None
        parts = filter_parts(self.filter, self._names(self.filter))
        return filter_to_data(self.filter, current), suggested_name(self.filter, parts, current)

    def show_view(self, data: dict) -> None:
        """Show a saved view's filters (a person's name comes back from the database)."""
        current = self._lookups.current_period_id if self._lookups else None
        self.show_filter(filter_from_data(data, current))

    def _sync_sort_indicator(self) -> None:
        order = Qt.SortOrder.DescendingOrder if self.filter.descending else Qt.SortOrder.AscendingOrder
        self.header.blockSignals(True)
        self.header.setSortIndicator(column_of(self.filter.sort), order)
        self.header.blockSignals(False)
        self.header.viewport().update()

    def _page_loaded(self, generation: int, page: ActivityPage, other_filter: bool = True) -> None:
        if generation != self._generation:
            return  # a newer filter is on its way
        self._set_can_decide(page.can_decide)
        self.model.set_rules(page.rules)
        summary = self._summary if self._summary_generation == generation else None
        self.model.reset(summary, page.rows)
        if other_filter:
            # What was ticked under another filter is not on screen any more. A refresh of the same
            # filter (someone else changed data) keeps the ticks: their versions still say what was seen.
            self.model.clear_ticks()
        if not self._columns_sized and page.rows:
            self._columns_sized = True
            log.info("Partnership CPD: first rows shown")  # bench/bench_startup.py times this
        self.context.navigator.first_view_done()  # start-up chores waited for this page (once)
        if summary is None:
            self.summary_label.setText("Counting…" if page.rows else "Loading…")
        self._ticks_changed()
        if self._summary_generation != generation:
            # After the event loop has painted the page (a zero timer runs after the repaint Qt just
            # queued): counting on both lanes meanwhile would take the cores the repaint needs.
            filt = self.filter
            QTimer.singleShot(
                0, self, lambda: self._count(generation, filt) if generation == self._generation else None
            )

    def _summary_loaded(self, generation: int, summary: ActivitySummary) -> None:
        if generation != self._generation:
            return
        self.decidable_total = None
        self._summary, self._summary_generation = summary, generation
        self.model.set_summary(summary)
        noun = "activity" if summary.count == 1 else "activities"
        text = f"{summary.count:,} {noun} · total {money(summary.total_cost_pence)}"
        if summary.count == 0:
            text = "No activities match these filters. Clear a filter to see more."
        self.summary_label.setText(text)
        self.tick_all_button.setText(f"Tick all {summary.count:,} matching")
        self._ticks_changed()
        if self.can_decide:
            db, user_id, filt = self.context.db, self.context.user.id, self.filter
            self.context.ops.query(
                lambda: activity_queries.count_decidable(db, user_id, filt),
                lambda count: self._decidable_counted(generation, summary.count, count),
                lambda _error: None,  # the button keeps the plain count
            )

    def _decidable_counted(self, generation: int, matching: int, decidable: int) -> None:
        """The N of "Tick all N matching" counts only rows the user may decide, and says how many it leaves out."""
        if generation != self._generation:
            return
        self.decidable_total = decidable
        self.tick_all_button.setText(f"Tick all {decidable:,} matching")
        left_out = matching - decidable
        tip = f"Tick every activity matching the filters that you may decide, loaded or not ({TICK_ALL_KEYS})"
        if left_out:
            tip += f"; leaves out {left_out:,} you may not decide (hover over a row's dash for why)"
        self.tick_all_button.setToolTip(tip)
        self._ticks_changed()

    def _fetch_more(self, offset: int) -> None:
        generation = self._generation
        db, user_id, filt = self.context.db, self.context.user.id, self.filter
        last = self.model.row_at(offset - 1) if 0 < offset <= self.model.loaded else None
        self.context.ops.query(
            lambda: activity_queries.fetch_page(db, user_id, filt, offset, after=last),
            lambda rows: self._more_loaded(generation, offset, rows),
            lambda error: self._failed(generation, error),
        )

    def _more_loaded(self, generation: int, offset: int, rows: list[ActivityRow]) -> None:
        if generation == self._generation:
            self.model.append(offset, rows)

    def _failed(self, generation: int, error: TrustDeskError) -> None:
        self.model.fetch_failed()
        if generation == self._generation:
            self.summary_label.setText(f"Could not load activities: {error.message}")

    # -- ticking (C4) ----------------------------------------------------------
    def _set_can_decide(self, can_decide: bool) -> None:
        """Who may only view and comment sees no checkboxes and no decision buttons at all."""
        self.can_decide = can_decide
        self.model.set_checkable(can_decide)
        self.table.setColumnHidden(COL_CHECK, not can_decide)
        self.header.check_visible = can_decide
        for widget in (self.tick_all_button, self.untick_button, self.ticked_label):
            widget.setVisible(can_decide)
        for widget in (self.authorise_button, self.reject_button):
            widget.setVisible(can_decide)
        self.requests.sync(can_decide, self.model.ticked_count)

    def _ticks_changed(self, *_args: object) -> None:
        count = self.model.ticked_count
        self.header.set_state(self.model.page_check_state())
        self.ticked_label.setText(f"{count:,} ticked" if count else "Nothing ticked")
        self.untick_button.setEnabled(count > 0)
        self.authorise_button.setEnabled(count > 0)
        self.reject_button.setEnabled(count > 0)
        self.requests.sync(self.can_decide, count)
        self.tick_all_button.setEnabled(self.model.total > 0)
        self._all_match = self.tick_banner.follow(
            self.model, self.ticked_label, self.can_decide, self.decidable_total, self._all_match
        )

    def tick_all_matching(self) -> None:
        if not self.can_decide:
            return
        generation = self._generation
        db, user_id, filt = self.context.db, self.context.user.id, self.filter
        self.ticked_label.setText(f"Ticking all {self.decidable_total or self.model.total:,}…")
        self.tick_all_button.setEnabled(False)
        self.context.ops.query(
            lambda: tick_all_matching(db, user_id, filt),
            lambda match: self._all_ticked(generation, match, filt),
            lambda error: self._failed(generation, error),
        )
        # the sign-off dialog's figures, on the other read lane meanwhile (``TickFigures``)
        self._drop_tick_figures()
        self.tick_figures = TickFigures(self.context, filt, self)

    def _all_ticked(self, generation: int, match: DecidableMatch, filt: ActivityFilter) -> None:
        if generation == self._generation:
            self._all_match = match
            self.model.tick_all(match.versions, filt, match.ceiling)
        self._ticks_changed()

    def _drop_tick_figures(self, *_args: object) -> None:
        if self.tick_figures is not None:
            self.tick_figures.deleteLater()
            self.tick_figures = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Space ticks the current row, Ctrl+A ticks the page, Enter opens it: no mouse needed."""
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            row = self.table.currentIndex().row()
            if event.key() == Qt.Key.Key_Space and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                self.model.toggle(row)
                return True
            if event.matches(QKeySequence.StandardKey.SelectAll):
                self.model.tick_page(self.model.page_check_state() != Qt.CheckState.Checked)
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and row >= 0:
                self.open_details(row)
                return True
            shift_f10 = event.key() == Qt.Key.Key_F10 and event.modifiers() == Qt.KeyboardModifier.ShiftModifier
            if (event.key() == Qt.Key.Key_Menu or shift_f10) and row >= 0:
                self._row_menu(self.table.visualRect(self.table.currentIndex()).center())
                return True
        return super().eventFilter(watched, event)

    # -- deciding (the sign-off flow: sign_off_flow.py) --------------------------
    def sign_off(self, decision: PartnershipState, rows: Mapping[int, int] | None = None) -> None:
        """Decide the ticked rows, or only ``rows`` (id → version: the row menu's one row)."""
        from desktop.modules.partnership_cpd.sign_off_flow import sign_off_rows

        sign_off_rows(self, decision, rows)

    def open_result(self, result: SignOffResult | None) -> None:
        """The undo bar's Details…: every row the decision left alone (the bar keeps the Undo)."""
        from desktop.modules.partnership_cpd.sign_off_flow import open_sign_off_result

        open_sign_off_result(self, result)

    def open_details(self, row: int) -> None:
        if not 0 <= row < self.model.loaded:
            return
        from desktop.modules.partnership_cpd.activity_detail import ActivityDetailDialog

        activity = self.model.row_at(row)
        dialog = ActivityDetailDialog(self.context, activity.id, self)
        dialog.open()

    def open_recent_decisions(self) -> None:
        from desktop.modules.partnership_cpd.recent_decisions import RecentDecisionsDialog

        RecentDecisionsDialog(self.context, self).open()

    # -- menus -----------------------------------------------------------------
    def _row_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid() or not 0 <= index.row() < self.model.loaded:
            return
        build_row_menu(self, index.row(), self.table).popup(self.table.viewport().mapToGlobal(pos))

    def export_view(self) -> None:
        """File › Export current view… (and the panel's button): the rows and columns shown, to .xlsx or .csv."""
        from desktop.modules.partnership_cpd.view_export_action import export_current_view

        export_current_view(self.context, self, self)


@dataclass(frozen=True)
class FirstView:
    """What the panel shows first: the lists, the filter (remembered, else this period's) and its first page."""

    lookups: Lookups
    filter: ActivityFilter
    person_label: str
    page: ActivityPage


def _first_view(db: Database, user_id: int, remembered: str, base: ActivityFilter) -> FirstView:
    """On a worker: the lists, then the first page of the filter they make the panel show."""
    lookups = load_lookups(db, user_id)
    parsed = filter_from_text(remembered)
    wanted, label = parsed if parsed is not None else (replace(base, period_id=lookups.current_period_id), "")
    return FirstView(lookups, wanted, label, activity_queries.first_rows(db, user_id, wanted))
