"""The Partnership CPD panel's reading of its filter (C1, C2): the first view at start-up (the lists
and the first page in one read), a filter's first page, its count, total and queue counts once
that page shows, further pages as the table scrolls, and the names a filter gives by id only
(a drill-through's person, a flood fill).  A filter shown before the lists are read waits for them.

Kept out of panel.py, which holds the table, its filters and what the buttons do.  Functions
taking the panel: the state they keep (``_generation``, ``_lookups``, ``_summary`` …) stays on the
panel, where the ticking, the filter's names and the tests read it.  Every answer carries the
generation it was asked under; one that comes back after a newer filter is dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

from db.engine import Database
from db.queries import activities as activity_queries
from db.queries.activities import ActivityFilter, ActivityPage, ActivityRow, ActivitySummary
from db.queries.decidable_rows import count_decidable
from db.queries.filter_words import FilterNames, filter_names, filter_parts
from db.queries.lookups import Lookups, load_lookups
from db.queries.people_search import PersonChoice, person_choice
from desktop.kit.formatting import money
from desktop.modules.partnership_cpd import ticking
from desktop.modules.partnership_cpd.filter_bar import filter_from_text, filter_to_text

if TYPE_CHECKING:
    from db.errors import TrustDeskError
    from desktop.modules.partnership_cpd.panel import PartnershipCpdPanel

log = logging.getLogger(__name__)

SETTINGS_FILTER = "partnership_cpd/filter"
#: how long a page may take before the chips and the queue tabs show the filter without it
SHOW_LOADING_AFTER_MS = 100


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


# -- the first view ------------------------------------------------------------------------------
def refresh(panel: PartnershipCpdPanel) -> None:
    """The panel's refresh: its filter again, or (the first time) the lists and the first page."""
    if panel._lookups is not None:
        load(panel)
        return
    db, user_id = panel.context.db, panel.context.user.id
    if panel._pending_filter is not None:  # a drill-through is waiting for the lists: it names the filter
        _read_lookups(panel)
        return
    # The first view: the lists and the first page in one read (the page the user opened the program for;
    # two reads one after the other waited twice for a lane and for the UI thread).
    remembered, base = str(panel.context.settings.value(SETTINGS_FILTER, "") or ""), panel.filter
    panel.context.ops.query(
        lambda: _first_view(db, user_id, remembered, base),
        lambda first: _first_view_loaded(panel, first),
        lambda _error: _read_lookups(panel),  # step by step, each step saying what went wrong
    )


def _read_lookups(panel: PartnershipCpdPanel) -> None:
    db, user_id = panel.context.db, panel.context.user.id
    panel.context.ops.query(lambda: load_lookups(db, user_id), lambda lookups: _lookups_loaded(panel, lookups))


def _first_view_loaded(panel: PartnershipCpdPanel, first: FirstView) -> None:
    if panel._pending_filter is not None:  # a drill-through came meanwhile: it wins over the remembered filter
        _lookups_loaded(panel, first.lookups)
        return
    panel._lookups = first.lookups
    panel.bar.set_lookups(first.lookups)
    panel.show_filter(first.filter, first.person_label, first.page, bring_forward=False)


def _lookups_loaded(panel: PartnershipCpdPanel, lookups: Lookups) -> None:
    panel._lookups = lookups
    panel.bar.set_lookups(lookups)
    label = panel._pending_label
    wanted = panel._pending_filter
    drill_through = wanted is not None
    if wanted is None:
        remembered = filter_from_text(str(panel.context.settings.value(SETTINGS_FILTER, "") or ""))
        if remembered is not None:
            wanted, label = remembered
        else:
            wanted = replace(panel.filter, period_id=lookups.current_period_id)
    panel._pending_filter = None
    panel.show_filter(wanted, label, bring_forward=drill_through)


def show_filter(
    panel: PartnershipCpdPanel,
    activity_filter: ActivityFilter,
    person_label: str,
    prefetched: ActivityPage | None,
    *,
    bring_forward: bool,
) -> None:
    """The panel's ``show_filter``: before the lists are read, the filter waits for them (``_lookups_loaded``)."""
    if panel._lookups is None:
        panel._pending_filter, panel._pending_label = activity_filter, person_label
        panel.activate()
        return
    if bring_forward:
        panel.activate()
    panel.bar.set_filter(activity_filter, person_label)
    if activity_filter.person_id is not None and not person_label:
        name_person(panel, activity_filter.person_id)
    # A remembered organisation or period that is no longer there falls back to "all": read back what shows.
    panel.filter = panel.bar.read(activity_filter)
    load(panel, prefetched if panel.filter == activity_filter else None)


# -- a filter's pages and counts ---------------------------------------------------------------------
def load(panel: PartnershipCpdPanel, prefetched: ActivityPage | None = None) -> None:
    """Read the first page of ``panel.filter`` (or show ``prefetched``, read already for it)."""
    panel._generation += 1
    generation = panel._generation
    db, user_id, filt = panel.context.db, panel.context.user.id, panel.filter
    panel.context.settings.setValue(SETTINGS_FILTER, filter_to_text(filt, panel.bar.person_label))
    other_filter = filt != panel._shown_filter
    panel._shown_filter = filt
    panel.summary_label.setText("Loading…")  # at once: the count and total shown are the last filter's
    if prefetched is not None:
        _page_loaded(panel, generation, prefetched, other_filter)
        return
    # The first page goes alone: the count, the total and the queue tabs' counts read far more
    # rows, and on the other lane they would slow the page the user is waiting for. They
    # start once it is shown (``_count``).
    panel.context.ops.query(
        lambda: activity_queries.first_rows(db, user_id, filt),
        lambda page: _page_loaded(panel, generation, page, other_filter),
        lambda error: _page_failed(panel, generation, error),
    )
    # The chips, the queue tabs and the sort arrow follow with the page, in the same paint,
    # unless it takes a while: painted while it was read, they held the window's thread and the
    # interpreter that the read needed (at 1M the page came in after 20 ms instead of 11).
    QTimer.singleShot(SHOW_LOADING_AFTER_MS, panel, lambda: _dress(panel, generation))
    if filt.flood_fill_batch_id is not None:
        _name_flood_fill(panel, generation, filt)


def _page_failed(panel: PartnershipCpdPanel, generation: int, error: TrustDeskError) -> None:
    _dress(panel, generation)
    panel._failed(generation, error)


def _dress(panel: PartnershipCpdPanel, generation: int) -> None:
    """Show the filter of ``generation`` around the table (once): the sort arrow, the queue tab and
    the chips, the queue counts blank until they come."""
    if generation != panel._generation or panel._dressed_generation == generation:
        return
    panel._dressed_generation = generation
    filt = panel.filter
    panel._sync_sort_indicator()
    panel.queue_tabs.set_queue(filt.partnership_state)
    panel.queue_tabs.set_counts(None)
    panel.chips.set_parts(filter_parts(filt, panel._names(filt)))


def _count(panel: PartnershipCpdPanel, generation: int, filt: ActivityFilter) -> None:
    """The count and total of the rows matching, and each queue's count, after the first page."""
    db, user_id = panel.context.db, panel.context.user.id
    panel.context.ops.query(
        lambda: activity_queries.summarise(db, user_id, filt),
        lambda summary: _summary_loaded(panel, generation, summary),
        lambda error: panel._failed(generation, error),
    )
    panel.context.ops.query(
        lambda: activity_queries.queue_counts(db, user_id, filt),
        lambda counts: panel.queue_tabs.set_counts(counts) if generation == panel._generation else None,
        lambda _error: None,  # the tabs keep their names without counts; the table reports the trouble
    )


def _page_loaded(panel: PartnershipCpdPanel, generation: int, page: ActivityPage, other_filter: bool = True) -> None:
    if generation != panel._generation:
        return  # a newer filter is on its way
    _dress(panel, generation)
    ticking.set_can_decide(panel, page.can_decide)
    panel.model.set_rules(page.rules)
    summary = panel._summary if panel._summary_generation == generation else None
    panel.model.reset(summary, page.rows)
    if other_filter:
        # What was ticked under another filter is not on screen any more. A refresh of the same
        # filter (someone else changed data) keeps the ticks: their versions still say what was seen.
        panel.model.clear_ticks()
    if not panel._columns_sized and page.rows:
        panel._columns_sized = True
        log.info("Partnership CPD: first rows shown")  # bench/bench_startup.py times this
    panel.context.navigator.first_view_done()  # start-up chores waited for this page (once)
    if summary is None:
        panel.summary_label.setText("Counting…" if page.rows else "Loading…")
    panel._ticks_changed()
    if panel._summary_generation != generation:
        # After the event loop has painted the page (a zero timer runs after the repaint Qt just
        # queued): counting on both lanes meanwhile would take the cores the repaint needs.
        filt = panel.filter
        QTimer.singleShot(
            0, panel, lambda: _count(panel, generation, filt) if generation == panel._generation else None
        )


def _summary_loaded(panel: PartnershipCpdPanel, generation: int, summary: ActivitySummary) -> None:
    if generation != panel._generation:
        return
    panel.decidable_total = None
    panel._summary, panel._summary_generation = summary, generation
    panel.model.set_summary(summary)
    noun = "activity" if summary.count == 1 else "activities"
    text = f"{summary.count:,} {noun} · total {money(summary.total_cost_pence)}"
    if summary.count == 0:
        text = "No activities match these filters. Clear a filter to see more."
    panel.summary_label.setText(text)
    panel.tick_all_button.setText(f"Tick all {summary.count:,} matching")
    panel._ticks_changed()
    if panel.can_decide:
        db, user_id, filt = panel.context.db, panel.context.user.id, panel.filter
        panel.context.ops.query(
            lambda: count_decidable(db, user_id, filt),
            lambda count: ticking.decidable_counted(panel, generation, summary.count, count),
            lambda _error: None,  # the button keeps the plain count
        )


def fetch_more(panel: PartnershipCpdPanel, offset: int) -> None:
    """The table scrolled near the end of what is loaded: the next page, after the last row shown."""
    generation = panel._generation
    db, user_id, filt = panel.context.db, panel.context.user.id, panel.filter
    last = panel.model.row_at(offset - 1) if 0 < offset <= panel.model.loaded else None
    panel.context.ops.query(
        lambda: activity_queries.fetch_page(db, user_id, filt, offset, after=last),
        lambda rows: _more_loaded(panel, generation, offset, rows),
        lambda error: panel._failed(generation, error),
    )


def _more_loaded(panel: PartnershipCpdPanel, generation: int, offset: int, rows: list[ActivityRow]) -> None:
    if generation == panel._generation:
        panel.model.append(offset, rows)


# -- names a filter gives by id only ------------------------------------------------------------------
def name_person(panel: PartnershipCpdPanel, person_id: int) -> None:
    """A drill-through names a person by id only: show their name in the box."""
    db, user_id = panel.context.db, panel.context.user.id

    def named(choice: PersonChoice | None) -> None:
        if choice is not None and panel.filter.person_id == person_id:
            panel.bar.person_edit.set_person(person_id, choice.label)

    panel.context.ops.query(lambda: person_choice(db, user_id, person_id), named, lambda _error: None)


def _name_flood_fill(panel: PartnershipCpdPanel, generation: int, filt: ActivityFilter) -> None:
    """The bar has no list of flood fills: read the one this filter names, then relabel its chip."""
    db = panel.context.db

    def named(names: FilterNames) -> None:
        panel._flood_fill_name = (filt.flood_fill_batch_id, names.flood_fill)
        if generation == panel._generation:
            panel.chips.set_parts(filter_parts(filt, panel._names(filt)))

    panel.context.ops.query(lambda: filter_names(db, filt), named, lambda _error: None)
