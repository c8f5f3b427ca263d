"""Tick all, untick a few, sign off: exactly the rows left ticked are decided (C4), and the budget
impact of "all matching, minus these" worked out in SQL is the sum of its rows (C7)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import func, select

from db.models import AuditEntry, CpdActivity, DecisionBatch, Notification, PartnershipState
from db.queries.activities import ActivityFilter
from db.queries.budget_context import authorisation_impact
from db.queries.decidable_rows import decidable_matching
from db.queries.refusals import refused_below
from db.queries.ticked_matching import MatchingTicks, matching_impact, matching_refused
from db.services.signoff import sign_off
from tests.gui_helpers import close_window, open_window
from tests.helpers import user_id
from tests.test_signoff_traps import authorise_in_dialog, pending_panel, rows_where, tick_all_pending


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
        panel = tick_all_pending(qtbot, window)
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


def test_the_ticks_and_the_dialog_come_before_the_versions_and_the_decision_waits_for_them(
    qtbot, demo_db, tmp_path, monkeypatch
) -> None:
    """ "Tick all" ticks on its first quick read; the versions of a million rows take a second more.  Until
    they are in, the rows show ticked, the sign-off dialog opens with its figures, and only its
    Authorise waits; a row unticked meanwhile stays out."""
    import threading

    from desktop.modules.partnership_cpd import ticking
    from desktop.modules.partnership_cpd.activity_table_model import READING_TICKS
    from desktop.modules.partnership_cpd.sign_off_dialog import SignOffDialog
    from tests.gui_helpers import wait_for_window

    gate = threading.Event()
    read_versions = ticking.ticked_versions

    def held_versions(*args, **kwargs):
        gate.wait(20)  # the versions read, held until the test lets it finish
        return read_versions(*args, **kwargs)

    monkeypatch.setattr(ticking, "ticked_versions", held_versions)
    window = open_window(qtbot, demo_db, tmp_path)
    try:
        panel = pending_panel(qtbot, window)
        qtbot.waitUntil(lambda: panel.decidable_total is not None, timeout=10_000)
        expected = panel.decidable_total
        qtbot.mouseClick(panel.tick_all_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: panel.model.reading_ticks, timeout=10_000)
        assert panel.model.ticked_count == expected and f"{expected:,} ticked" in panel.ticked_label.text()
        decidable = rows_where(panel, True)
        shown = panel.model.index(decidable[0], 0).data(Qt.ItemDataRole.CheckStateRole)
        assert shown == Qt.CheckState.Checked.value or shown == Qt.CheckState.Checked
        panel.model.set_ticked(decidable[1], False)  # unticked before the versions are in
        unticked = panel.model.row_at(decidable[1]).id
        assert panel.model.ticked_count == expected - 1

        told: list[str] = []
        panel.context.navigator.status_message.connect(told.append)
        panel.follow_up.attendance(True)  # an action on every ticked row waits for them, and says so
        assert told == [READING_TICKS]

        with qtbot.waitSignal(panel.model.modelReset, timeout=10_000):
            panel.refresh()  # the list read again (a change elsewhere): the ticks stay, still being read
        assert panel.model.reading_ticks and panel.model.ticked_count == expected - 1

        panel.sign_off(PartnershipState.AUTHORISED)
        dialog = wait_for_window(qtbot, SignOffDialog)
        qtbot.waitUntil(lambda: dialog.impact is not None and dialog.refused is not None, timeout=10_000)
        assert dialog.reading and dialog.reading_label.isVisible() and not dialog.ok_button.isEnabled()
        assert dialog.impact.count == expected - 1  # the figures need no version

        gate.set()
        qtbot.waitUntil(lambda: not dialog.reading, timeout=10_000)
        assert dialog.ok_button.isEnabled() and not dialog.reading_label.isVisible()
        selection = panel.model.selection()
        assert isinstance(selection, MatchingTicks) and not selection.reading
        assert len(selection.versions) == expected and selection.minus == {unticked}
        assert dialog.count == panel.model.ticked_count == expected - 1
        assert unticked not in dialog.ticked and len(dialog.ticked) == expected - 1
        dialog.reject()
    finally:
        gate.set()
        close_window(window)
