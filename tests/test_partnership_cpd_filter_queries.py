"""Partnership CPD reads behind the filter chips, queue tabs, column sorts and saved views (both engines)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import event, func, select

from db.errors import NotFound, PermissionDenied, ValidationError
from db.models import AuditEntry, CpdActivity, FloodFillBatch, LearningModule, PartnershipState
from db.queries import activities as q
from db.queries.filter_codec import CURRENT_PERIOD, filter_from_data, filter_to_data
from db.queries.filter_words import describe_filter, filter_parts, without
from db.queries.lookups import load_lookups
from db.queries.saved_views import shared_views
from db.scope import scope_for
from db.services.saved_views import create_shared_view, delete_shared_view
from tests.helpers import user_id


def all_rows(db, sam, filt):
    """Every matching row, paged as the panel pages (by key where it can, else by offset)."""
    rows = q.first_rows(db, sam, filt).rows
    while True:
        more = q.fetch_page(db, sam, filt, len(rows), after=rows[-1] if rows else None)
        if not more:
            return rows
        rows += more


SORT_VALUE = {
    "type": lambda r: r.activity_type,
    "end": lambda r: r.ends_on,
    "cover_days": lambda r: r.cover_days,
    "line_manager": lambda r: r.line_manager_state.value,
    "cpd_team": lambda r: r.cpd_team_state.value,
    "state": lambda r: r.partnership_state.value,
    "course_fee": lambda r: r.course_fee_pence,
    "travel": lambda r: r.travel_cost_pence,
    "organisation": lambda r: r.organisation,
}


@pytest.mark.parametrize("key", sorted(SORT_VALUE))
def test_every_column_sorts_in_sql_and_pages_without_gaps(demo_db, key) -> None:
    sam = user_id(demo_db, "sam.patel")
    period = load_lookups(demo_db, sam).current_period_id  # one period: several pages, not twenty
    expected_count = q.summarise(demo_db, sam, q.ActivityFilter(period_id=period)).count
    assert expected_count > 600
    for descending in (False, True):
        rows = all_rows(demo_db, sam, q.ActivityFilter(period_id=period, sort=key, descending=descending))
        assert len(rows) == expected_count and len({r.id for r in rows}) == expected_count
        values = [SORT_VALUE[key](r) for r in rows]
        assert values == sorted(values, reverse=descending)


def test_queue_counts_are_per_state_for_the_filter_whatever_state_it_asks_for(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    filt = q.ActivityFilter(partnership_state=PartnershipState.REJECTED, organisation_id=None)
    counts = q.queue_counts(demo_db, sam, filt)
    assert set(counts) == set(PartnershipState)
    for state, count in counts.items():
        assert count == q.summarise(demo_db, sam, replace(filt, partnership_state=state)).count
    assert sum(counts.values()) == q.summarise(demo_db, sam, q.ActivityFilter()).count
    assert counts[PartnershipState.PENDING] > 0


def test_flood_fill_rows_carry_their_learning_module(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    with demo_db.read() as session:
        batch_id, module = session.execute(
            select(CpdActivity.flood_fill_batch_id, LearningModule.title)
            .join(LearningModule, LearningModule.id == CpdActivity.learning_module_id)
            .where(CpdActivity.flood_fill_batch_id.is_not(None))
            .limit(1)
        ).one()
    rows = q.first_rows(demo_db, sam, q.ActivityFilter(flood_fill_batch_id=batch_id)).rows
    assert rows and {r.learning_module for r in rows} == {module}


def test_drill_through_and_flood_fill_filters_are_named_and_removable(demo_db) -> None:
    with demo_db.read() as session:
        batch_id, title = session.execute(select(FloodFillBatch.id, FloodFillBatch.title).limit(1)).one()
    filt = q.ActivityFilter(
        partnership_state=PartnershipState.PENDING,
        starts_from=date(2026, 11, 1),
        starts_before=date(2026, 12, 1),
        flood_fill_batch_id=batch_id,
        search="phonics ",
        sort="cost",
    )
    text = describe_filter(demo_db, filt)
    assert text == f"Partnership: Pending; Starting in November 2026; Flood fill: {title}; Search “phonics”"
    assert [p.key for p in filter_parts(filt)] == ["partnership_state", "starts", "flood_fill", "search"]
    bare = without(without(filt, "starts"), "flood_fill")
    assert bare.starts_from is None and bare.starts_before is None and bare.flood_fill_batch_id is None
    assert bare.sort == "cost" and bare.partnership_state is PartnershipState.PENDING
    assert describe_filter(demo_db, q.ActivityFilter()) == "All activities"


def test_a_saved_filter_for_this_period_follows_the_calendar() -> None:
    filt = q.ActivityFilter(period_id=7, partnership_state=PartnershipState.PENDING, sort="line_manager")
    data = filter_to_data(filt, current_period_id=7)
    assert data["period_id"] == CURRENT_PERIOD
    assert filter_from_data(data, current_period_id=8) == replace(filt, period_id=8)
    unreadable = {"sort": "DROP TABLE", "person_id": "3", "partnership_state": "maybe"}
    assert filter_from_data(unreadable) == q.ActivityFilter()
    assert filter_from_data(None, current_period_id=8) == q.ActivityFilter(period_id=8)


def test_shared_views_are_audited_and_only_the_creator_or_a_primary_user_deletes(demo_db) -> None:
    sam, jo, alex = (user_id(demo_db, name) for name in ("sam.patel", "jo.evans", "alex.morgan"))
    data = filter_to_data(q.ActivityFilter(partnership_state=PartnershipState.PENDING))
    first = create_shared_view(demo_db, sam, "  My queue:   pending ", data)
    second = create_shared_view(demo_db, jo, "Rejected this term", data)
    with pytest.raises(ValidationError, match="already exists"):
        create_shared_view(demo_db, jo, "My queue: pending", data)
    with pytest.raises(ValidationError, match="name"):
        create_shared_view(demo_db, jo, "   ", data)

    seen_by_jo = {view.name: view for view in shared_views(demo_db, jo)}
    assert seen_by_jo["My queue: pending"].filter == data and not seen_by_jo["My queue: pending"].may_delete
    assert seen_by_jo["Rejected this term"].may_delete
    with pytest.raises(PermissionDenied, match="Only the person who saved"):
        delete_shared_view(demo_db, jo, first)
    assert all(view.may_delete for view in shared_views(demo_db, alex))
    delete_shared_view(demo_db, alex, first)
    delete_shared_view(demo_db, jo, second)
    with pytest.raises(NotFound):
        delete_shared_view(demo_db, jo, second)
    assert shared_views(demo_db, sam) == []
    with demo_db.read() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "saved_view").order_by(AuditEntry.id)
        ).all()
        assert actions == ["saved_view_created"] * 2 + ["saved_view_deleted"] * 2
        assert session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == first)) >= 2


@pytest.mark.parametrize("key", ["cost", "end"])
def test_pending_and_started_reads_every_period_begun_in_order_and_none_to_come(demo_db, key) -> None:
    """Across periods the page is merged from each period's own order; a period that has not begun holds
    nothing already started, so it is not read at all (its pending rows must still stay out)."""
    sam = user_id(demo_db, "sam.patel")
    today = date.today()
    with demo_db.read() as session:
        to_come = session.scalar(
            select(func.count())
            .select_from(CpdActivity)
            .where(CpdActivity.starts_on > today, CpdActivity.partnership_state == PartnershipState.PENDING)
        )
    assert to_come, "the demo has pending requests for a period to come"
    value = {"cost": lambda r: r.total_cost_pence, "end": lambda r: r.ends_on}[key]
    for descending in (False, True):
        filt = q.ActivityFilter(pending_started=True, sort=key, descending=descending)
        rows = all_rows(demo_db, sam, filt)
        assert len(rows) == q.summarise(demo_db, sam, filt).count > 200
        assert len({r.id for r in rows}) == len(rows)
        assert all(r.starts_on <= today for r in rows)
        assert {r.partnership_state for r in rows} <= {PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION}
        values = [value(r) for r in rows]
        assert values == sorted(values, reverse=descending)


@pytest.mark.engines("postgresql")
def test_a_page_plans_its_joins_in_the_written_order_and_puts_the_setting_back(demo_db) -> None:
    """PostgreSQL reads a page with its joins in the order written (1 ms of planning instead of 10 at
    5M); the statements after it in the same read plan as usual."""
    sam = user_id(demo_db, "sam.patel")
    seen: list[str] = []

    def capture(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(demo_db.engine, "before_cursor_execute", capture)
    try:
        with demo_db.read() as session:
            rows = q._fetch_rows(session, scope_for(session, sam), q.ActivityFilter(), 0, 5)
            after = session.connection().exec_driver_sql("SHOW join_collapse_limit").scalar()
    finally:
        event.remove(demo_db.engine, "before_cursor_execute", capture)
    assert rows and after == "8"
    page = next(i for i, sql in enumerate(seen) if "LEFT OUTER JOIN jobs" in sql)
    assert seen[page - 1 : page + 2 : 2] == [
        "SET LOCAL join_collapse_limit = 1",
        "SET LOCAL join_collapse_limit = DEFAULT",
    ]
