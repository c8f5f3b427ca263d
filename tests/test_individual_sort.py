"""The Individual column's sort key kept on each activity (``individual_sort``), on both engines.

The list sorts by the person's last name from a copy on the activity (an index gives that order); a
request entered, an activity added by any other insert, and a last name corrected by hand must all
leave the copy right, or the person would sort under their old name.
"""

from __future__ import annotations

from sqlalchemy import select

from db.models import CpdActivity, Job, Person, SharingLevel
from db.queries import activities as q
from db.queries.people import job_record
from db.services.people import JobFields, PersonFields, edit_person_job
from db.services.requests import enter_request
from tests.helpers import user_id
from tests.request_helpers import details, job_at, school_sharing


def _sort_keys(db, job_id: int) -> set[str]:
    with db.read() as session:
        return set(session.scalars(select(CpdActivity.individual_sort).where(CpdActivity.job_id == job_id)))


def _last_name(db, job_id: int) -> str:
    with db.read() as session:
        return session.scalars(
            select(Person.last_name).join(Job, Job.person_id == Person.id).where(Job.id == job_id)
        ).one()


def test_a_request_and_a_corrected_last_name_keep_the_individual_sort(demo_db) -> None:
    alex, sam = user_id(demo_db, "alex.morgan"), user_id(demo_db, "sam.patel")
    job_id = job_at(demo_db, school_sharing(demo_db, SharingLevel.GROUP_ACTIONS))
    entered = enter_request(demo_db, alex, job_id, details()).activity_id
    assert _sort_keys(demo_db, job_id) == {_last_name(demo_db, job_id)}

    shown = job_record(demo_db, alex, job_id)
    person = PersonFields(shown.first_name, "AAAA Corrected", shown.title, shown.email, shown.trn)
    job = JobFields(
        shown.organisation_id,
        shown.role,
        shown.work_email,
        shown.staff_code,
        shown.line_manager_job_id,
        shown.started_on,
        shown.unique_id,
        shown.pay_scale,
    )
    edit_person_job(demo_db, alex, job_id, shown.job_version, shown.person_version, person, job)

    assert _sort_keys(demo_db, job_id) == {"AAAA Corrected"}
    first = q.first_rows(demo_db, sam, q.ActivityFilter(sort="individual", descending=False), limit=1).rows
    assert [row.individual for row in first] == [f"{shown.first_name} AAAA Corrected"]
    with demo_db.read() as session:  # the activity was not edited: nobody's open copy of it goes stale
        assert session.get(CpdActivity, entered).version == 1


def test_an_insert_that_leaves_the_sort_key_out_gets_it_from_the_job(demo_db) -> None:
    job_id = job_at(demo_db, school_sharing(demo_db, SharingLevel.GROUP_ACTIONS))
    with demo_db.transaction() as session:
        template = session.scalars(select(CpdActivity).limit(1)).one()
        job = session.get(Job, job_id)
        session.add(
            CpdActivity(
                job_id=job_id,
                organisation_id=job.organisation_id,
                title="Added without a sort key",
                activity_type=template.activity_type,
                starts_on=template.starts_on,
                ends_on=template.ends_on,
                period_id=template.period_id,
            )
        )
    assert _last_name(demo_db, job_id) in _sort_keys(demo_db, job_id)


def test_a_booked_place_carries_the_individuals_last_name(demo_db) -> None:
    from db.services.training_bookings import book_staff
    from tests.training_helpers import event_version, make_event, opted_in, schools, staff_at

    school = schools(demo_db)[0]
    event_id = make_event(demo_db, places=3)
    opted_in(demo_db, event_id, school)
    jobs = staff_at(demo_db, school, 3)
    book_staff(demo_db, user_id(demo_db, "sam.patel"), event_id, jobs, shown_version=event_version(demo_db, event_id))
    with demo_db.read() as session:
        rows = session.execute(
            select(CpdActivity.individual_sort, Person.last_name)
            .join(Job, Job.id == CpdActivity.job_id)
            .join(Person, Person.id == Job.person_id)
            .where(CpdActivity.training_event_id == event_id)
        ).all()
    assert len(rows) == 3 and all(kept == name and name for kept, name in rows)


def test_linking_two_records_sorts_the_moved_jobs_requests_under_the_kept_name(demo_db) -> None:
    """The record linked away may have a misspelt surname: its job's requests move to the kept person,
    and the Individual column must sort them under the kept record's name, not the one that went."""
    from db.services.job_lifecycle import link_people
    from db.services.people import add_person

    alex, sam = user_id(demo_db, "alex.morgan"), user_id(demo_db, "sam.patel")
    school = school_sharing(demo_db, SharingLevel.GROUP_ACTIONS)
    with demo_db.read() as session:
        elsewhere = session.scalars(
            select(Job.organisation_id).where(Job.organisation_id != school).order_by(Job.organisation_id).limit(1)
        ).one()
    kept_job = add_person(demo_db, alex, PersonFields("Nia", "AAAA Kept", title="Ms"), JobFields(school, "Tutor"))
    typo_job = add_person(demo_db, alex, PersonFields("Nia", "Zzzz Typo", title="Ms"), JobFields(elsewhere, "Tutor"))
    enter_request(demo_db, alex, typo_job, details())
    keep, merge = job_record(demo_db, alex, kept_job), job_record(demo_db, alex, typo_job)

    link_people(demo_db, alex, keep.person_id, keep.person_version, merge.person_id, merge.person_version)

    assert _sort_keys(demo_db, typo_job) == {"AAAA Kept"}
    first = q.first_rows(demo_db, sam, q.ActivityFilter(sort="individual", descending=False), limit=1).rows
    assert [row.individual for row in first] == ["Nia AAAA Kept"]
