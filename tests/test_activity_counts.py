"""The Partnership CPD list's count, total and queue tabs read from the running totals equal the activities'.

Every filter the totals can answer (db/queries/activity_counts.py) is checked against a count of the
matching activities themselves, through the list's own conditions, for the trust-wide lead and a
school's coordinator, before and after writes; filters they cannot answer, and a user limited to some
groups' staff, are counted from the activities. On both engines.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from db.engine import Database
from db.models import (
    AcademicPeriod,
    CpdActivity,
    CpdTeamState,
    Level,
    LineManagerState,
    Module,
    PartnershipState,
    SharingLevel,
)
from db.queries.activities import ActivityFilter, first_rows, queue_counts, summarise
from db.queries.activity_counts import answerable, kept_queue_bounds
from db.scope import scope_for
from db.services.requests import edit_request, enter_request
from db.services.signoff import sign_off
from tests.helpers import coordinator_of_one_group, group_with_requests, org_with_sharing, pending_elsewhere, user_id
from tests.request_helpers import details, flood_fill_plain_and_pre_authorised, job_at, school_sharing
from tests.totals_reference import counted_from_rows


def _kept_filters(db: Database, user: int) -> list[ActivityFilter]:
    """The presets of the list and the dashboard's drill-throughs, for the periods and schools ``user`` sees."""
    with db.read() as session:
        periods = session.scalars(select(AcademicPeriod.id).order_by(AcademicPeriod.starts_on)).all()
        school = min(scope_for(session, user).orgs(Module.PARTNERSHIP_CPD))
        first_month = session.scalar(select(func.min(CpdActivity.starts_on)))
    assert first_month is not None
    month = date(first_month.year, first_month.month, 1)
    next_month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    filters = [ActivityFilter(), ActivityFilter(organisation_id=school)]
    for period in periods:
        filters.append(ActivityFilter(period_id=period))
        filters.extend(ActivityFilter(period_id=period, partnership_state=state) for state in PartnershipState)
        filters.append(ActivityFilter(period_id=period, line_manager_state=LineManagerState.PENDING))
        filters.append(ActivityFilter(period_id=period, cpd_team_state=CpdTeamState.PENDING))
        filters.append(
            ActivityFilter(period_id=period, organisation_id=school, partnership_state=PartnershipState.PENDING)
        )
    filters.append(ActivityFilter(starts_from=month, starts_before=next_month))
    # a search: every title and provider containing the text, whatever its case (0017's totals)
    for text in ("coaching", "LEARNWELL", "first aid (", "100%", "zoë"):
        filters.append(ActivityFilter(search=text))
        filters.append(ActivityFilter(period_id=periods[-1], search=text, partnership_state=PartnershipState.PENDING))
    return filters


def _assert_counts_kept(db: Database, username: str) -> int:
    """Every kept filter is answered by the totals, and as the activities count it; returns how many matched."""
    user = user_id(db, username)
    seen = 0
    for filt in _kept_filters(db, user):
        with db.read() as session:
            assert answerable(filt, scope_for(session, user)), filt
        summary, per_state = counted_from_rows(db, user, filt)
        assert summarise(db, user, filt) == summary, filt
        assert queue_counts(db, user, filt) == per_state, filt
        seen += summary.count
    return seen


def test_every_preset_is_counted_from_the_totals_as_the_activities_count(demo_db: Database) -> None:
    assert _assert_counts_kept(demo_db, "sam.patel") > 1000
    assert _assert_counts_kept(demo_db, "chris.lee") > 0  # one school's coordinator


def test_the_counts_follow_sign_off_and_flood_fill(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    with demo_db.read() as session:
        orgs = set(scope_for(session, sam).orgs(Module.PARTNERSHIP_CPD, at_least=Level.DECIDE))
    ticked = pending_elsewhere(demo_db, "sam.patel", orgs, limit=30)
    ids = sorted(ticked)
    sign_off(demo_db, sam, {i: ticked[i] for i in ids[:20]}, PartnershipState.AUTHORISED, "Fits the plan")
    sign_off(demo_db, sam, {i: ticked[i] for i in ids[20:]}, PartnershipState.REJECTED, "No cover")
    flood_fill_plain_and_pre_authorised(demo_db, "sam.patel")
    _assert_counts_kept(demo_db, "sam.patel")


def test_a_search_counts_a_request_by_the_title_and_provider_it_has_now(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    new = details(title="Forest school leader (level 3)", provider="Zoë's outdoor ÉCOLE")
    entered = enter_request(demo_db, sam, job_at(demo_db, school), new)

    def counted(text: str) -> int:
        filt = ActivityFilter(search=text)
        with demo_db.read() as session:
            assert answerable(filt, scope_for(session, sam))
        summary, per_state = counted_from_rows(demo_db, sam, filt)
        assert summarise(demo_db, sam, filt) == summary
        assert queue_counts(demo_db, sam, filt) == per_state
        return summary.count

    assert counted("école") == counted("ZOË") == counted("forest SCHOOL leader") == 1
    renamed = replace(new, title="Outdoor learning", provider="Woodland Trust")
    edit_request(demo_db, sam, entered.activity_id, entered.version, renamed)
    assert counted("école") == counted("forest school") == 0
    assert counted("woodland trust") == 1


@pytest.mark.parametrize(
    "change",
    [
        {"search": "coaching", "starts_from": date(2026, 9, 1)},  # a search within months
        {"completion_state": "completed"},
        {"without_evaluation": True},
        {"pending_started": True},
        {"starts_from": date(2026, 9, 15)},
    ],
)
def test_what_the_totals_do_not_hold_is_counted_from_the_activities(demo_db: Database, change: dict) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = replace(ActivityFilter(), **change)
    with demo_db.read() as session:
        assert not answerable(filt, scope_for(session, sam))
    summary, per_state = counted_from_rows(demo_db, sam, filt)
    assert summarise(demo_db, sam, filt) == summary
    assert queue_counts(demo_db, sam, filt) == per_state


def test_a_user_limited_to_a_group_is_counted_from_the_staff_they_reach(demo_db: Database) -> None:
    """The totals are per organisation: a coordinator who sees one group's staff must not get the school's."""
    school = org_with_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    group_id = group_with_requests(demo_db, school)
    coordinator = coordinator_of_one_group(demo_db, "group.coord", school, group_id)
    filt = ActivityFilter()
    with demo_db.read() as session:
        assert not answerable(filt, scope_for(session, coordinator))
    shown = summarise(demo_db, coordinator, filt)
    assert shown.count == len(first_rows(demo_db, coordinator, filt, limit=5_000).rows) > 0
    with demo_db.read() as session:
        whole_school = session.scalars(select(func.count()).where(CpdActivity.organisation_id == school)).one()
    assert shown.count < whole_school


def test_the_totals_bound_each_queue_as_its_rows_count(demo_db: Database) -> None:
    """A page read asks whether a queue is small (PostgreSQL: from the totals): a state's count is exact,
    "pending and started" lies between the rows of the months before this one and those up to it."""
    sam = user_id(demo_db, "sam.patel")
    with demo_db.read() as session:
        periods = session.scalars(select(AcademicPeriod.id)).all()
        scope = scope_for(session, sam)
        for period in [*periods, None]:
            started = ActivityFilter(period_id=period, pending_started=True)
            at_least, at_most = kept_queue_bounds(session, scope, started)
            assert at_least <= counted_from_rows(demo_db, sam, started)[0].count <= at_most, period
            for state in PartnershipState:
                queue = ActivityFilter(period_id=period, partnership_state=state)
                count = counted_from_rows(demo_db, sam, queue)[0].count
                assert kept_queue_bounds(session, scope, queue) == (count, count), (period, state)
    # a user the totals cannot answer for gets no bounds: the page read counts the rows
    school = org_with_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    coordinator = coordinator_of_one_group(demo_db, "group.coord", school, group_with_requests(demo_db, school))
    with demo_db.read() as session:
        assert kept_queue_bounds(session, scope_for(session, coordinator), ActivityFilter(pending_started=True)) is None
