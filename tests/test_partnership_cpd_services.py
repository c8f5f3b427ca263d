"""Partnership CPD workbench services and queries: undo, completion, budgets, search, detail, paging."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import (
    AuditEntry,
    Budget,
    CompletionState,
    CpdActivity,
    CpdTeamState,
    DecisionBatch,
    Job,
    LineManagerState,
    Module,
    Notification,
    PartnershipState,
)
from db.queries.activities import ActivityFilter, fetch_page, first_rows, summarise
from db.queries.activity_detail import load_activity_detail
from db.queries.budget_context import authorisation_impact
from db.queries.decidable_rows import matching_versions
from db.queries.people_search import search_people
from db.queries.recent_decisions import recent_batches
from db.scope import scope_for
from db.services.decisions import mark_completed, revert_batch
from db.services.signoff import SkipReason, sign_off
from tests.helpers import pending_elsewhere, user_id


def decidable(db, username: str = "sam.patel") -> set[int]:
    with db.read() as session:
        return set(scope_for(session, user_id(db, username)).orgs(Module.PARTNERSHIP_CPD, at_least=3))


def snapshot(db, ids) -> dict[int, tuple]:
    with db.read() as session:
        return {
            row[0]: tuple(row[1:])
            for row in session.execute(
                select(
                    CpdActivity.id,
                    CpdActivity.partnership_state,
                    CpdActivity.partnership_decided_at,
                    CpdActivity.partnership_user_id,
                    CpdActivity.partnership_reason,
                    CpdActivity.decision_batch_id,
                    CpdActivity.charged_organisation_id,
                ).where(CpdActivity.id.in_(ids))
            )
        }


def test_undo_puts_every_row_back_as_it_was_and_is_audited(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable(demo_db), limit=30)
    before = snapshot(demo_db, ticked)
    result = sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED, "Oops, wrong filter")

    reverted = revert_batch(demo_db, sam, result.batch_id)

    assert sorted(reverted.restored) == sorted(ticked)
    assert snapshot(demo_db, ticked) == before
    with demo_db.read() as session:
        batch = session.get(DecisionBatch, result.batch_id)
        assert batch.reverted_at is not None and batch.reverted_by_user_id == sam
        audit = session.scalar(
            select(func.count()).where(AuditEntry.action == "partnership_reverted", AuditEntry.entity_id.in_(ticked))
        )
        assert audit == 30
        withdrawn = session.scalar(
            select(func.count()).where(
                Notification.kind == "partnership_reverted", Notification.activity_id.in_(ticked)
            )
        )
        assert withdrawn == 30
    with pytest.raises(ValidationError, match="already undone"):
        revert_batch(demo_db, sam, result.batch_id)


def test_undo_restores_a_previous_decision_for_re_authorised_rows(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable(demo_db), limit=4)
    first = sign_off(demo_db, sam, ticked, PartnershipState.REJECTED, "No cover available")
    with demo_db.transaction() as session:  # C5: the request changed after its decision
        session.execute(
            update(CpdActivity)
            .where(CpdActivity.id.in_(ticked))
            .values(partnership_state=PartnershipState.NEEDS_REAUTHORISATION, version=CpdActivity.version + 1)
        )
    before = snapshot(demo_db, ticked)
    assert {row[4] for row in before.values()} == {first.batch_id}
    with demo_db.read() as session:
        shown = dict(
            session.execute(select(CpdActivity.id, CpdActivity.version).where(CpdActivity.id.in_(ticked))).all()
        )
    second = sign_off(demo_db, sam, shown, PartnershipState.AUTHORISED, "Cover found")
    assert len(second.applied) == 4

    revert_batch(demo_db, sam, second.batch_id)

    assert snapshot(demo_db, ticked) == before


def test_undo_refuses_as_a_whole_when_a_row_changed_since(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable(demo_db), limit=10)
    result = sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED, "")
    changed = next(iter(ticked))
    with demo_db.transaction() as session:
        session.execute(update(CpdActivity).where(CpdActivity.id == changed).values(version=CpdActivity.version + 1))

    with pytest.raises(StaleData, match="1 of the 10"):
        revert_batch(demo_db, sam, result.batch_id)

    assert {row[0] for row in snapshot(demo_db, ticked).values()} == {PartnershipState.AUTHORISED}


def test_only_the_decider_or_the_primary_user_may_undo(demo_db) -> None:
    sam, chris, alex = (user_id(demo_db, name) for name in ("sam.patel", "chris.lee", "alex.morgan"))
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable(demo_db), limit=3)
    result = sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED, "")
    with pytest.raises(PermissionDenied):
        revert_batch(demo_db, chris, result.batch_id)
    assert [b.id for b in recent_batches(demo_db, chris)] == []
    assert result.batch_id in [b.id for b in recent_batches(demo_db, alex)]
    revert_batch(demo_db, alex, result.batch_id)
    with pytest.raises(NotFound):
        revert_batch(demo_db, alex, 999_999)


def test_mark_completed_checks_version_and_date_and_audits(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    activity_id, version = next(iter(pending_elsewhere(demo_db, "sam.patel", decidable(demo_db), limit=1).items()))
    starts_on = date.today() - timedelta(days=10)  # completion is only recorded for a day already past
    with demo_db.transaction() as session:
        session.execute(
            update(CpdActivity)
            .where(CpdActivity.id == activity_id)
            .values(
                starts_on=starts_on,
                ends_on=starts_on,
                line_manager_state=LineManagerState.AGREED,
                cpd_team_state=CpdTeamState.APPROVED,
            )
        )
    with pytest.raises(ValidationError):
        mark_completed(demo_db, sam, activity_id, version, starts_on - timedelta(days=1))
    with pytest.raises(StaleData):
        mark_completed(demo_db, sam, activity_id, version - 1, starts_on)

    mark_completed(demo_db, sam, activity_id, version, starts_on)

    with demo_db.read() as session:
        row = session.get(CpdActivity, activity_id)
        assert (row.completion_state, row.completed_on, row.version) == (
            CompletionState.COMPLETED,
            starts_on,
            version + 1,
        )
        assert session.scalar(
            select(func.count()).where(AuditEntry.action == "completion_recorded", AuditEntry.entity_id == activity_id)
        )


def test_impact_warns_when_authorising_would_pass_a_budget_and_a_cover_limit(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable(demo_db), limit=40)
    with demo_db.read() as session:
        row = session.execute(
            select(CpdActivity.organisation_id, CpdActivity.period_id, CpdActivity.job_id)
            .where(CpdActivity.id.in_(ticked), CpdActivity.cover_days > 0)
            .limit(1)
        ).one()
    with demo_db.transaction() as session:
        session.execute(
            update(Budget).where(Budget.organisation_id == row[0], Budget.period_id == row[1]).values(amount_pence=1)
        )
        session.execute(update(Job).where(Job.id == row[2]).values(cover_limit_days=0))

    impact = authorisation_impact(demo_db, sam, list(ticked))

    assert impact.count == impact.undecided_count == 40
    with demo_db.read() as session:
        total = session.scalar(select(func.sum(CpdActivity.total_cost_pence)).where(CpdActivity.id.in_(ticked)))
    assert impact.total_cost_pence == total
    assert any(w.context.organisation_id == row[0] and w.over_by_pence > 0 for w in impact.budget_warnings)
    assert any(w.context.job_id == row[2] and w.total_days > 0 for w in impact.cover_warnings)


def test_people_search_finds_visible_people_by_part_of_a_name(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    found = search_people(demo_db, sam, "ann")
    assert found and all("ann" in choice.name.lower() for choice in found)
    assert len(found) <= 20
    assert search_people(demo_db, sam, "   ") == []
    assert search_people(demo_db, sam, "zzqqxx") == []
    only = found[0]
    count = summarise(demo_db, sam, ActivityFilter(person_id=only.id)).count
    assert count == len(matching_versions(demo_db, sam, ActivityFilter(person_id=only.id)))


def test_detail_shows_layers_audit_and_budget_context(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    ticked = pending_elsewhere(demo_db, "sam.patel", decidable(demo_db), limit=1)
    sign_off(demo_db, sam, ticked, PartnershipState.AUTHORISED, "Good value")
    detail = load_activity_detail(demo_db, sam, next(iter(ticked)))
    assert detail.row.partnership_state is PartnershipState.AUTHORISED
    assert detail.partnership_user == "Sam Patel" and detail.partnership_reason == "Good value"
    assert detail.audit[0].action == "partnership_authorised" and detail.audit[0].reason == "Good value"
    assert detail.budget.authorised_pence >= detail.row.total_cost_pence
    assert detail.cover.limit_days > 0
    assert detail.can_decide and not detail.is_own
    with pytest.raises(NotFound):
        load_activity_detail(demo_db, sam, 987_654_321)


@pytest.mark.parametrize(
    "filt",
    [
        ActivityFilter(),
        ActivityFilter(descending=False),
        ActivityFilter(sort="cost"),
        ActivityFilter(sort="title", descending=False),
        ActivityFilter(sort="individual"),
    ],
    ids=["all-start-desc", "all-start-asc", "cost", "title", "individual"],
)
def test_paging_from_the_last_row_gives_the_same_rows_as_one_big_read(demo_db, filt) -> None:
    sam = user_id(demo_db, "sam.patel")
    expected = [row.id for row in first_rows(demo_db, sam, filt, limit=1000).rows]
    rows = list(first_rows(demo_db, sam, filt, limit=150).rows)
    while len(rows) < 1000:
        page = fetch_page(demo_db, sam, filt, len(rows), limit=150, after=rows[-1])
        assert page
        rows.extend(page)
    assert [row.id for row in rows[:1000]] == expected


def test_a_filter_matching_nothing_reads_empty(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = ActivityFilter(search="no such activity title anywhere")
    assert first_rows(demo_db, sam, filt).rows == []
    assert summarise(demo_db, sam, filt).count == 0
    assert matching_versions(demo_db, sam, filt) == {}


def test_two_instances_deciding_the_same_rows_decide_each_row_once(demo_db) -> None:
    """Both saw the same versions; the second to commit finds every row changed and leaves it alone."""
    sam, alex = user_id(demo_db, "sam.patel"), user_id(demo_db, "alex.morgan")
    shown = pending_elsewhere(demo_db, "sam.patel", decidable(demo_db) & decidable(demo_db, "alex.morgan"), limit=12)
    first = sign_off(demo_db, sam, shown, PartnershipState.AUTHORISED, "")
    second = sign_off(demo_db, alex, shown, PartnershipState.REJECTED, "Over budget")
    assert len(first.applied) == 12
    assert second.applied == () and len(second.skipped) == 12
    assert {row.reason for row in second.skipped} == {SkipReason.CHANGED}
    assert {row[0] for row in snapshot(demo_db, shown).values()} == {PartnershipState.AUTHORISED}
