"""Tick all, untick a few, sign off: exactly the rows left ticked are decided (C4), and the budget
impact of "all matching, minus these" worked out in SQL is the sum of its rows (C7)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from db.models import AuditEntry, CpdActivity, DecisionBatch, Notification, PartnershipState
from db.queries.activities import ActivityFilter, decidable_matching
from db.queries.budget_context import authorisation_impact
from db.queries.refusals import refused_below
from db.queries.ticked_matching import MatchingTicks, matching_impact, matching_refused
from db.services.signoff import sign_off
from tests.gui_helpers import close_window, open_window
from tests.helpers import user_id
from tests.test_signoff_traps import authorise_in_dialog, pending_panel, rows_where


def _states(db, ids) -> dict[int, PartnershipState]:
    with db.read() as session:
        rows = session.execute(select(CpdActivity.id, CpdActivity.partnership_state).where(CpdActivity.id.in_(ids)))
        return {activity_id: PartnershipState(state) for activity_id, state in rows}


def test_the_impact_of_all_matching_minus_some_is_the_sum_of_its_rows(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter(partnership_state=PartnershipState.PENDING)
    match = decidable_matching(demo_db, sam, filt)
    assert len(match.versions) > 20
    minus = frozenset(sorted(match.versions)[::7])  # every seventh unticked by hand
    ticks = MatchingTicks(filt, match.versions, minus)
    left = [activity_id for activity_id in match.versions if activity_id not in minus]
    assert ticks.count == len(left)

    in_sql = matching_impact(demo_db, sam, ticks)
    row_by_row = authorisation_impact(demo_db, sam, left)
    assert in_sql == row_by_row
    assert in_sql.count == len(left) and in_sql.total_cost_pence > 0
    with demo_db.read() as session:  # and that sum is the rows' own costs, added up here
        costs = session.scalars(select(CpdActivity.total_cost_pence).where(CpdActivity.id.in_(left))).all()
    assert in_sql.total_cost_pence == sum(costs)
    assert matching_refused(demo_db, sam, ticks) == refused_below(demo_db, sam, left)


def test_sign_off_audits_and_notifies_every_row_it_decides(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    match = decidable_matching(demo_db, sam, ActivityFilter(partnership_state=PartnershipState.PENDING))
    shown = dict(sorted(match.versions.items())[:40])
    result = sign_off(demo_db, sam, shown, PartnershipState.AUTHORISED, "Within budget")
    assert set(result.applied) == set(shown)
    with demo_db.read() as session:
        batch = session.get(DecisionBatch, result.batch_id)
        assert batch is not None and batch.activity_count == len(shown)
        audits = session.scalars(
            select(AuditEntry).where(AuditEntry.decision_batch_id == result.batch_id).order_by(AuditEntry.entity_id)
        ).all()
        assert [audit.entity_id for audit in audits] == sorted(shown)
        for audit in audits:
            assert (audit.action, audit.entity, audit.user_id, audit.reason) == (
                "partnership_authorised",
                "cpd_activity",
                sam,
                "Within budget",
            )
            assert audit.at == batch.decided_at
            assert audit.db_identity
            assert audit.before is not None and audit.before["partnership_state"] == "pending"
            assert audit.before["version"] == shown[audit.entity_id]
            assert audit.after == {"partnership_state": "authorised", "version": shown[audit.entity_id] + 1}
        notices = session.execute(
            select(Notification.activity_id, Notification.subject, Notification.kind, Notification.batch_key)
            .where(Notification.activity_id.in_(shown))
            .order_by(Notification.activity_id)
        ).all()
        titles = dict(session.execute(select(CpdActivity.id, CpdActivity.title).where(CpdActivity.id.in_(shown))).all())
        assert [notice.activity_id for notice in notices] == sorted(shown)
        assert len({notice.batch_key for notice in notices}) == 1  # one digest per person per action (N1)
        for notice in notices:
            assert notice.kind == "partnership_authorised"
            assert (
                notice.subject == f"Your CPD request “{titles[notice.activity_id]}” was authorised by the partnership"
            )
        assert (
            session.scalar(select(func.count()).select_from(Notification).where(Notification.sent_at.is_not(None))) == 0
        )


def test_tick_all_then_untick_some_then_sign_off_decides_exactly_the_rest(qtbot, demo_db, tmp_path) -> None:
    window = open_window(qtbot, demo_db, tmp_path)
    try:
        panel = pending_panel(qtbot, window)
        qtbot.waitUntil(lambda: panel.decidable_total is not None, timeout=10_000)
        qtbot.mouseClick(panel.tick_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel._all_match is not None, timeout=10_000)
        everything = dict(panel._all_match.versions)
        assert panel.model.ticked_count == len(everything) > 2

        unticked = rows_where(panel, True)[:2]
        for row in unticked:
            panel.model.set_ticked(row, False)
        left_out = {panel.model.row_at(row).id for row in unticked}
        assert panel.model.ticked_count == len(everything) - 2
        selection = panel.model.selection()
        assert isinstance(selection, MatchingTicks)  # a filter less two rows, not a copy of every id
        assert selection.minus == left_out

        panel.sign_off(PartnershipState.AUTHORISED)
        authorise_in_dialog(qtbot, panel)
        decided = _states(demo_db, everything)
        authorised = {activity_id for activity_id, state in decided.items() if state is PartnershipState.AUTHORISED}
        assert authorised == set(everything) - left_out
        assert {decided[activity_id] for activity_id in left_out} == {PartnershipState.PENDING}
        assert panel.model.ticked_count == 0
    finally:
        close_window(window)
