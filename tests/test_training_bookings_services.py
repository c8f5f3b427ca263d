"""Training events: opting in, booking staff, the waiting list, cancelling, places, the register and impact (T1)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from db.audit_text import sentence
from db.errors import PermissionDenied, StaleData, ValidationError
from db.models import (
    AuditEntry,
    BookingState,
    CpdActivity,
    DecisionBatch,
    EventPayer,
    Level,
    Module,
    Notification,
    PartnershipState,
    SharingLevel,
    TrainingEvent,
    TrainingEventBooking,
    utcnow,
)
from db.queries.audit import AuditFilter, audit_page
from db.queries.flood_fill import quick_select
from db.queries.training_bookings import event_bookings, register_of
from db.queries.training_impact import impact_summary
from db.services.evaluations import check_evaluation, record_evaluation
from db.services.training_bookings import book_staff, cancel_bookings, change_places
from db.services.training_opt_ins import opt_in, opt_out
from db.services.training_register import take_register
from tests.helpers import user_id
from tests.request_helpers import user_job
from tests.training_helpers import event_version, grant, make_event, opted_in, schools, staff_at

ALEX = "alex.morgan"


def _count(db, model, *where) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def event_title(db, event_id: int) -> str:
    with db.read() as session:
        return session.get(TrainingEvent, event_id).title


def _book(db, event_id: int, jobs: list[int], username: str = ALEX, **kwargs):
    return book_staff(db, user_id(db, username), event_id, jobs, shown_version=event_version(db, event_id), **kwargs)


def _booked_event(db, places: int | None, jobs: int, **event):
    school = schools(db)[0]
    event_id = make_event(db, places=places, **event)
    opted_in(db, event_id, school)
    chosen = staff_at(db, school, jobs)
    _book(db, event_id, chosen)
    return event_id, chosen


def test_opt_in_and_out_by_the_school_or_on_its_behalf(demo_db) -> None:
    db = demo_db
    event_id = make_event(db)
    _chris_job, chris_school = user_job(db, "chris.lee")
    other = next(org for org in schools(db, count=3) if org != chris_school)
    chris = user_id(db, "chris.lee")
    with pytest.raises(PermissionDenied, match="needs Training events at decide level"):
        opt_in(db, user_id(db, "pat.kim"), event_id, chris_school)  # a finance officer sees events only
    opt_in(db, chris, event_id, chris_school)
    with pytest.raises(PermissionDenied):
        opt_in(db, chris, event_id, other)  # another school's decision
    opt_in(db, user_id(db, ALEX), event_id, other)  # the central team, on its behalf
    with pytest.raises(ValidationError, match="already opted into"):
        opt_in(db, user_id(db, ALEX), event_id, other)
    with db.read() as session:
        reasons = dict(
            session.execute(
                select(AuditEntry.user_id, AuditEntry.reason).where(AuditEntry.action == "training_opted_in")
            ).all()
        )
    assert reasons[chris] is None and reasons[user_id(db, ALEX)].startswith("On behalf of ")
    shown = event_bookings(db, user_id(db, ALEX), event_id)
    assert {row.organisation_id for row in shown.opt_ins if row.opted_in} == {chris_school, other}

    _book(db, event_id, staff_at(db, other, 1))
    with pytest.raises(ValidationError, match="cancel their bookings first"):
        opt_out(db, user_id(db, ALEX), event_id, other)
    opt_out(db, chris, event_id, chris_school)
    rows = event_bookings(db, chris, event_id).opt_ins
    assert not next(r for r in rows if r.organisation_id == chris_school).opted_in

    # The audit log says it in words: the event's title, the school, the person booked.
    title = event_title(db, event_id)
    read = {
        action: sentence(audit_page(db, user_id(db, "sam.patel"), AuditFilter(action=action), limit=1)[0])
        for action in ("training_opted_in", "training_opted_out", "training_booked")
    }
    assert f"into the training event “{title}”" in read["training_opted_in"]
    assert (
        read["training_opted_out"].startswith("Chris Lee opted ")
        and f"out of the training event “{title}”" in read["training_opted_out"]
    )
    assert " booked " in read["training_booked"] and f"onto “{title}”" in read["training_booked"]
    assert "someone" not in read["training_booked"]


def test_book_one_a_group_and_a_selection(demo_db) -> None:
    db = demo_db
    alex = user_id(db, ALEX)
    first, second = schools(db)
    event_id = make_event(db, places=None)
    opted_in(db, event_id, first, second)
    one = staff_at(db, first, 1)
    assert _book(db, event_id, one).booked == 1
    group = quick_select(db, alex, "group", 7, within=[first, second])  # Teachers at the two schools
    group = [job for job in group if job not in one]
    assert group
    assert _book(db, event_id, group).booked == len(group)
    role = [j for j in quick_select(db, alex, "role", "Teaching assistant", within=[second]) if j not in group]
    result = _book(db, event_id, role)
    assert result.booked == len(role) and result.waiting == 0
    shown = event_bookings(db, alex, event_id)
    assert shown.booked_count == 1 + len(group) + len(role) and shown.free is None
    with db.read() as session:
        activities = session.execute(
            select(CpdActivity.title, CpdActivity.course_fee_pence, CpdActivity.partnership_state).where(
                CpdActivity.training_event_id == event_id
            )
        ).all()
    assert len(activities) == shown.booked_count
    assert {tuple(a) for a in activities} == {("Behaviour for learning", 5_000, PartnershipState.PENDING)}


def test_past_the_places_people_wait_in_order_and_cancelling_promotes_them(demo_db) -> None:
    db = demo_db
    alex = user_id(db, ALEX)
    event_id, chosen = _booked_event(db, 20, 25)
    shown = event_bookings(db, alex, event_id)
    assert (shown.booked_count, shown.waiting_count, shown.free) == (20, 5, 0)
    assert [row.job_id for row in shown.waiting] == chosen[20:]
    assert [row.position for row in shown.waiting] == [1, 2, 3, 4, 5]
    assert all(row.activity_id is None for row in shown.waiting)
    assert shown.counts_sentence() == "20 booked · 5 waiting · 0 free of 20"

    leaving = {row.id: row.version for row in shown.booked[:2]}
    result = cancel_bookings(db, alex, event_id, leaving)
    assert (result.cancelled, result.promoted) == (2, 2)
    after = event_bookings(db, alex, event_id)
    assert (after.booked_count, after.waiting_count) == (20, 3)
    assert [row.job_id for row in after.waiting] == chosen[22:] and after.waiting[0].position == 1
    promoted = [row for row in after.booked if row.job_id in chosen[20:22]]
    assert len(promoted) == 2 and all(row.activity_id for row in promoted)
    with db.read() as session:
        offered = select(Notification.recipient_job_id).where(Notification.kind == "training_place_offered")
        told = set(session.scalars(offered))
        withdrawn = session.scalars(
            select(CpdActivity.partnership_state).where(
                CpdActivity.id.in_([row.activity_id for row in shown.booked[:2]])
            )
        ).all()
    assert told == set(chosen[20:22])
    assert set(withdrawn) == {PartnershipState.WITHDRAWN}
    with pytest.raises(StaleData):
        cancel_bookings(db, alex, event_id, leaving)  # the same rows, as they were shown before


def test_a_person_is_booked_once_and_nothing_is_half_done(demo_db) -> None:
    db = demo_db
    event_id, chosen = _booked_event(db, 20, 3)
    fresh = staff_at(db, schools(db)[0], 5)[3:]
    before = _count(db, TrainingEventBooking), _count(db, CpdActivity)
    with pytest.raises(ValidationError, match="already booked or waiting"):
        _book(db, event_id, [*fresh, chosen[0]])
    assert (_count(db, TrainingEventBooking), _count(db, CpdActivity)) == before


def test_a_school_that_has_not_opted_in_is_refused(demo_db) -> None:
    db = demo_db
    first, second = schools(db)
    event_id = make_event(db)
    opted_in(db, event_id, first)
    with pytest.raises(ValidationError, match="not opted into"):
        _book(db, event_id, [*staff_at(db, first, 2), *staff_at(db, second, 1)])
    assert _count(db, TrainingEventBooking) == 0


def test_staff_out_of_scope_or_d6_are_refused(demo_db) -> None:
    db = demo_db
    mis_only = schools(db, SharingLevel.MIS, count=1)[0]
    event_id = make_event(db)
    opted_in(db, event_id, mis_only)
    with pytest.raises(PermissionDenied, match="no central action touches it"):
        _book(db, event_id, staff_at(db, mis_only, 1))
    assert mis_only not in event_bookings(db, user_id(db, ALEX), event_id).may_book_at  # not even offered
    _job, chris_school = user_job(db, "chris.lee")
    other = next(org for org in schools(db, count=3) if org != chris_school)
    grant(db, "chris.lee", Module.TRAINING, Level.DECIDE, chris_school)
    opted_in(db, event_id, chris_school, other)
    with pytest.raises(PermissionDenied, match="book staff onto training at"):
        _book(db, event_id, staff_at(db, other, 1), username="chris.lee")
    assert _book(db, event_id, staff_at(db, chris_school, 2), username="chris.lee").booked == 2
    assert _count(db, TrainingEventBooking) == 2


def test_a_cancelled_unpublished_or_changed_event_takes_no_bookings(demo_db) -> None:
    db = demo_db
    school = schools(db)[0]
    event_id = make_event(db)
    opted_in(db, event_id, school)
    jobs = staff_at(db, school, 1)
    shown = event_version(db, event_id)
    with db.transaction() as session:
        event = session.get(TrainingEvent, event_id)
        event.places = 30
    with pytest.raises(StaleData, match="changed by someone else"):
        book_staff(db, user_id(db, ALEX), event_id, jobs, shown_version=shown)
    with db.transaction() as session:
        session.get(TrainingEvent, event_id).published = False
    with pytest.raises(ValidationError, match="not published"):
        _book(db, event_id, jobs)
    with db.transaction() as session:
        event = session.get(TrainingEvent, event_id)
        event.published, event.cancelled_at = True, utcnow()
    with pytest.raises(ValidationError, match="was cancelled"):
        _book(db, event_id, jobs)
    assert _count(db, TrainingEventBooking) == 0


def test_lowering_the_places_moves_the_latest_booked_back_to_the_waiting_list(demo_db) -> None:
    db = demo_db
    alex = user_id(db, ALEX)
    event_id, chosen = _booked_event(db, 20, 22)
    result = change_places(db, alex, event_id, event_version(db, event_id), 15)
    assert (result.moved_to_waiting, result.promoted) == (5, 0)
    shown = event_bookings(db, alex, event_id)
    assert (shown.booked_count, shown.waiting_count) == (15, 7)
    assert [row.job_id for row in shown.waiting] == chosen[15:]  # the moved keep their turn, ahead
    assert _count(db, CpdActivity, CpdActivity.training_event_id == event_id,
                  CpdActivity.partnership_state == PartnershipState.WITHDRAWN) == 5  # fmt: skip
    result = change_places(db, alex, event_id, result.version, None)
    assert result.promoted == 7 and event_bookings(db, alex, event_id).waiting_count == 0
    with pytest.raises(StaleData):
        change_places(db, alex, event_id, result.version - 1, 10)


def test_the_register_feeds_the_activities_attendance_and_the_impact_summary(demo_db) -> None:
    db = demo_db
    alex = user_id(db, ALEX)
    today = date.today()
    event_id, _chosen = _booked_event(db, 20, 5, days=(today - timedelta(days=1), today), budget_pence=40_000)
    register = register_of(db, alex, event_id)
    assert register.session_id == register.sessions[-1].id and len(register.rows) == 5 and register.may_take
    first = register.sessions[0].id
    marks = {row.booking_id: n < 3 for n, row in enumerate(register.rows)}
    result = take_register(db, alex, event_id, first, marks)
    assert (result.present, result.absent, result.changed) == (3, 2, 5)
    states = {row.booking_id: row for row in register_of(db, alex, event_id, first).rows}
    assert [states[b].attended for b in marks] == [True, True, True, False, False]
    assert [states[b].completion for b in marks] == ["attended"] * 3 + ["did_not_attend"] * 2
    # the second day: one of the absent came after all
    late = list(marks)[3]
    take_register(db, alex, event_id, register.sessions[1].id, {late: True})
    assert {row.booking_id: row.completion for row in register_of(db, alex, event_id).rows}[late] == "attended"

    _job, chris_school = user_job(db, "chris.lee")
    grant(db, "chris.lee", Module.TRAINING, Level.DECIDE, chris_school)
    with pytest.raises(PermissionDenied, match="take the register"):  # the organiser's register, not a school's
        take_register(db, user_id(db, "chris.lee"), event_id, first, marks)

    future = make_event(db, days=(today + timedelta(days=3),))
    with pytest.raises(ValidationError, match="has not happened yet"):
        take_register(db, alex, future, register_of(db, alex, future).sessions[0].id, {1: True})

    attended = [row.activity_id for row in register_of(db, alex, event_id).rows if row.completion == "attended"]
    for activity_id, rating in zip(attended[:2], (4, 5), strict=True):
        record_evaluation(db, alex, activity_id, None, check_evaluation(6, rating, f"Useful, rated {rating}", ""))
    impact = impact_summary(db, alex, event_id)
    assert (impact.places_taken, impact.attendees, impact.evaluated) == (5, 4, 2)
    assert impact.average_rating == 4.5 and impact.total_hours == 12
    assert impact.spend_pence == 25_000 and impact.cost_per_attendee_pence == 6_250
    assert impact.remaining_pence == 15_000
    assert sorted(c.impact for c in impact.comments) == ["Useful, rated 4", "Useful, rated 5"]


def test_central_budget_places_carry_no_school_fee(demo_db) -> None:
    db = demo_db
    event_id, _chosen = _booked_event(db, 20, 2, payer=EventPayer.CENTRAL)
    with db.read() as session:
        fees = session.scalars(
            select(CpdActivity.course_fee_pence).where(CpdActivity.training_event_id == event_id)
        ).all()
    assert fees == [0, 0]
    assert impact_summary(db, user_id(db, ALEX), event_id).spend_pence == 10_000


def test_pre_authorise_follows_the_flood_fill_rules(demo_db) -> None:
    db = demo_db
    school = schools(db)[0]
    event_id = make_event(db, places=3)
    opted_in(db, event_id, school)
    jobs = staff_at(db, school, 4)
    result = _book(db, event_id, jobs, pre_authorise=True)
    assert (result.booked, result.waiting, result.pre_authorised) == (3, 1, True)
    with db.read() as session:
        states = session.execute(
            select(CpdActivity.partnership_state, CpdActivity.charged_organisation_id).where(
                CpdActivity.training_event_id == event_id
            )
        ).all()
        batch_id, count = session.execute(
            select(DecisionBatch.id, DecisionBatch.activity_count).where(DecisionBatch.source == "training_booking")
        ).one()
        decisions = session.scalar(
            select(func.count()).where(AuditEntry.decision_batch_id == batch_id, AuditEntry.entity == "cpd_activity")
        )
    assert set(states) == {(PartnershipState.AUTHORISED, school)} and len(states) == 3
    assert count == 3 and decisions == 3

    # no authorising one's own CPD; no pre-authorising without CPD decide where the staff work
    own_job, own_org = user_job(db, ALEX)
    opted_in(db, event_id, own_org)
    change_places(db, user_id(db, ALEX), event_id, event_version(db, event_id), None)
    with pytest.raises(PermissionDenied, match="nobody authorises their own CPD"):
        _book(db, event_id, [own_job], pre_authorise=True)
    grant(db, "jo.evans", Module.TRAINING, Level.DECIDE, own_org)
    grant(db, "jo.evans", Module.STAFF, Level.VIEW, own_org)
    other = staff_at(db, own_org, 1)
    with pytest.raises(PermissionDenied, match="cannot be pre-authorised"):
        _book(db, event_id, other, username="jo.evans", pre_authorise=True)
    assert _book(db, event_id, other, username="jo.evans").booked == 1
    assert _count(db, TrainingEventBooking, TrainingEventBooking.state == BookingState.BOOKED) == 5


def test_two_people_booking_at_once_end_in_one_booking_and_one_place(demo_db) -> None:
    """Two CPD leads booking the last place, and the same person, at the same moment (both engines)."""
    from concurrent.futures import ThreadPoolExecutor

    db = demo_db
    school = schools(db)[0]
    event_id = make_event(db, places=1)
    opted_in(db, event_id, school)
    first, second = staff_at(db, school, 2)
    version = event_version(db, event_id)

    def book(job: int) -> str:
        try:
            book_staff(db, user_id(db, ALEX), event_id, [job], shown_version=version)
        except ValidationError as error:
            return error.message
        return "booked"

    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(book, [first, second])) == ["booked", "booked"]
    shown = event_bookings(db, user_id(db, ALEX), event_id)
    assert (shown.booked_count, shown.waiting_count) == (1, 1)  # the last place went once

    third = staff_at(db, school, 3)[2]
    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(book, [third, third]))
    assert answers.count("booked") == 1 and any("already booked or waiting" in a for a in answers)
    assert _count(db, TrainingEventBooking, TrainingEventBooking.job_id == third) == 1
