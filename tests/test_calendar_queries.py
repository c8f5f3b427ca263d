"""The calendar's reads (CA1), on both engines: the range (activities spanning in from before too),
the filters, what scope and data sharing (D6) let a user see, training drafts hidden from other
schools, who is out with cover days, and the .ics files read back with icalendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import (
    AppUser,
    CpdActivity,
    GroupMembership,
    Job,
    Level,
    Module,
    PartnershipState,
    SharingLevel,
    TrainingEvent,
    TrainingEventSession,
)
from db.queries.calendar import OUT_STATES, CalendarFilter, load_calendar
from db.queries.calendar_ics import event_ics, view_ics, write_ics
from db.queries.calendar_out import who_is_out
from db.services.grants import GrantSpec, give_grant
from db.services.users import UserDetails, add_user
from tests.helpers import org_with_sharing, user_id

DAY = date(2026, 11, 16)  # a Monday of the demo's current year


def _coordinator_school(db: Database) -> int:
    with db.read() as session:
        found = session.scalar(
            select(Job.organisation_id).join(AppUser, AppUser.job_id == Job.id).where(AppUser.username == "chris.lee")
        )
    assert found is not None
    return found


def _expected(db: Database, first: date, last: date, org: int, states=OUT_STATES) -> set[int]:
    """The plain answer: activities of ``org`` with a day in the range."""
    with db.read() as session:
        return set(
            session.scalars(
                select(CpdActivity.id).where(
                    CpdActivity.organisation_id == org,
                    CpdActivity.starts_on <= last,
                    CpdActivity.ends_on >= first,
                    CpdActivity.partnership_state.in_(states),
                )
            )
        )


def _event(db: Database, org: int, title: str, on: date, *, published: bool, cancelled: bool = False) -> int:
    with db.transaction() as session:
        event = TrainingEvent(
            organisation_id=org, title=title, starts_on=on, ends_on=on + timedelta(days=1), published=published,
            cancelled_at=datetime(2026, 11, 1, 9, 0) if cancelled else None,
        )  # fmt: skip
        session.add(event)
        session.flush()
        session.add(TrainingEventSession(event_id=event.id, on_date=on, starts_at=time(9), ends_at=time(15, 30),
                                         location="Main hall"))  # fmt: skip
        session.add(
            TrainingEventSession(event_id=event.id, on_date=on + timedelta(days=1), online_link="https://x.example/1")
        )
        return event.id


def test_a_month_holds_every_activity_with_a_day_in_it_and_counts_each_day(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = _coordinator_school(demo_db)
    first, last = date(2026, 10, 26), date(2026, 12, 6)
    view = load_calendar(demo_db, sam, CalendarFilter(first, last, organisation_id=school))
    listed = {a.id for a in view.activities}
    assert listed == _expected(demo_db, first, last, school) and view.activity_count == len(listed)
    assert any(a.starts_on < first for a in view.activities), "an activity spanning in from before is found"
    assert any(a.ends_on > last for a in view.activities)
    assert {a.state for a in view.activities} <= set(OUT_STATES)
    for offset in range(42):
        on = first + timedelta(days=offset)
        covering = [a for a in view.activities if a.starts_on <= on <= a.ends_on]
        count = view.days.get(on)
        assert (count.total if count else 0) == len(covering)
        if count:
            assert count.authorised == sum(a.state is PartnershipState.AUTHORISED for a in covering)


def test_filters_narrow_by_person_group_and_state(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = _coordinator_school(demo_db)
    first, last = date(2026, 9, 1), date(2026, 10, 31)
    everyone = load_calendar(demo_db, sam, CalendarFilter(first, last, organisation_id=school))
    person = everyone.activities[0].person_id
    theirs = load_calendar(demo_db, sam, CalendarFilter(first, last, person_id=person))
    assert theirs.activities and {a.person_id for a in theirs.activities} == {person}

    rejected = load_calendar(demo_db, sam, CalendarFilter(first, last, school, states=(PartnershipState.REJECTED,)))
    assert {a.id for a in rejected.activities} == _expected(demo_db, first, last, school, (PartnershipState.REJECTED,))
    assert not {a.id for a in rejected.activities} & {a.id for a in everyone.activities}  # not shown unless asked

    # a group member with an activity the trust-wide calendar shows (in a school sharing its data, in a
    # state that takes them out of school): which one that is depends on the day the demo was built
    shown = [a.id for a in load_calendar(demo_db, sam, CalendarFilter(first, last)).activities]
    with demo_db.read() as session:
        group, job = session.execute(
            select(GroupMembership.group_id, GroupMembership.job_id)
            .join(CpdActivity, CpdActivity.job_id == GroupMembership.job_id)
            .where(CpdActivity.id.in_(shown))
            .order_by(GroupMembership.group_id, GroupMembership.job_id)
            .limit(1)
        ).one()
        members = set(session.scalars(select(GroupMembership.job_id).where(GroupMembership.group_id == group)))
    grouped = load_calendar(demo_db, sam, CalendarFilter(first, last, group_id=group))
    with demo_db.read() as session:
        jobs = set(
            session.scalars(select(CpdActivity.job_id).where(CpdActivity.id.in_([a.id for a in grouped.activities])))
        )
    assert job in jobs and jobs <= members


def test_scope_and_data_sharing_limit_what_the_calendar_shows(demo_db) -> None:
    sam, chris = user_id(demo_db, "sam.patel"), user_id(demo_db, "chris.lee")
    school = _coordinator_school(demo_db)
    first, last = date(2026, 11, 2), date(2026, 11, 29)
    own = load_calendar(demo_db, chris, CalendarFilter(first, last))
    assert own.activity_count and {a.organisation_id for a in own.activities} == {school}
    hidden = org_with_sharing(demo_db, SharingLevel.INSTITUTION)  # no MIS data: its activities stay at the school
    assert _expected(demo_db, first, last, hidden), "the demo school has activities to hide"
    seen = load_calendar(demo_db, sam, CalendarFilter(first, last, organisation_id=hidden))
    assert seen.activity_count == 0 and not seen.days
    out = who_is_out(demo_db, sam, first, first + timedelta(days=4))
    assert hidden not in {org.organisation_id for org in out.organisations}

    alex = user_id(demo_db, "alex.morgan")
    newcomer = add_user(demo_db, alex, UserDetails("new.starter", "New Starter"))
    give_grant(demo_db, alex, newcomer, GrantSpec(Module.PARTNERSHIP_CPD, Level.VIEW))
    with pytest.raises(PermissionDenied, match="Calendar permission"):
        load_calendar(demo_db, newcomer, CalendarFilter(first, last))


def test_drafts_are_seen_only_by_training_users_of_the_school_that_runs_them(demo_db) -> None:
    alex, chris = user_id(demo_db, "alex.morgan"), user_id(demo_db, "chris.lee")
    school = _coordinator_school(demo_db)
    with demo_db.read() as session:
        trust = session.scalar(select(TrainingEvent.organisation_id).where(TrainingEvent.id == 1))
        other = session.scalar(select(Job.organisation_id).where(Job.organisation_id.not_in((school, trust))).limit(1))
    draft = _event(demo_db, school, "Phonics refresher", DAY, published=False)
    published = _event(demo_db, trust, "Trust conference", DAY + timedelta(days=2), published=True)
    cancelled = _event(demo_db, trust, "Cancelled twilight", DAY + timedelta(days=3), published=True, cancelled=True)
    week = CalendarFilter(DAY, DAY + timedelta(days=6))

    neighbour = add_user(demo_db, alex, UserDetails("next.door", "Next Door"))
    for module in (Module.CALENDAR, Module.TRAINING, Module.PARTNERSHIP_CPD):
        give_grant(demo_db, alex, neighbour, GrantSpec(module, Level.DECIDE, organisation_id=other))
    theirs = {s.event_id for s in load_calendar(demo_db, neighbour, week).sessions}
    assert {published, cancelled} <= theirs and draft not in theirs
    with pytest.raises(ValidationError, match="draft of another organisation"):
        event_ics(demo_db, neighbour, draft)

    # the school's CPD coordinator holds Training events there (the standard role): the draft is theirs to see
    sessions = load_calendar(demo_db, chris, week).sessions
    mine = [s for s in sessions if s.event_id == draft]
    assert [(s.on_date, s.starts_at, s.published) for s in mine] == [
        (DAY, time(9), False),
        (DAY + timedelta(days=1), None, False),
    ]
    assert [s.cancelled for s in sessions if s.event_id == cancelled] == [True, True]
    only_school = load_calendar(demo_db, chris, CalendarFilter(DAY, DAY + timedelta(days=6), organisation_id=school))
    assert {s.event_id for s in only_school.sessions} >= {draft} and published not in {
        s.event_id for s in only_school.sessions
    }  # the trust's event: not run by the school, nor opted into


def test_who_is_out_lists_authorised_and_pending_people_per_school_with_cover_days(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = _coordinator_school(demo_db)
    monday, friday = DAY, DAY + timedelta(days=4)
    out = who_is_out(demo_db, sam, monday, friday, organisation_id=school)
    assert [org.organisation_id for org in out.organisations] == [school]
    people = out.organisations[0].people
    assert {p.activity_id for p in people} == _expected(demo_db, monday, friday, school)
    assert {p.state for p in people} <= set(OUT_STATES)
    with demo_db.read() as session:
        cover = dict(
            session.execute(select(CpdActivity.id, CpdActivity.cover_days).where(CpdActivity.organisation_id == school))
            .tuples()
            .all()
        )
    assert out.organisations[0].cover_days == pytest.approx(sum(cover[p.activity_id] for p in people))
    for p in people:
        inside = [
            monday + timedelta(days=n) for n in range(5) if p.starts_on <= monday + timedelta(days=n) <= p.ends_on
        ]
        assert p.days_out == len(inside)
    whole = who_is_out(demo_db, sam, monday, monday)
    names = [org.organisation for org in whole.organisations]
    assert names == sorted(names) and len(names) > 1
    assert any(p.pending for org in whole.organisations for p in org.people)  # cover is booked before the answer
    with pytest.raises(ValidationError, match="a day or a week"):
        who_is_out(demo_db, sam, monday, monday + timedelta(days=7))


def test_a_range_the_calendar_does_not_show_is_refused(demo_db) -> None:
    sam = user_id(demo_db, "sam.patel")
    with pytest.raises(ValidationError, match="before its first day"):
        load_calendar(demo_db, sam, CalendarFilter(DAY, DAY - timedelta(days=1)))
    with pytest.raises(ValidationError, match="at most 62 days"):
        load_calendar(demo_db, sam, CalendarFilter(DAY, DAY + timedelta(days=90)))


def test_ics_exports_read_back_with_icalendar(demo_db, tmp_path: Path) -> None:
    sam = user_id(demo_db, "sam.patel")
    school = _coordinator_school(demo_db)
    with demo_db.read() as session:
        trust = session.scalar(select(TrainingEvent.organisation_id).where(TrainingEvent.id == 1))
    event = _event(demo_db, trust, "Assessment for learning", DAY, published=True)
    _event(demo_db, trust, "Called off", DAY + timedelta(days=1), published=True, cancelled=True)
    filt = CalendarFilter(DAY, DAY + timedelta(days=6), organisation_id=school)
    view = load_calendar(demo_db, sam, CalendarFilter(DAY, DAY + timedelta(days=6)))
    data, entries = view_ics(demo_db, sam, CalendarFilter(DAY, DAY + timedelta(days=6)))
    calendar = Calendar.from_ical(data)
    vevents = calendar.walk("VEVENT")
    assert len(vevents) == entries == len(view.sessions) + view.activity_count
    by_uid = {str(v["UID"]): v for v in vevents}
    ours = [v for uid, v in by_uid.items() if uid.startswith("session-") and "Assessment" in str(v["SUMMARY"])]
    starts = {v.decoded("DTSTART") for v in ours}
    assert starts == {datetime(2026, 11, 16, 9, 0), DAY + timedelta(days=1)}  # the second has no times: a whole day
    assert [str(v.get("STATUS")) for v in vevents if "Called off" in str(v["SUMMARY"])] == ["CANCELLED"] * 2
    listed = load_calendar(demo_db, sam, filt).activities[0]
    activity = by_uid[f"activity-{listed.id}@trustdesk.invalid"]
    assert activity.decoded("DTSTART") == listed.starts_on
    assert activity.decoded("DTEND") == listed.ends_on + timedelta(days=1)
    assert listed.person in str(activity["SUMMARY"])

    one, title = event_ics(demo_db, sam, event)
    assert title == "Assessment for learning" and len(Calendar.from_ical(one).walk("VEVENT")) == 2
    path = write_ics(tmp_path / "event.ics", one)
    assert Calendar.from_ical(path.read_bytes()).walk("VEVENT")[0]["LOCATION"] == "Main hall"
    with pytest.raises(ValidationError, match="does not exist"):
        write_ics(tmp_path / "missing" / "x.ics", one)
    (tmp_path / "taken.ics").mkdir()  # a folder where the file should go: cannot be replaced
    with pytest.raises(ValidationError, match=r"cannot write “taken\.ics”"):
        write_ics(tmp_path / "taken.ics", one)
    assert sorted(p.name for p in tmp_path.glob("*.ics*")) == ["event.ics", "taken.ics"]  # nothing half-written left
    with pytest.raises(ValidationError, match=r"\.ics extension"):
        write_ics(tmp_path / "x.txt", one)
