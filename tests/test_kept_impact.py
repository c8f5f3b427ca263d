"""The sign-off figures of "tick all" read from the running totals (``kept_impact``) are those of a
pass over the period's rows: with the user's own requests, the rows unticked by hand and the rows
added since the ticking all left out of the ticked groups (C4, C7)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from db.models import CpdActivity, PartnershipState
from db.queries.activities import ActivityFilter
from db.queries.budget_context import UNDECIDED, _cover_in_one_pass, _cover_of_few
from db.queries.decidability import OWN_REQUEST, decide_rules_in
from db.queries.kept_impact import kept_impact
from db.queries.period_impact import impact_in_periods
from db.queries.ticked_matching import MatchingTicks, _where, matching_impact, tick_all_matching
from db.scope import scope_for
from db.services.requests import enter_request
from tests.helpers import user_id
from tests.request_helpers import details, job_at
from tests.test_tick_all_figures import _current, _tight_limits


def _both_ways(db, user: int, ticks: MatchingTicks):
    """The figures from the totals, and from one pass over the period's rows, in one read."""
    assert ticks.filter.period_id is not None
    with db.read() as session:
        scope = scope_for(session, user)
        rules = decide_rules_in(session, scope)
        where, ceiling = _where(session, scope, ticks, rules)
        assert ceiling is not None
        kept = kept_impact(session, scope, rules, ticks.filter, where, ceiling, ticks.minus)
        scanned = impact_in_periods(session, where, [ticks.filter.period_id])
    return kept, scanned


@pytest.mark.parametrize(
    "change",
    [{}, {"partnership_state": PartnershipState.PENDING}, {"search": "a"}],
    ids=["period", "pending", "search"],
)
def test_the_totals_give_the_figures_of_the_rows_left_ticked(demo_db, change) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter(period_id=_current(demo_db, sam).period_id, **change)
    assert filt.period_id is not None
    _tight_limits(demo_db, filt.period_id)
    match = tick_all_matching(demo_db, sam, filt)
    assert match.left_out.get(OWN_REQUEST), "sam.patel's own requests match and are not ticked"
    some_row = next(iter(match.versions))
    with demo_db.read() as session:
        school = session.get(CpdActivity, some_row).organisation_id
    # entered after the ticking, in the same period and school: matches the filter, but is not ticked
    enter_request(demo_db, sam, job_at(demo_db, school), details(course_fee_pence=9_999_00))
    ticks = MatchingTicks(filt, match.versions, frozenset(sorted(match.versions)[::5]), ceiling=match.ceiling)

    kept, scanned = _both_ways(demo_db, sam, ticks)
    assert kept is not None, "the totals answer a period and state filter"
    assert kept == scanned
    assert kept.count == ticks.count and kept.undecided_count > 0
    assert kept.budget_warnings and kept.cover_warnings
    assert matching_impact(demo_db, sam, ticks) == kept


def test_a_filter_the_totals_do_not_hold_is_added_up_from_the_rows(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter(period_id=_current(demo_db, sam).period_id, pending_started=True)
    match = tick_all_matching(demo_db, sam, filt)
    ticks = MatchingTicks(filt, match.versions, ceiling=match.ceiling)
    kept, scanned = _both_ways(demo_db, sam, ticks)
    assert kept is None
    assert matching_impact(demo_db, sam, ticks) == scanned and scanned.count == len(match.versions) > 20


def test_the_cover_per_individual_is_the_same_looked_up_per_job_or_added_up_in_one_pass(demo_db) -> None:
    """A few ticked rows have their individuals' authorised cover looked up per job; "all matching" adds
    it up in one pass over the period.  Both give each individual's ticked and authorised cover, even for
    one whose authorised row is at another school."""
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter(period_id=_current(demo_db, sam).period_id, partnership_state=PartnershipState.PENDING)
    period = filt.period_id
    assert period is not None
    ticks = MatchingTicks(filt, (match := tick_all_matching(demo_db, sam, filt)).versions, ceiling=match.ceiling)
    a = CpdActivity
    with demo_db.transaction() as session:
        rows = session.execute(
            select(a.id, a.job_id, a.partnership_state, a.cover_days, a.organisation_id).where(a.period_id == period)
        ).all()
        adding_jobs = {job for id_, job, state, cover, _org in rows if id_ in ticks.versions and cover > 0}
        moved = next(
            row
            for row in rows
            if row.job_id in adding_jobs and row.partnership_state == PartnershipState.AUTHORISED and row.cover_days > 0
        )
        other = next(org for *_rest, org in rows if org != moved.organisation_id)
        session.execute(update(a).where(a.id == moved.id).values(organisation_id=other))
    expected: dict[int, list[float]] = {}
    for id_, job, state, cover, _org in rows:
        if cover <= 0:
            continue
        if id_ in ticks.versions and state in UNDECIDED:
            expected.setdefault(job, [0.0, 0.0])[0] += cover
        elif state == PartnershipState.AUTHORISED:
            expected.setdefault(job, [0.0, 0.0])[1] += cover
    expected_rows = {(job, period, round(add, 2), round(used, 2)) for job, (add, used) in expected.items() if add > 0}
    assert len(expected_rows) > 20 and any(row[3] > 0 for row in expected_rows)

    with demo_db.read() as session:
        scope = scope_for(session, sam)
        where, _ceiling = _where(session, scope, ticks, decide_rules_in(session, scope))
        for shape in (_cover_of_few, _cover_in_one_pass):
            found = session.execute(select(shape(where, [period]))).all()
            assert {(job, p, round(add, 2), round(used, 2)) for job, p, add, used in found} == expected_rows, shape
