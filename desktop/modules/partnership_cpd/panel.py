"""Partnership CPD: the authorisation workbench (C1-C7, A1-A2).

Every activity across the trust, filtered, sorted and paged in SQL (loading.py); ticks held
in the model as id → version so that "tick all N matching" never loads rows (ticking.py);
bulk and single decisions, their results and their undo go through services run by
``context.ops`` (sign_off_flow.py, request_flows.py).  This module builds the panel and keeps
its state; ``self.filter`` is always the filter on screen (other panels and menus read it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
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

from db.errors import TrustDeskError
from db.models import PartnershipState
from db.queries.activities import ActivityFilter, ActivityPage, ActivitySummary
from db.queries.decidability import DecidableMatch
from db.queries.filter_codec import filter_from_data, filter_to_data
from db.queries.filter_words import FilterNames, filter_parts, sentence, without
from db.queries.lookups import Lookups
from db.queries.people_search import search_people
from db.services.signoff import SignOffResult
from desktop.kit.icons import icon
from desktop.kit.panel import Panel
from desktop.kit.selection_keeper import keep_selection
from desktop.kit.widgets import lay_out_when_reset
from desktop.modules.partnership_cpd import loading, ticking
from desktop.modules.partnership_cpd.action_row import ActionRow
from desktop.modules.partnership_cpd.activity_table_model import COL_CHECK, SORT_KEYS, ActivityTableModel
from desktop.modules.partnership_cpd.columns import (
    SortHeader,
    apply_widths,
    column_of,
    open_column_menu,
    restore_hidden,
)
from desktop.modules.partnership_cpd.filter_bar import FilterBar
from desktop.modules.partnership_cpd.filter_chips import FilterChips, names_from_lookups
from desktop.modules.partnership_cpd.follow_up_actions import follow_up_button
from desktop.modules.partnership_cpd.loading import SETTINGS_FILTER as SETTINGS_FILTER  # tests name it here
from desktop.modules.partnership_cpd.queue_tabs import QueueTabs
from desktop.modules.partnership_cpd.range_ticks import RangeTicker
from desktop.modules.partnership_cpd.request_flows import NEW_REQUEST_KEYS, RequestFlows
from desktop.modules.partnership_cpd.row_menu import build_row_menu
from desktop.modules.partnership_cpd.saved_views import SavedViewsButton, suggested_name
from desktop.modules.partnership_cpd.tick_banner import TickBanner
from desktop.modules.partnership_cpd.tick_figures import TickFigures
from desktop.modules.partnership_cpd.ticking import TICK_ALL_KEYS
from desktop.modules.partnership_cpd.undo_bar import UNDO_KEYS, UndoBar

if TYPE_CHECKING:  # imported on first use: the workbook brings xlsxwriter (start-up imports only what shows)
    from desktop.modules.partnership_cpd.workbook_actions import WorkbookActions

AUTHORISE_KEYS = "Ctrl+Shift+A"
REJECT_KEYS = "Ctrl+Shift+R"


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
        self._dressed_generation = -1  # the filter shown around the table (loading._dress)
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
        lay_out_when_reset(self.table)  # a new page is painted once, not again a moment later
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
        ticking.set_can_decide(self, False)
        return root

    # -- loading (loading.py) ---------------------------------------------------
    def refresh(self) -> None:
        loading.refresh(self)

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
        loading.show_filter(self, activity_filter, person_label, prefetched, bring_forward=bring_forward)

    def _filters_edited(self) -> None:
        self.filter = self.bar.read(self.filter)
        loading.load(self)

    def clear_filters(self) -> None:
        period = self._lookups.current_period_id if self._lookups else None
        self.show_filter(ActivityFilter(period_id=period, sort=self.filter.sort, descending=self.filter.descending))

    def _sort(self, key: str, descending: bool) -> None:
        self.filter = replace(self.filter, sort=key, descending=descending)
        self.bar.set_filter(self.filter, self.bar.person_label)
        loading.load(self)

    # -- what the filter is called (chips, saved views) -------------------------
    def _names(self, filt: ActivityFilter) -> FilterNames:
        batch_id, batch_title = self._flood_fill_name
        flood_fill = batch_title if batch_id == filt.flood_fill_batch_id else None
        return names_from_lookups(filt, self._lookups, self.bar.person_label, flood_fill)

    def filter_description(self) -> str:
        """The filter on screen in words (the chips' text joined), e.g. for an export's notes."""
        return sentence(filter_parts(self.filter, self._names(self.filter)))

    def remove_filter(self, key: str) -> None:
        """A chip's ×: drop that one condition, keep the rest."""
        self.show_filter(without(self.filter, key), self.bar.person_label if key != "person" else "")

    def _queue_chosen(self, queue: PartnershipState | None) -> None:
        self.filter = replace(self.filter, partnership_state=queue)
        self.bar.set_filter(self.filter, self.bar.person_label)
        loading.load(self)

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

    def _fetch_more(self, offset: int) -> None:
        loading.fetch_more(self, offset)

    def _failed(self, generation: int, error: TrustDeskError) -> None:
        """A read for the table failed (a page, the counts, "tick all"): the model stops waiting, the line says why."""
        self.model.fetch_failed()
        if generation == self._generation:
            self.summary_label.setText(f"Could not load activities: {error.message}")

    # -- ticking (C4; ticking.py) -------------------------------------------------
    def _ticks_changed(self, *_args: object) -> None:
        ticking.ticks_changed(self)

    def tick_all_matching(self) -> None:
        ticking.tick_all_matching(self)

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
