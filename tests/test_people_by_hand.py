"""People and jobs added and corrected by hand (P1, P2): through the services, on both engines."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db.audit_text import sentence
from db.errors import PermissionDenied, StaleData, ValidationError
from db.models import AuditEntry, Job, Organisation, OrgKind, Person, SharingLevel
from db.queries.audit import AuditFilter, audit_page
from db.queries.people import job_record, line_manager_choices, person_choices, staff_form_choices
from db.queries.staff import StaffFilter, first_staff_page
from db.services.job_lifecycle import end_job, link_people, reactivate_job
from db.services.people import JobFields, PersonFields, add_job, add_person, edit_person_job
from db.services.record_fields import FieldError
from db.services.trust_setup import create_new_trust
from tests.helpers import org_with_sharing, user_id

TODAY = date(2026, 11, 30)


def school(db, level: SharingLevel = SharingLevel.GROUP_ACTIONS) -> int:
    return org_with_sharing(db, level)


def trust_id(db) -> int:
    with db.read() as session:
        return session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))


def newcomer(db, org: int, **extra) -> int:
    person = PersonFields("Nia", "Zephyrine", title="Ms", email="nia@example.org", trn=extra.pop("trn", "1234567"))
    job = JobFields(org, "Class teacher", work_email="n.okafor@school.example", staff_code="NOK", **extra)
    return add_person(db, user_id(db, "alex.morgan"), person, job)


def audit_sentences(db, action: str) -> list[str]:
    alex = user_id(db, "alex.morgan")
    return [sentence(row) for row in audit_page(db, alex, AuditFilter(action=action))]


def test_a_person_added_by_hand_is_listed_and_audited(demo_db) -> None:
    alex, org = user_id(demo_db, "alex.morgan"), school(demo_db)
    manager = line_manager_choices(demo_db, alex, org)[0]
    job_id = newcomer(demo_db, org, line_manager_job_id=manager.id, started_on=date(2026, 9, 1))

    record = job_record(demo_db, alex, job_id)
    assert (record.name, record.title, record.trn, record.staff_code) == ("Nia Zephyrine", "Ms", "1234567", "NOK")
    assert record.work_email == "n.okafor@school.example" and record.started_on == date(2026, 9, 1)
    assert record.line_manager_job_id == manager.id
    page = first_staff_page(demo_db, alex, StaffFilter(search="Zephyrine"))
    assert [row.job_id for row in page.rows] == [job_id]
    with demo_db.read() as session:
        assert session.get(Job, manager.id).is_line_manager
    [said] = audit_sentences(demo_db, "person_added")
    assert "Nia Zephyrine" in said and "Class teacher" in said


def test_bad_fields_are_refused_one_sentence_each(demo_db) -> None:
    alex, org = user_id(demo_db, "alex.morgan"), school(demo_db)
    with pytest.raises(FieldError, match="7 digits") as refused:
        add_person(demo_db, alex, PersonFields("A", "B", trn="12345"), JobFields(org, "Teacher"))
    assert refused.value.field == "trn"
    with pytest.raises(FieldError, match="Give the last name"):
        add_person(demo_db, alex, PersonFields("A", "  "), JobFields(org, "Teacher"))
    with pytest.raises(FieldError, match="not an e-mail address"):
        add_person(demo_db, alex, PersonFields("A", "B", email="nobody"), JobFields(org, "Teacher"))
    newcomer(demo_db, org)
    with pytest.raises(FieldError, match="already Nia Zephyrine's"):
        add_person(demo_db, alex, PersonFields("Nia", "Zephyrine-Smith", trn="123 4567"), JobFields(org, "Teacher"))
    with pytest.raises(FieldError, match="Staff code nok is already Nia Zephyrine's"):
        add_person(demo_db, alex, PersonFields("Bexley", "Itoshima"), JobFields(org, "Teacher", staff_code="nok"))
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Person).where(Person.last_name == "Itoshima")) == 0


def test_refused_without_the_right_or_where_the_school_does_not_share_group_actions(demo_db) -> None:
    chris, sam, alex = (user_id(demo_db, name) for name in ("chris.lee", "sam.patel", "alex.morgan"))
    org = school(demo_db)
    with pytest.raises(PermissionDenied, match="You may not add or change staff"):
        add_person(demo_db, chris, PersonFields("A", "B"), JobFields(org, "Teacher"))
    mis_only = school(demo_db, SharingLevel.MIS)
    with pytest.raises(PermissionDenied, match="MIS data but not group actions"):
        add_person(demo_db, alex, PersonFields("A", "B"), JobFields(mis_only, "Teacher"))
    offered = {choice.id for choice in staff_form_choices(demo_db, alex).organisations}
    assert org in offered and mis_only not in offered
    job_id = newcomer(demo_db, org)
    record = job_record(demo_db, sam, job_id)  # a CPD lead decides about staff at the trust
    with pytest.raises(PermissionDenied):
        end_job(demo_db, chris, job_id, record.job_version, TODAY, today=TODAY)


def test_editing_is_version_checked_and_audited_field_by_field(demo_db) -> None:
    alex, org = user_id(demo_db, "alex.morgan"), school(demo_db)
    job_id = newcomer(demo_db, org)
    shown = job_record(demo_db, alex, job_id)
    person = PersonFields("Nia", "Zephyrine-Bell", title="Dr", email="nia@example.org", trn="1234567")
    job = JobFields(org, "Head of maths", work_email="n.okafor@school.example", staff_code="NOK", pay_scale="UPS2")
    saved = edit_person_job(demo_db, alex, job_id, shown.job_version, shown.person_version, person, job)
    assert set(saved.changed) == {"last_name", "title", "role", "pay_scale"}
    with pytest.raises(StaleData, match="changed by someone else"):
        edit_person_job(demo_db, alex, job_id, shown.job_version, shown.person_version, person, job)
    now = job_record(demo_db, alex, job_id)
    assert (now.last_name, now.role, now.pay_scale) == ("Zephyrine-Bell", "Head of maths", "UPS2")
    assert any("last name and title of Nia Zephyrine-Bell" in s for s in audit_sentences(demo_db, "person_changed"))
    assert any("pay scale and role of Nia Zephyrine-Bell’s job" in s for s in audit_sentences(demo_db, "job_changed"))


def test_partnership_job_pay_scale_and_unique_id_after_bring_up(demo_db) -> None:
    alex = user_id(demo_db, "alex.morgan")
    job_id = newcomer(demo_db, trust_id(demo_db))
    shown = job_record(demo_db, alex, job_id)
    assert shown.is_partnership_job
    fields = JobFields(
        shown.organisation_id, shown.role, shown.work_email, shown.staff_code, None, None, "P-0042", "L7"
    )
    person = PersonFields(shown.first_name, shown.last_name, shown.title, shown.email, shown.trn)
    edit_person_job(demo_db, alex, job_id, shown.job_version, shown.person_version, person, fields)
    assert (job_record(demo_db, alex, job_id).unique_id, job_record(demo_db, alex, job_id).pay_scale) == (
        "P-0042",
        "L7",
    )


def test_a_leaver_is_hidden_from_lists_and_pickers_and_can_return(demo_db) -> None:
    alex, org = user_id(demo_db, "alex.morgan"), school(demo_db)
    job_id = newcomer(demo_db, org, started_on=date(2026, 9, 1))
    version = job_record(demo_db, alex, job_id).job_version
    with pytest.raises(FieldError, match="in the future"):
        end_job(demo_db, alex, job_id, version, date(2026, 12, 1), today=TODAY)
    with pytest.raises(FieldError, match="cannot be earlier"):
        end_job(demo_db, alex, job_id, version, date(2026, 8, 31), today=TODAY)
    version = end_job(demo_db, alex, job_id, version, date(2026, 11, 27), today=TODAY)

    assert first_staff_page(demo_db, alex, StaffFilter(search="Zephyrine")).total == 0
    leavers = first_staff_page(demo_db, alex, StaffFilter(search="Zephyrine", include_ended=True)).rows
    assert [(row.job_id, row.active, row.ended_on) for row in leavers] == [(job_id, False, date(2026, 11, 27))]
    assert job_id not in {c.id for c in line_manager_choices(demo_db, alex, org)}
    assert any("from 27 Nov 2026" in s for s in audit_sentences(demo_db, "job_ended"))
    with pytest.raises(ValidationError, match="already ended"):
        end_job(demo_db, alex, job_id, version, TODAY, today=TODAY)

    reactivate_job(demo_db, alex, job_id, version)
    back = job_record(demo_db, alex, job_id)
    assert back.active and back.ended_on is None
    assert first_staff_page(demo_db, alex, StaffFilter(search="Zephyrine")).total == 1


def test_two_records_of_one_person_are_linked(demo_db) -> None:
    alex, org = user_id(demo_db, "alex.morgan"), school(demo_db)
    first = newcomer(demo_db, org)
    other_school = next(
        c.id for c in staff_form_choices(demo_db, alex).organisations if c.id not in (org, trust_id(demo_db))
    )
    second = add_person(demo_db, alex, PersonFields("Nia", "Zephyrine", title="Ms"), JobFields(other_school, "Tutor"))
    keep, merge = job_record(demo_db, alex, first), job_record(demo_db, alex, second)
    moved = link_people(demo_db, alex, keep.person_id, keep.person_version, merge.person_id, merge.person_version)
    assert moved == 1
    assert job_record(demo_db, alex, second).person_id == keep.person_id
    with demo_db.read() as session:
        assert session.get(Person, merge.person_id) is None
    [said] = audit_sentences(demo_db, "people_linked")
    assert "Nia Zephyrine and Nia Zephyrine as one person (jobs moved: 1)" in said
    rows = first_staff_page(demo_db, alex, StaffFilter(search="Zephyrine")).rows
    assert all(row.also_at for row in rows) and len(rows) == 2
    assert [p.person_id for p in person_choices(demo_db, alex, "1234567")] == [keep.person_id]


def test_linking_refuses_two_jobs_at_one_organisation_and_two_trns(demo_db) -> None:
    alex, org = user_id(demo_db, "alex.morgan"), school(demo_db)
    first = job_record(demo_db, alex, newcomer(demo_db, org))
    same_place = job_record(
        demo_db, alex, add_person(demo_db, alex, PersonFields("Nia", "Zephyrine"), JobFields(org, "Tutor"))
    )
    with pytest.raises(ValidationError, match="both have a job at"):
        link_people(
            demo_db, alex, first.person_id, first.person_version, same_place.person_id, same_place.person_version
        )
    with pytest.raises(FieldError, match="already has a job at"):
        add_job(demo_db, alex, first.person_id, JobFields(org, "Tutor"))
    elsewhere = next(
        c.id for c in staff_form_choices(demo_db, alex).organisations if c.id not in (org, trust_id(demo_db))
    )
    other = job_record(
        demo_db,
        alex,
        add_person(demo_db, alex, PersonFields("Nia", "Zephyrine", trn="7654321"), JobFields(elsewhere, "Tutor")),
    )
    with pytest.raises(ValidationError, match="two people"):
        link_people(demo_db, alex, first.person_id, first.person_version, other.person_id, other.person_version)
    with demo_db.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "people_linked"))
            == 0
        )


def test_a_second_job_for_an_existing_person(demo_db) -> None:
    alex, org = user_id(demo_db, "alex.morgan"), school(demo_db)
    first = job_record(demo_db, alex, newcomer(demo_db, org))
    job_id = add_job(demo_db, alex, first.person_id, JobFields(trust_id(demo_db), "School improvement adviser"))
    assert job_record(demo_db, alex, job_id).person_id == first.person_id
    assert any("a job (" in s for s in audit_sentences(demo_db, "job_added"))


def test_a_persons_details_need_the_right_wherever_they_work(demo_db) -> None:
    alex, org, mis_only = user_id(demo_db, "alex.morgan"), school(demo_db), school(demo_db, SharingLevel.MIS)
    job_id = newcomer(demo_db, org)
    with demo_db.transaction() as session:  # a second job where the trust may look but not act (D6)
        person = session.scalar(select(Job.person_id).where(Job.id == job_id))
        session.add(Job(person_id=person, organisation_id=mis_only, role="Tutor", active=True))
    shown = job_record(demo_db, alex, job_id)
    kept = PersonFields(shown.first_name, shown.last_name, shown.title, shown.email, shown.trn)
    renamed = PersonFields("Nina", shown.last_name, shown.title, shown.email, shown.trn)
    job = JobFields(org, "Head of science", shown.work_email, shown.staff_code)
    with pytest.raises(PermissionDenied, match="MIS data but not group actions"):
        edit_person_job(demo_db, alex, job_id, shown.job_version, shown.person_version, renamed, job)
    edit_person_job(demo_db, alex, job_id, shown.job_version, shown.person_version, kept, job)  # the job alone
    assert job_record(demo_db, alex, job_id).role == "Head of science"


def test_a_job_at_a_school_not_sharing_group_actions_cannot_be_ended_centrally(demo_db) -> None:
    alex, mis_only = user_id(demo_db, "alex.morgan"), school(demo_db, SharingLevel.MIS)
    with demo_db.read() as session:
        job_id, version = session.execute(
            select(Job.id, Job.version).where(Job.organisation_id == mis_only, Job.active.is_(True)).limit(1)
        ).one()
    with pytest.raises(PermissionDenied, match="MIS data but not group actions"):
        end_job(demo_db, alex, job_id, version, TODAY, today=TODAY)
    with demo_db.read() as session:
        assert session.get(Job, job_id).active


def test_a_new_trust_adds_its_first_people_by_hand(db) -> None:
    new = create_new_trust(db, "Brookside Schools Trust", "TR01234", "Pat Kim", "pat.kim")
    assert [c.id for c in staff_form_choices(db, new.user_id).organisations] == [new.trust_id]
    job_id = add_person(db, new.user_id, PersonFields("Ada", "Byrne", trn="1234567"), JobFields(new.trust_id, "CEO"))
    deputy = add_person(
        db, new.user_id, PersonFields("Ben", "Adair"), JobFields(new.trust_id, "Deputy CEO", line_manager_job_id=job_id)
    )
    assert job_record(db, new.user_id, deputy).line_manager == "Ada Byrne"
    assert first_staff_page(db, new.user_id, StaffFilter()).total == 2
