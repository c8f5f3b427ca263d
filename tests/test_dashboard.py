"""The dashboard (DB1): its figures agree with the activities they drill into, and it follows changes."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from db.changes import recorded
from db.models import PartnershipState
from db.queries.activities import ActivityFilter, summarise
from db.queries.dashboard import dashboard_figures
from db.queries.decidable_rows import matching_versions
from db.queries.lookups import load_lookups
from db.services.signoff import sign_off
from desktop.modules.dashboard.panel import CARDS
from tests.gui_helpers import close_window, open_window
from tests.helpers import user_id


def _period(db, user: int) -> int:
    period = load_lookups(db, user).current_period_id
    assert period is not None
    return period


def test_every_card_matches_the_activities_it_opens(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    period = _period(demo_db, sam)
    figures = dashboard_figures(demo_db, sam, period)
    assert figures.activities > 100
    expected = {
        "pending_line_manager": figures.pending_line_manager,
        "pending_cpd_team": figures.pending_cpd_team,
        "pending_partnership": figures.pending_partnership,
        "needs_reauthorisation": figures.needs_reauthorisation,
        "authorised": figures.authorised,
        "completion": figures.completed,
        "without_evaluation": figures.without_evaluation,
    }
    for key, count in expected.items():
        drilled = summarise(demo_db, sam, ActivityFilter(period_id=period, **CARDS[key][2]))
        assert drilled.count == count, key
    authorised = summarise(demo_db, sam, ActivityFilter(period_id=period, **CARDS["authorised"][2]))
    assert authorised.total_cost_pence == figures.authorised_pence
    assert 0 < figures.without_evaluation < figures.completed


def test_months_add_up_to_the_period_and_drill_to_their_activities(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    period = _period(demo_db, sam)
    figures = dashboard_figures(demo_db, sam, period)
    assert len(figures.months) == 12
    assert sum(m.requested for m in figures.months) == figures.activities
    assert sum(m.authorised for m in figures.months) == figures.authorised
    assert sum(m.completed for m in figures.months) == figures.completed
    busiest = max(figures.months, key=lambda m: m.requested)
    following = busiest.starts_on.replace(month=busiest.starts_on.month % 12 + 1)
    if busiest.starts_on.month == 12:
        following = following.replace(year=busiest.starts_on.year + 1)
    month = ActivityFilter(period_id=period, starts_from=busiest.starts_on, starts_before=following)
    assert summarise(demo_db, sam, month).count == busiest.requested
    authorised = replace(month, partnership_state=PartnershipState.AUTHORISED)
    assert summarise(demo_db, sam, authorised).count == busiest.authorised


def test_spend_per_organisation_and_one_organisation_view(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    period = _period(demo_db, sam)
    figures = dashboard_figures(demo_db, sam, period)
    assert any(row.over_budget for row in figures.spend), "the demo has schools over budget"
    row = max(figures.spend, key=lambda r: r.authorised_pence)
    drilled = summarise(
        demo_db,
        sam,
        ActivityFilter(
            period_id=period, organisation_id=row.organisation_id, partnership_state=PartnershipState.AUTHORISED
        ),
    )
    assert drilled.total_cost_pence == row.authorised_pence
    one = dashboard_figures(demo_db, sam, period, row.organisation_id)
    assert [r.organisation_id for r in one.spend] == [row.organisation_id]
    assert one.authorised_pence == row.authorised_pence
    assert one.activities < figures.activities


def test_nothing_shown_outside_the_users_scope(demo_db) -> None:
    chris = user_id(demo_db, "chris.lee")  # coordinator at one school
    period = _period(demo_db, chris)
    figures = dashboard_figures(demo_db, chris, period)
    assert len(figures.spend) <= 1


def test_qtcharts_is_not_imported_until_the_dashboard_is_built() -> None:
    code = (
        "import sys; import desktop.main_window, desktop.modules.dashboard.panel; "
        "sys.exit(1 if 'PySide6.QtCharts' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.fixture
def window(qtbot, demo_db, tmp_path):
    win = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    yield win
    close_window(win)


def _ready_dashboard(qtbot, window):
    panel = window.panels["dashboard"]
    panel.activate()
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=10_000)
    return panel


def test_clicking_a_card_opens_exactly_its_activities(qtbot, window) -> None:
    panel = _ready_dashboard(qtbot, window)
    expected = panel.figures.without_evaluation
    assert panel.cards["without_evaluation"].value_label.text() == f"{expected:,}"
    qtbot.mouseClick(panel.cards["without_evaluation"], Qt.MouseButton.LeftButton)
    cpd = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.filter.without_evaluation and cpd.model.total == expected, timeout=10_000)
    assert cpd.filter.period_id == panel.period_box.currentData()
    # The count arrives on its own query, after the first page: wait for it, not for the rows.
    qtbot.waitUntil(lambda: cpd.summary_label.text().startswith(f"{expected:,} activit"), timeout=10_000)
    assert "Without an evaluation" in cpd.chips.texts()  # a filter with no box still shows, removably


def test_clicking_a_month_bar_opens_that_months_authorised_activities(qtbot, window) -> None:
    panel = _ready_dashboard(qtbot, window)
    index = max(range(12), key=lambda i: panel.figures.months[i].authorised)
    month = panel.figures.months[index]
    assert panel.month_chart.sets["authorised"].at(index) == month.authorised
    panel.month_chart.sets["authorised"].clicked.emit(index)
    cpd = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.filter.starts_from == month.starts_on, timeout=10_000)
    qtbot.waitUntil(lambda: cpd.model.total == month.authorised, timeout=10_000)
    assert cpd.filter.partnership_state is PartnershipState.AUTHORISED
    # The count arrives on its own query, after the first page: wait for it, not for the rows.
    qtbot.waitUntil(lambda: cpd.summary_label.text().startswith(f"{month.authorised:,} activit"), timeout=10_000)
    assert f"Starting in {month.starts_on:%B %Y}" in cpd.chips.texts()


def test_spend_bars_warn_when_over_budget_and_drill_to_the_school(qtbot, window) -> None:
    panel = _ready_dashboard(qtbot, window)
    chart = panel.spend_chart
    over = [i for i, row in enumerate(chart.rows) if row.over_budget]
    assert over and sorted(chart.over_budget_indexes()) == over
    assert "over budget" in panel.spend_label.text()
    target = chart.rows[over[0]]
    chart.spend_set.clicked.emit(over[0])
    cpd = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.filter.organisation_id == target.organisation_id, timeout=10_000)
    qtbot.waitUntil(lambda: cpd.model.total > 0, timeout=10_000)
    assert cpd.filter.partnership_state is PartnershipState.AUTHORISED


def test_one_organisation_and_refresh_after_a_change(qtbot, window, demo_db) -> None:
    panel = _ready_dashboard(qtbot, window)
    before = panel.figures
    sam = user_id(demo_db, "sam.patel")
    pending = ActivityFilter(period_id=panel.period_box.currentData(), partnership_state=PartnershipState.PENDING)
    shown = dict(list(matching_versions(demo_db, sam, pending).items())[:25])
    done = recorded(lambda: sign_off(demo_db, sam, shown, PartnershipState.AUTHORISED))
    result = done.result
    assert len(result.applied) > 10
    window.context.bus.publish(*done.changes)  # as the operation that ran it would
    panel.activate()  # at once if it is on screen, else as soon as it is shown again
    qtbot.waitUntil(lambda: panel.figures is not before, timeout=10_000)
    after = panel.figures
    assert after.authorised == before.authorised + len(result.applied)
    assert after.pending_partnership == before.pending_partnership - len(result.applied)
    assert panel.cards["pending_partnership"].value_label.text() == f"{after.pending_partnership:,}"

    panel.org_box.setCurrentIndex(2)
    chosen = panel.org_box.currentData()
    qtbot.waitUntil(lambda: [r.organisation_id for r in panel.figures.spend] in ([chosen], []), timeout=10_000)
    panel.cards["pending_partnership"].clicked.emit()
    cpd = window.panels["partnership_cpd"]
    qtbot.waitUntil(lambda: cpd.filter.organisation_id == chosen, timeout=10_000)
    assert cpd.filter.partnership_state is PartnershipState.PENDING


def test_spend_table_model_passes_the_model_tester(qtbot, qtmodeltester, window) -> None:
    panel = _ready_dashboard(qtbot, window)
    qtmodeltester.check(panel.spend_model, force_py=True)
