"""The dashboard's "Upcoming events with free places" card: what it counts, and its drill-through to the events."""

from __future__ import annotations

from datetime import date, time, timedelta

from PySide6.QtCore import Qt
from sqlalchemy import select

from db.models import AppUser, BookingState, Job, Organisation, OrgKind, TrainingEventBooking
from db.queries.training_event_detail import SessionRow, event_detail
from db.queries.training_events import EventView, upcoming_with_free_places
from db.services.training_events import EventDraft, create_event, publish_event
from tests.gui_helpers import close_window, open_window
from tests.helpers import user_id


def _full_event(db, places: int) -> int:
    """A published upcoming event whose places are all booked."""
    sam = user_id(db, "sam.patel")
    with db.read() as session:
        trust = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
        jobs = session.execute(select(Job.id, Job.organisation_id).where(Job.active.is_(True)).limit(places)).all()
    day = date.today() + timedelta(days=3)
    draft = EventDraft(trust, "Fully booked", (SessionRow(None, day, time(9), time(12), "Hall"),), places=places)
    event_id = create_event(db, sam, draft)
    publish_event(db, sam, event_id, event_detail(db, sam, event_id).version)
    with db.transaction() as session:
        for job_id, org_id in jobs:
            session.add(TrainingEventBooking(event_id=event_id, job_id=job_id, organisation_id=org_id,
                                             state=BookingState.BOOKED, booked_by_user_id=sam))  # fmt: skip
    return event_id


def test_the_card_counts_upcoming_published_events_with_a_free_place(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    before = upcoming_with_free_places(demo_db, sam)
    full = _full_event(demo_db, 2)
    after = upcoming_with_free_places(demo_db, sam)
    assert after.count == before.count and full not in {row.id for row in after.soonest}
    assert all(row.free is None or row.free > 0 for row in after.soonest)
    starts = [row.starts_on for row in after.soonest]
    assert starts == sorted(starts) and all(day >= date.today() for day in starts)
    # someone without Training events anywhere is shown none
    with demo_db.transaction() as session:
        nobody = AppUser(username="no.training", display_name="No Training", active=True)
        session.add(nobody)
        session.flush()
        nobody_id = nobody.id
    assert upcoming_with_free_places(demo_db, nobody_id).count == 0


def test_clicking_the_card_opens_the_soonest_event_with_free_places(qtbot, demo_db, tmp_path) -> None:
    sam = user_id(demo_db, "sam.patel")
    expected = upcoming_with_free_places(demo_db, sam)
    assert expected.count > 0  # the demo has upcoming events with places
    window = open_window(qtbot, demo_db, tmp_path, "sam.patel")
    try:
        dashboard = window.panels["dashboard"]
        dashboard.activate()
        card = dashboard.free_places_card
        qtbot.waitUntil(lambda: card.value_label.text() == f"{expected.count:,}", timeout=10_000)
        assert expected.soonest[0].title in card.toolTip()
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
        training = window.panels["training"]
        qtbot.waitUntil(
            lambda: training.detail is not None and training.detail.id == expected.soonest[0].id, timeout=10_000
        )
        qtbot.waitUntil(lambda: training.model.total == expected.count, timeout=10_000)
        filt = training.current_filter()
        assert filt.free_only and filt.view is EventView.UPCOMING
    finally:
        close_window(window)
