"""Training events on the demo trust: create and edit with sessions, publish to every member, notify only the
targets, unpublish, cancel telling the booked, version checks and permissions (T1)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from db.audit_text import sentence
from db.engine import Database
from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import (
    AppUser,
    BookingState,
    CompletionState,
    CpdActivity,
    EventPayer,
    GroupMembership,
    Job,
    Notification,
    Organisation,
    OrgKind,
    PartnershipState,
    TrainingEvent,
    TrainingEventBooking,
)
from db.queries.audit import AuditFilter, audit_page
from db.queries.training_event_detail import SessionRow, event_detail
from db.queries.training_events import EventFilter, EventStatus, EventView, event_page, more_events
from db.services.training_events import (
    EventDraft,
    cancel_event,
    create_event,
    edit_event,
    publish_event,
    set_notify_targets,
    unpublish_event,
)
from tests.helpers import user_id

SOON = date.today() + timedelta(days=30)


def _org_of(db: Database, username: str) -> int:
    with db.read() as session:
        return session.scalar(select(Job.organisation_id).join(AppUser, AppUser.job_id == Job.id).where(
            AppUser.username == username))  # fmt: skip


def _trust(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))


def _draft(org: int, title: str = "Phonics refresher", **changes) -> EventDraft:
    sessions = (
        SessionRow(None, SOON + timedelta(days=7), time(9), time(12), "Trust centre"),
        SessionRow(None, SOON, time(13), time(15, 30), "", "https://meet.example.org/phonics"),
    )
    values = {"organisation_id": org, "title": title, "sessions": sessions, "places": 20, "cost_pence": 4500,
              "budget_pence": 100_000, "payer": EventPayer.CENTRAL, "activity_type": "Course",
              "provider": "Trust learning team"}  # fmt: skip
    values.update(changes)
    return EventDraft(**values)


def _count(db: Database, model) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def _titles(db: Database, username: str, view: EventView) -> set[str]:
    page = event_page(db, user_id(db, username), EventFilter(view=view))
    return {row.title for row in page.rows}


def test_an_event_is_created_with_its_sessions_and_its_dates_follow_them(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    event_id = create_event(demo_db, sam, _draft(_trust(demo_db)))
    detail = event_detail(demo_db, sam, event_id)
    assert (detail.starts_on, detail.ends_on) == (SOON, SOON + timedelta(days=7))
    assert [s.on_date for s in detail.sessions] == [SOON, SOON + timedelta(days=7)]
    assert detail.status is EventStatus.DRAFT and detail.free == 20 and detail.can_manage
    # an edit keeps the first session (by id), drops the second and adds a third
    first = detail.sessions[0]
    later = SOON + timedelta(days=21)
    edited = _draft(_trust(demo_db), "Phonics refresher (2 days)",
                    sessions=(first, SessionRow(None, later, None, None, "Hillside hall")))  # fmt: skip
    version = edit_event(demo_db, sam, event_id, detail.version, edited)
    again = event_detail(demo_db, sam, event_id)
    assert again.version == version and again.title == "Phonics refresher (2 days)"
    assert again.sessions[0].id == first.id and (again.starts_on, again.ends_on) == (SOON, later)
    alex = user_id(demo_db, "alex.morgan")  # the audit log is a report permission: the primary user reads it
    edited = audit_page(demo_db, alex, AuditFilter(action="training_event_edited", entity_id=event_id))
    assert (
        sentence(edited[0])
        == "Sam Patel changed the timetable and title of the training event “Phonics refresher (2 days)”"
    )
    assert audit_page(demo_db, alex, AuditFilter(action="training_event_created", entity_id=event_id))


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"title": "  "}, "Give the event a title."),
        ({"sessions": ()}, "Add at least one session"),
        ({"sessions": (SessionRow(None, SOON, time(14), time(13), "Room 1"),)}, "ends at 13:00, before it starts"),
        ({"sessions": (SessionRow(None, SOON, time(9), None, "Room 1"),)}, "both a start and an end time"),
        ({"sessions": (SessionRow(None, SOON, None, None, ""),)}, "needs a location or an online link"),
        ({"sessions": (SessionRow(None, SOON, None, None, "", "meet.example.org"),)}, "must be a web address"),
        ({"places": 0}, "Places must be between 1"),
        ({"activity_type": "Party"}, "is not a type of activity"),
    ],
)
def test_bad_input_is_refused_with_one_sentence_and_nothing_is_written(demo_db, changes, sentence) -> None:
    before = _count(demo_db, TrainingEvent)
    with pytest.raises(ValidationError, match=sentence):
        create_event(demo_db, user_id(demo_db, "sam.patel"), _draft(_trust(demo_db), **changes))
    assert _count(demo_db, TrainingEvent) == before


def test_a_published_event_is_seen_by_every_member_and_a_draft_only_where_it_is_run(demo_db: Database) -> None:
    sam, chris = user_id(demo_db, "sam.patel"), user_id(demo_db, "chris.lee")
    event_id = create_event(demo_db, sam, _draft(_trust(demo_db), "Trust draft"))
    assert "Trust draft" in _titles(demo_db, "sam.patel", EventView.DRAFTS)
    assert "Trust draft" not in _titles(demo_db, "chris.lee", EventView.DRAFTS)
    with pytest.raises(NotFound):
        event_detail(demo_db, chris, event_id)
    # the school's own training is the school's: a draft there is the coordinator's to see
    school_event = create_event(demo_db, chris, _draft(_org_of(demo_db, "chris.lee"), "School INSET"))
    assert "School INSET" in _titles(demo_db, "chris.lee", EventView.DRAFTS)

    publish_event(demo_db, sam, event_id, event_detail(demo_db, sam, event_id).version)
    assert "Trust draft" in _titles(demo_db, "chris.lee", EventView.UPCOMING)
    assert event_detail(demo_db, chris, event_id).status is EventStatus.PUBLISHED
    assert not event_detail(demo_db, chris, event_id).can_manage
    assert event_detail(demo_db, chris, school_event).can_manage

    unpublish_event(demo_db, sam, event_id, event_detail(demo_db, sam, event_id).version)
    assert "Trust draft" not in _titles(demo_db, "chris.lee", EventView.UPCOMING)
    assert "Trust draft" in _titles(demo_db, "sam.patel", EventView.DRAFTS)


def _told(db: Database) -> set[int]:
    with db.read() as session:
        return set(session.scalars(select(Notification.recipient_job_id).where(
            Notification.kind == "training_event_published")))  # fmt: skip


def test_notify_targets_narrow_who_is_told_but_not_who_sees(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = _org_of(demo_db, "chris.lee")
    with demo_db.read() as session:
        other = session.scalar(select(Organisation.id).where(
            Organisation.kind == OrgKind.SCHOOL, Organisation.id != school).order_by(Organisation.id))  # fmt: skip
        (group_id,) = session.execute(select(GroupMembership.group_id).limit(1)).one()
        group_jobs = set(session.scalars(select(GroupMembership.job_id).where(GroupMembership.group_id == group_id)))
        jobs_at_other = set(session.scalars(select(Job.id).where(Job.organisation_id == other, Job.active.is_(True))))
    event_id = create_event(demo_db, sam, _draft(_trust(demo_db), "Told narrowly"))
    version = set_notify_targets(
        demo_db, sam, event_id, event_detail(demo_db, sam, event_id).version, [other], [group_id]
    )
    detail = event_detail(demo_db, sam, event_id)
    assert detail.version == version and {t.organisation_id for t in detail.targets} == {other, None}
    result = publish_event(demo_db, sam, event_id, version)
    told = _told(demo_db)
    assert result.told == len(told) > 0
    assert told <= jobs_at_other | group_jobs and told & jobs_at_other
    with demo_db.read() as session:
        school_jobs = set(session.scalars(select(Job.id).where(Job.organisation_id == school)))
    assert told & school_jobs <= group_jobs  # chris's school is told only through the group's members
    # chris's school was not a target, yet the coordinator sees the event
    assert "Told narrowly" in _titles(demo_db, "chris.lee", EventView.UPCOMING)


def test_without_targets_every_members_staff_is_told(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    event_id = create_event(demo_db, sam, _draft(_trust(demo_db), "For everyone"))
    result = publish_event(demo_db, sam, event_id, event_detail(demo_db, sam, event_id).version)
    with demo_db.read() as session:
        orgs = set(session.scalars(select(Job.organisation_id).where(Job.id.in_(_told(demo_db)))))
    assert result.told > 0 and len(orgs) > 3


def _book(db: Database, event_id: int, rows: list[tuple[int, int, int | None, BookingState]], by: int) -> None:
    with db.transaction() as session:
        for job_id, org_id, activity_id, state in rows:
            session.add(TrainingEventBooking(event_id=event_id, job_id=job_id, organisation_id=org_id,
                                             state=state, activity_id=activity_id, booked_by_user_id=by))  # fmt: skip


def test_cancelling_tells_everyone_booked_and_withdraws_their_activities(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    event_id = create_event(demo_db, sam, _draft(_trust(demo_db), "To be cancelled", places=2))
    publish_event(demo_db, sam, event_id, event_detail(demo_db, sam, event_id).version)
    with demo_db.read() as session:
        pending = session.execute(
            select(CpdActivity.id, CpdActivity.job_id, CpdActivity.organisation_id)
            .where(CpdActivity.partnership_state == PartnershipState.PENDING,
                   CpdActivity.completion_state == CompletionState.NOT_COMPLETED)
            .order_by(CpdActivity.id).limit(3)
        ).all()  # fmt: skip
    (a1, j1, o1), (a2, j2, o2), (_a3, j3, o3) = pending
    _book(demo_db, event_id, [(j1, o1, a1, BookingState.BOOKED), (j2, o2, a2, BookingState.BOOKED),
                              (j3, o3, None, BookingState.WAITING)], sam)  # fmt: skip
    detail = event_detail(demo_db, sam, event_id)
    assert (detail.booked, detail.waiting, detail.free) == (2, 1, 0)
    with pytest.raises(ValidationError, match="cannot have only 1"):
        edit_event(demo_db, sam, event_id, detail.version, _draft(_trust(demo_db), "To be cancelled", places=1))
    with pytest.raises(ValidationError, match="cancel the event instead"):
        unpublish_event(demo_db, sam, event_id, detail.version)
    with pytest.raises(ValidationError, match="Give a reason"):
        cancel_event(demo_db, sam, event_id, detail.version, "  ")

    result = cancel_event(demo_db, sam, event_id, detail.version, "The trainer is ill.")
    assert (result.told, result.withdrawn) == (3, 2)
    with demo_db.read() as session:
        states = set(
            session.scalars(select(TrainingEventBooking.state).where(TrainingEventBooking.event_id == event_id))
        )
        told = session.execute(select(Notification.recipient_job_id, Notification.body).where(
            Notification.kind == "training_event_cancelled")).all()  # fmt: skip
        withdrawn = session.scalars(select(CpdActivity.partnership_state).where(CpdActivity.id.in_([a1, a2]))).all()
    assert states == {BookingState.CANCELLED}
    assert {job for job, _ in told} == {j1, j2, j3} and all("trainer is ill" in body for _, body in told)
    assert set(withdrawn) == {PartnershipState.WITHDRAWN}
    cancelled = event_detail(demo_db, sam, event_id)
    assert cancelled.status is EventStatus.CANCELLED and cancelled.cancelled_reason == "The trainer is ill."
    assert "To be cancelled" in _titles(demo_db, "chris.lee", EventView.CANCELLED)  # it had been published
    with pytest.raises(ValidationError, match="was cancelled"):
        publish_event(demo_db, sam, event_id, cancelled.version)


def test_more_places_in_the_editor_move_the_waiting_list_up(demo_db: Database) -> None:
    from db.services.training_bookings import book_staff
    from tests.training_helpers import event_version, make_event, opted_in, schools, staff_at

    sam = user_id(demo_db, "sam.patel")
    school = schools(demo_db)[0]
    event_id = make_event(demo_db, title="Reading fluency", places=1)
    opted_in(demo_db, event_id, school)
    first, second = staff_at(demo_db, school, 2)
    book_staff(demo_db, sam, event_id, [first, second], shown_version=event_version(demo_db, event_id))
    detail = event_detail(demo_db, sam, event_id)
    assert (detail.booked, detail.waiting) == (1, 1)
    draft = _draft(detail.organisation_id, "Reading fluency", places=2, sessions=detail.sessions)
    edit_event(demo_db, sam, event_id, detail.version, draft)
    detail = event_detail(demo_db, sam, event_id)
    assert (detail.booked, detail.waiting, detail.free) == (2, 0, 0)
    with demo_db.read() as session:
        promoted = session.scalar(
            select(TrainingEventBooking.activity_id).where(
                TrainingEventBooking.event_id == event_id, TrainingEventBooking.job_id == second
            )
        )
        told = session.scalar(
            select(func.count()).where(Notification.recipient_job_id == second, Notification.activity_id == promoted)
        )
    assert promoted is not None and told


def test_a_change_made_on_stale_data_is_refused(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    event_id = create_event(demo_db, sam, _draft(_trust(demo_db)))
    shown = event_detail(demo_db, sam, event_id).version
    edit_event(demo_db, sam, event_id, shown, _draft(_trust(demo_db), "First edit"))
    with pytest.raises(StaleData, match="changed by someone else"):
        edit_event(demo_db, sam, event_id, shown, _draft(_trust(demo_db), "Second edit"))
    with pytest.raises(StaleData):
        publish_event(demo_db, sam, event_id, shown)
    assert event_detail(demo_db, sam, event_id).title == "First edit"


def test_only_a_decider_at_the_running_organisation_changes_an_event(demo_db: Database) -> None:
    sam, chris, jo = (user_id(demo_db, name) for name in ("sam.patel", "chris.lee", "jo.evans"))
    event_id = create_event(demo_db, sam, _draft(_trust(demo_db)))
    version = event_detail(demo_db, sam, event_id).version
    publish_event(demo_db, sam, event_id, version)
    version = event_detail(demo_db, sam, event_id).version
    with pytest.raises(PermissionDenied, match="Training events at decide level"):
        cancel_event(demo_db, chris, event_id, version, "Not mine to cancel")
    with pytest.raises(PermissionDenied):
        edit_event(demo_db, chris, event_id, version, _draft(_trust(demo_db), "Hijacked"))
    with pytest.raises(PermissionDenied, match="run training events"):
        create_event(demo_db, jo, _draft(_trust(demo_db)))
    assert event_detail(demo_db, sam, event_id).status is EventStatus.PUBLISHED


def test_the_list_pages_in_sql(demo_db: Database) -> None:
    sam = user_id(demo_db, "sam.patel")
    for n in range(5):
        event_id = create_event(demo_db, sam, _draft(_trust(demo_db), f"Paged {n}", provider="Paging Ltd"))
        publish_event(demo_db, sam, event_id, event_detail(demo_db, sam, event_id).version)
    filt = EventFilter(view=EventView.UPCOMING, provider="Paging Ltd", search="paged")
    first = event_page(demo_db, sam, filt, limit=2)
    rest = more_events(demo_db, sam, filt, 2, limit=10)
    assert first.total == 5 and len(first.rows) == 2 and len(rest) == 3
    assert {r.title for r in first.rows + rest} == {f"Paged {n}" for n in range(5)}
    assert event_page(demo_db, sam, EventFilter(view=EventView.PAST, provider="Paging Ltd")).total == 0
