"""Rules behind the Partnership CPD traps: who may tick what, completion, refusals below, named organisations."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from db.errors import ValidationError
from db.models import (
    CompletionState,
    CpdActivity,
    CpdTeamState,
    Job,
    LineManagerState,
    Module,
    Organisation,
    PartnershipState,
    SharingLevel,
)
from db.queries.activities import ActivityFilter, first_rows, summarise
from db.queries.decidability import NOT_SHARED, OUTSIDE_GROUPS, OUTSIDE_SCOPE, OWN_REQUEST, DecideRules
from db.queries.decidable_rows import count_decidable, decidable_matching
from db.queries.refusals import refused_below
from db.scope import scope_for
from db.services.decisions import mark_completed
from db.services.signoff import SkipReason, sign_off
from tests.helpers import org_with_sharing, own_person_id, pending_elsewhere, user_id


def decidable_orgs(db) -> set[int]:
    with db.read() as session:
        return set(scope_for(session, user_id(db, "sam.patel")).orgs(Module.PARTNERSHIP_CPD, at_least=3))


def set_row(db, activity_id: int, **values) -> int:
    """Put one activity in the state a test needs; returns its version (unchanged)."""
    with db.transaction() as session:
        session.execute(update(CpdActivity).where(CpdActivity.id == activity_id).values(**values))
        return session.scalar(select(CpdActivity.version).where(CpdActivity.id == activity_id))


def test_rules_name_why_a_row_may_not_be_decided() -> None:
    rules = DecideRules(decidable_orgs=frozenset({1, 2}), unshared_orgs=frozenset({3}), own_person_id=7)
    assert rules.why_not(1, 8, 80) is None
    assert rules.why_not(2, 7, 70) == OWN_REQUEST
    assert rules.why_not(3, 8, 80) == NOT_SHARED
    assert rules.why_not(4, 8, 80) == OUTSIDE_SCOPE
    limited = DecideRules(decidable_orgs=frozenset({1}), job_limits={1: frozenset({80})})
    assert limited.why_not(1, 8, 80) is None
    assert limited.why_not(1, 9, 90) == OUTSIDE_GROUPS
    assert limited.why_not_job(1, 90) == OUTSIDE_GROUPS


def test_tick_all_takes_only_decidable_rows_and_counts_the_rest(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter(partnership_state=PartnershipState.PENDING)
    match = decidable_matching(demo_db, sam, filt)
    assert len(match.versions) + match.left_out_count == summarise(demo_db, sam, filt).count
    assert count_decidable(demo_db, sam, filt) == len(match.versions)  # the N the button shows
    assert match.left_out[OWN_REQUEST] > 0 and match.left_out[NOT_SHARED] > 0  # the demo has both
    unshared = org_with_sharing(demo_db, SharingLevel.MIS)
    person = own_person_id(demo_db, "sam.patel")
    with demo_db.read() as session:
        rows = session.execute(
            select(CpdActivity.organisation_id, Job.person_id)
            .join(Job, Job.id == CpdActivity.job_id)
            .where(CpdActivity.id.in_(list(match.versions)))
        ).all()
    assert all(org != unshared and who != person for org, who in rows)
    # Everything ticked this way is decided: nothing comes back as "you may not".
    some = dict(list(match.versions.items())[:40])
    result = sign_off(demo_db, sam, some, PartnershipState.AUTHORISED)
    assert result.skipped == () and len(result.applied) == 40


def test_the_first_page_carries_the_rules_the_service_applies(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    page = first_rows(demo_db, sam, ActivityFilter(partnership_state=PartnershipState.PENDING), limit=200)
    undecidable = {
        row.id: row.version for row in page.rows if page.rules.why_not(row.organisation_id, row.person_id, row.job_id)
    }
    assert undecidable
    result = sign_off(demo_db, sam, undecidable, PartnershipState.AUTHORISED)
    assert result.applied == ()
    assert {s.reason for s in result.skipped} <= {SkipReason.OWN_REQUEST, SkipReason.NOT_SHARED}


def test_left_alone_rows_name_their_organisation(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    unshared = org_with_sharing(demo_db, SharingLevel.MIS)
    ticked = pending_elsewhere(demo_db, "sam.patel", {unshared}, limit=2)
    with demo_db.read() as session:
        name = session.scalar(select(Organisation.name).where(Organisation.id == unshared))
    result = sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED)
    assert {s.organisation for s in result.skipped} == {name}
    assert {s.reason for s in result.skipped} == {SkipReason.NOT_SHARED}


def test_completion_is_refused_for_a_turned_down_request_or_a_future_date(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    activity_id = next(iter(pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db), limit=1)))
    past = date.today() - timedelta(days=3)
    base = {"starts_on": past, "ends_on": past, "partnership_state": PartnershipState.PENDING}
    refusals = (
        ({"partnership_state": PartnershipState.REJECTED}, "rejected"),
        ({"line_manager_state": LineManagerState.DENIED}, "denied"),
        ({"cpd_team_state": CpdTeamState.DECLINED}, "declined"),
    )
    for values, word in refusals:
        version = set_row(
            demo_db,
            activity_id,
            **base,
            line_manager_state=LineManagerState.AGREED,
            cpd_team_state=CpdTeamState.APPROVED,
        )
        version = set_row(demo_db, activity_id, **values)
        with pytest.raises(ValidationError, match=word):
            mark_completed(demo_db, sam, activity_id, version, past)
    version = set_row(
        demo_db, activity_id, **base, line_manager_state=LineManagerState.AGREED, cpd_team_state=CpdTeamState.PENDING
    )
    with pytest.raises(ValidationError, match="future"):
        mark_completed(demo_db, sam, activity_id, version, date.today() + timedelta(days=1))
    # Not rejected, not denied, not declined (still pending authorisation) and today: recorded.
    assert mark_completed(demo_db, sam, activity_id, version, date.today()) is CompletionState.COMPLETED


def test_refusals_below_the_partnership_are_counted(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ids = list(pending_elsewhere(demo_db, "sam.patel", decidable_orgs(demo_db), limit=6))
    for activity_id in ids:
        set_row(demo_db, activity_id, line_manager_state=LineManagerState.AGREED, cpd_team_state=CpdTeamState.APPROVED)
    set_row(demo_db, ids[0], line_manager_state=LineManagerState.DENIED)
    set_row(demo_db, ids[1], cpd_team_state=CpdTeamState.DECLINED)
    set_row(demo_db, ids[2], line_manager_state=LineManagerState.DENIED, cpd_team_state=CpdTeamState.DECLINED)
    refused = refused_below(demo_db, sam, ids)
    assert refused.denied == {ids[0], ids[2]} and refused.declined == {ids[1], ids[2]}
    assert refused.ids == {ids[0], ids[1], ids[2]}
