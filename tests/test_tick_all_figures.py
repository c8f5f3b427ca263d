""" "Tick all" at scale (C4, C7): the rows it ticks, and the budget, cover and refusal figures the
sign-off dialog shows for them, are the same whichever way they are worked out: in one pass
over the period, in SQL grouped per chunk of ids, or row by row."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, update

from db.models import Budget, CpdActivity, Job, PartnershipState, SharingLevel
from db.queries.activities import ActivityFilter
from db.queries.budget_context import LISTED_COVER, authorisation_impact, impact_by_groups
from db.queries.decidable_rows import decidable_matching
from db.queries.lookups import load_lookups
from db.queries.refusals import refused_below
from db.queries.tick_versions import PiecedVersions
from db.queries.ticked_matching import (
    MatchingTicks,
    _parts,
    ceiling_now,
    matching_figures_now,
    matching_impact,
    matching_refused,
    tick_all_matching,
)
from desktop.kit.formatting import money
from desktop.modules.partnership_cpd.sign_off_dialog import SignOffDialog
from tests.gui_helpers import close_window, open_window, wait_for_window
from tests.helpers import coordinator_of_one_group, group_with_requests, org_with_sharing, user_id
from tests.test_signoff_traps import rows_where, tick_all_pending


def _current(db, sam: int) -> ActivityFilter:
    return ActivityFilter(period_id=load_lookups(db, sam).current_period_id)


def _tight_limits(db, period_id: int) -> None:
    """Every budget of the period down to a penny and every cover limit to nothing: each figure warns."""
    with db.transaction() as session:
        session.execute(update(Job).values(cover_limit_days=0))
        orgs = session.scalars(select(CpdActivity.organisation_id).where(CpdActivity.period_id == period_id)).all()
        session.execute(update(Budget).where(Budget.period_id == period_id).values(amount_pence=1))
        have = set(session.scalars(select(Budget.organisation_id).where(Budget.period_id == period_id)))
        session.add_all(
            Budget(organisation_id=org, period_id=period_id, amount_pence=1) for org in sorted(set(orgs) - have)
        )


def test_tick_all_ticks_the_rows_the_row_by_row_reading_does(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    for filt in (_current(demo_db, sam), ActivityFilter(partnership_state=PartnershipState.PENDING)):
        match = tick_all_matching(demo_db, sam, filt)
        row_by_row = decidable_matching(demo_db, sam, filt)
        assert dict(match.versions) == row_by_row.versions and len(match.versions) > 20
        assert match.left_out == row_by_row.left_out and match.left_out_count > 0
        assert match.ceiling == max(row_by_row.versions)


def test_the_rows_left_out_are_those_the_row_by_row_reading_leaves_out_for_every_kind_of_reach(demo_db) -> None:
    """A lead who sees schools that do not share decisions, a school's coordinator, and one who reaches only
    one group's staff: what "tick all" leaves out, and why, is what reading every row would say."""
    school = org_with_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    group_id = group_with_requests(demo_db, school)
    users = [user_id(demo_db, "sam.patel"), user_id(demo_db, "chris.lee")]
    users.append(coordinator_of_one_group(demo_db, "group.coord", school, group_id))
    reasons: set[str] = set()
    for user in users:
        filt = ActivityFilter(partnership_state=PartnershipState.PENDING)
        match, row_by_row = tick_all_matching(demo_db, user, filt), decidable_matching(demo_db, user, filt)
        assert match.left_out == row_by_row.left_out
        assert dict(match.versions) == row_by_row.versions
        reasons.update(match.left_out)
    assert len(reasons) >= 2, reasons  # more than one kind of reason was met


def test_the_period_figures_warn_exactly_as_the_figures_added_up_row_by_row(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = _current(demo_db, sam)
    assert filt.period_id is not None
    _tight_limits(demo_db, filt.period_id)
    match = tick_all_matching(demo_db, sam, filt)
    minus = frozenset(sorted(match.versions)[::5])  # every fifth unticked by hand
    ticks = MatchingTicks(filt, match.versions, minus, ceiling=match.ceiling)
    left = [activity_id for activity_id in match.versions if activity_id not in minus]

    in_one_pass = matching_impact(demo_db, sam, ticks)  # one pass over the period
    by_ids = authorisation_impact(demo_db, sam, left)  # the ids, grouped in SQL
    with demo_db.read() as session:
        grouped = impact_by_groups(session, _parts(session, sam, ticks))  # the filter, grouped per job
    assert in_one_pass == by_ids == grouped
    assert in_one_pass.count == len(left) and in_one_pass.undecided_count > 0
    assert in_one_pass.budget_warnings and all(w.over_by_pence > 0 for w in in_one_pass.budget_warnings)
    assert in_one_pass.cover_past_limit >= len(in_one_pass.cover_warnings) > 0
    assert len(in_one_pass.cover_warnings) <= LISTED_COVER
    assert all(w.total_days > w.context.limit_days for w in in_one_pass.cover_warnings)
    with demo_db.read() as session:  # the totals are the rows' own, added up here
        costs = session.execute(
            select(CpdActivity.total_cost_pence, CpdActivity.partnership_state).where(CpdActivity.id.in_(left))
        ).all()
    assert in_one_pass.total_cost_pence == sum(cost for cost, _state in costs)
    waiting = {PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION}
    assert in_one_pass.undecided_cost_pence == sum(c for c, s in costs if PartnershipState(s) in waiting)
    assert matching_refused(demo_db, sam, ticks) == refused_below(demo_db, sam, left)


def test_figures_read_alongside_the_ticking_are_the_figures_of_the_ticks(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = _current(demo_db, sam)
    match = tick_all_matching(demo_db, sam, filt)
    ceiling, impact = matching_figures_now(demo_db, sam, filt)
    assert ceiling == match.ceiling
    assert impact == matching_impact(demo_db, sam, MatchingTicks(filt, match.versions, ceiling=match.ceiling))
    # the highest id, read per state for a period with none chosen, for one state, and across periods
    for other in (replace(filt, partnership_state=PartnershipState.PENDING), ActivityFilter(search="a")):
        assert ceiling_now(demo_db, sam, other) == max(tick_all_matching(demo_db, sam, other).versions)


def test_the_dialog_after_tick_all_shows_the_total_of_the_rows_still_ticked(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    try:
        panel = tick_all_pending(qtbot, window)
        figures = panel.tick_figures
        assert figures is not None
        qtbot.waitUntil(lambda: figures.impact is not None and figures.refused is not None, timeout=10_000)
        everything = dict(panel._all_match.versions)
        before = figures.impact
        assert before is not None

        panel.sign_off(PartnershipState.AUTHORISED)  # the figures worked out when ticking, at once
        dialog = wait_for_window(qtbot, SignOffDialog)
        assert dialog.impact is figures.impact and dialog.impact.count == len(everything)
        dialog.reject()

        row = rows_where(panel, True)[0]
        gone = panel.model.row_at(row)
        panel.model.set_ticked(row, False)
        panel.sign_off(PartnershipState.AUTHORISED)  # one row fewer: not those figures any more
        dialog = [d for d in panel.findChildren(SignOffDialog) if d.isVisible()][-1]
        qtbot.waitUntil(lambda: dialog.impact is not None, timeout=10_000)
        assert dialog.impact is not figures.impact
        assert dialog.impact.count == len(everything) - 1
        assert dialog.impact.total_cost_pence == before.total_cost_pence - gone.total_cost_pence
        assert money(dialog.impact.total_cost_pence) in dialog.total_label.text()
        dialog.reject()
    finally:
        close_window(window)


def test_the_warnings_that_arrive_after_the_dialog_opens_are_shown_whole(qtbot, demo_db, tmp_path) -> None:
    """The budget, cover and refusal lines fill in once worked out: the dialog grows to show each one
    whole, instead of its layout squeezing them and cutting lines in half."""
    window = open_window(qtbot, demo_db, tmp_path)
    try:
        panel = tick_all_pending(qtbot, window)
        panel.model.set_ticked(rows_where(panel, True)[0], False)  # not "tick all"'s figures: read once it is open
        panel.sign_off(PartnershipState.AUTHORISED)
        dialog = wait_for_window(qtbot, SignOffDialog)
        assert dialog.impact is None
        qtbot.waitUntil(lambda: dialog.impact is not None and dialog.refused is not None, timeout=10_000)
        labels = (dialog.warning_label, dialog.cover_label, dialog.refusal_label)
        shown = [label for label in labels if label.isVisible()]
        assert len(shown) == 3  # the demo's pending requests go past budgets and cover limits, some refused below
        qtbot.waitUntil(lambda: all(label.height() >= label.heightForWidth(label.width()) for label in shown))
        dialog.reject()
    finally:
        close_window(window)


def test_versions_read_in_pieces_are_every_id_and_version_once() -> None:
    """200,000 ticked rows arrive as one "id:version,…" string, parsed a piece at a time."""
    pairs = {activity_id: activity_id % 7 + 1 for activity_id in range(1, 75_001, 3)}
    versions = PiecedVersions(",".join(f"{a}:{v}" for a, v in pairs.items()))
    assert len(versions._pieces) > 1  # the string was cut
    assert dict(versions) == pairs and len(versions) == len(pairs)
    assert 4 in versions and versions[4] == 5 and 2 not in versions
    assert len(PiecedVersions("")) == 0
