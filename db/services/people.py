"""People and their jobs added and corrected by hand (P1, P2), in Users & Groups.

A trust whose schools' MIS cannot export, a new starter before the next
import, a typo in a name: someone who decides about staff at the job's
organisation adds or corrects the record here.  Each change is one audited,
version-checked action.  A trust-level grant reaches a school only if the
school shares group actions (D6), so every check goes through
``act.require_central``, whose refusal names the school and what it does not
share.  A person's own details (name, title, e-mail, TRN) are seen wherever
they work, so changing them needs the right at every organisation where they
hold an active job.

Keys a staff import matches by are kept unambiguous: a TRN belongs to one
person, a staff code and a work e-mail to one job per organisation.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import func, select, update

from db.actions import Action, begin
from db.engine import Database
from db.models import Job, Module, Organisation, OrgStatus, Person
from db.queries.staff import JOBS
from db.services import record_fields as check
from db.services.record_fields import FieldError
from db.services.sort_keys import refresh_individual_sort

#: how "you may not …" ends for these actions (db.scope wording)
ADD_STAFF = "add or change staff"
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")


@dataclass(frozen=True, slots=True)
class PersonFields:
    first_name: str
    last_name: str
    title: str | None = None
    email: str | None = None
    trn: str | None = None


@dataclass(frozen=True, slots=True)
class JobFields:
    organisation_id: int
    role: str
    work_email: str | None = None
    staff_code: str | None = None
    line_manager_job_id: int | None = None
    started_on: date | None = None
    unique_id: str | None = None
    pay_scale: str | None = None


def clean_person(person: PersonFields) -> PersonFields:
    """The person's fields as stored, or a FieldError naming the first that will not do."""
    return PersonFields(
        first_name=check.text(person.first_name, "first_name", "first name", 80, required=True) or "",
        last_name=check.text(person.last_name, "last_name", "last name", 80, required=True) or "",
        title=check.text(person.title, "title", "title", 20),
        email=check.email(person.email, "email", "personal e-mail"),
        trn=check.trn(person.trn),
    )


def clean_job(job: JobFields) -> JobFields:
    return JobFields(
        organisation_id=job.organisation_id,
        role=check.text(job.role, "role", "role", 80, required=True) or "",
        work_email=check.email(job.work_email, "work_email", "work e-mail"),
        staff_code=check.text(job.staff_code, "staff_code", "staff code", 40),
        line_manager_job_id=job.line_manager_job_id,
        started_on=job.started_on,
        unique_id=check.text(job.unique_id, "unique_id", "unique ID", 40),
        pay_scale=check.text(job.pay_scale, "pay_scale", "pay scale", 40),
    )


def full_name(person: Person) -> str:
    return f"{person.first_name} {person.last_name}"


# -- the checks every action shares ------------------------------------------------------------------


def _organisation(act: Action, organisation_id: int) -> Organisation:
    org = act.fetch(Organisation, organisation_id, missing="That organisation no longer exists; choose another.")
    if org.status == OrgStatus.CLOSED:
        raise FieldError("organisation", f"{org.name} is closed; new jobs go to an open organisation.")
    return org


def _refuse_taken_trn(act: Action, trn: str | None, person_id: int | None) -> None:
    if trn is None:
        return
    query = select(Person).where(Person.trn == trn)
    if person_id is not None:
        query = query.where(Person.id != person_id)
    holder = act.session.scalars(query.limit(1)).first()
    if holder is not None:
        raise FieldError(
            "trn",
            f"TRN {trn} is already {full_name(holder)}'s: if this is the same person, add the job to "
            "that record or link the two records as one person.",
        )


def _refuse_taken_keys(act: Action, job: JobFields, org: Organisation, job_id: int | None) -> None:
    """A staff code and a work e-mail each name one job per organisation (a staff import matches by them)."""
    for field, column, value, label in (
        ("staff_code", Job.staff_code, job.staff_code, "Staff code"),
        ("work_email", Job.email, job.work_email, "The work e-mail"),
    ):
        if value is None:
            continue
        query = (
            select(Person.first_name + " " + Person.last_name)
            .join(Job, Job.person_id == Person.id)
            .where(Job.organisation_id == org.id, func.lower(column) == value.lower())
        )
        if job_id is not None:
            query = query.where(Job.id != job_id)
        holder = act.session.scalar(query.limit(1))
        if holder is not None:
            raise FieldError(field, f"{label} {value} is already {holder}'s at {org.name}.")


def _line_manager(act: Action, job: JobFields, job_id: int | None, person_id: int | None) -> Job | None:
    """The chosen line manager's job: active, visible, not the person themselves, and no circle."""
    if job.line_manager_job_id is None:
        return None
    manager = act.session.get(Job, job.line_manager_job_id)
    if manager is None or not manager.active or not act.scope.can_see(Module.STAFF, manager.organisation_id):
        raise FieldError("line_manager", "That line manager has left or is not one you can see; choose another.")
    if person_id is not None and manager.person_id == person_id:
        raise FieldError("line_manager", "Nobody is their own line manager; choose someone else.")
    above: Job | None = manager
    seen = 0
    while above is not None and above.line_manager_job_id is not None and seen < 100:
        if above.line_manager_job_id == job_id:
            raise FieldError("line_manager", "That would make a circle of line managers; choose someone else.")
        above, seen = act.session.get(Job, above.line_manager_job_id), seen + 1
    return manager


def _mark_manager(act: Action, manager: Job | None) -> None:
    """Whoever manages someone is a line manager (F3 offers them as a flood fill's creator)."""
    if manager is not None and not manager.is_line_manager:
        act.session.execute(update(Job).where(Job.id == manager.id).values(is_line_manager=True))


def _person_values(person: Person) -> dict[str, Any]:
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "title": person.title,
        "email": person.email,
        "trn": person.trn,
    }


def _job_values(act: Action, job: Job) -> dict[str, Any]:
    manager = None
    if job.line_manager_job_id is not None:
        manager = act.session.scalar(
            select(Person.first_name + " " + Person.last_name)
            .join(Job, Job.person_id == Person.id)
            .where(Job.id == job.line_manager_job_id)
        )
    return {
        "role": job.role,
        "work_email": job.email,
        "staff_code": job.staff_code,
        "line_manager": manager,
        "started_on": job.started_on.isoformat() if job.started_on else None,
        "unique_id": job.unique_id,
        "pay_scale": job.pay_scale,
    }


def _set_job(job: Job, values: JobFields, manager: Job | None) -> None:
    job.role, job.email, job.staff_code = values.role, values.work_email, values.staff_code
    job.line_manager_job_id = manager.id if manager is not None else None
    job.started_on, job.unique_id, job.pay_scale = values.started_on, values.unique_id, values.pay_scale


def _new_job(act: Action, person: Person, org: Organisation, values: JobFields) -> Job:
    manager = _line_manager(act, values, None, person.id)
    job = Job(person_id=person.id, organisation_id=org.id, role=values.role, active=True)
    _set_job(job, values, manager)
    act.session.add(job)
    act.session.flush()
    _mark_manager(act, manager)
    return job


# -- the actions --------------------------------------------------------------------------------------


def add_person(db: Database, user_id: int, person: PersonFields, job: JobFields) -> int:
    """Add a person with their first job; returns the job's id."""
    person, job = clean_person(person), clean_job(job)
    with begin(db, user_id) as act:
        org = _organisation(act, job.organisation_id)
        act.require_central(Module.STAFF, [org.id], ADD_STAFF, then="Nothing was added.")
        _refuse_taken_trn(act, person.trn, None)
        _refuse_taken_keys(act, job, org, None)
        row = Person(**{f.name: getattr(person, f.name) for f in fields(PersonFields)})
        act.session.add(row)
        act.session.flush()
        new = _new_job(act, row, org, job)
        act.audit(
            "person_added",
            "job",
            new.id,
            after=_person_values(row) | _job_values(act, new) | {"organisation": org.name},
        )
        act.changed(JOBS, new.id)
        return new.id


def add_job(db: Database, user_id: int, person_id: int, job: JobFields) -> int:
    """Give an existing person another job (one per organisation, P1); returns the job's id."""
    job = clean_job(job)
    with begin(db, user_id) as act:
        person = act.fetch(Person, person_id, missing="That person's record no longer exists.")
        org = _organisation(act, job.organisation_id)
        act.require_central(Module.STAFF, [org.id], ADD_STAFF, then="Nothing was added.")
        held = act.session.scalar(select(Job.id).where(Job.person_id == person.id, Job.organisation_id == org.id))
        if held is not None:
            raise FieldError(
                "organisation", f"{full_name(person)} already has a job at {org.name}: edit or reactivate that one."
            )
        _refuse_taken_keys(act, job, org, None)
        new = _new_job(act, person, org, job)
        act.audit("job_added", "job", new.id, after=_job_values(act, new) | {"organisation": org.name})
        act.changed(JOBS, new.id)
        return new.id


@dataclass(frozen=True, slots=True)
class JobSaved:
    job_version: int
    person_version: int
    changed: tuple[str, ...]  # field names, for the status line


def edit_person_job(
    db: Database,
    user_id: int,
    job_id: int,
    job_version: int,
    person_version: int,
    person: PersonFields,
    job: JobFields,
) -> JobSaved:
    """Save the person's details and this job's; each refused if someone changed it since it was shown."""
    person, job = clean_person(person), clean_job(job)
    with begin(db, user_id) as act:
        row = act.fetch(Job, job_id, missing="That job no longer exists; the list has been refreshed.")
        someone = act.fetch(Person, row.person_id, missing="That person's record no longer exists.")
        org = act.fetch(Organisation, row.organisation_id, missing="That job's organisation no longer exists.")
        if job.organisation_id != org.id:
            raise FieldError("organisation", "A job stays at its organisation; end it and add a job at the other one.")
        act.require_central(Module.STAFF, [org.id], ADD_STAFF, then="Nothing was changed.")
        name = full_name(someone)
        act.check_version(row, job_version, f"{name}'s job at {org.name}")
        act.check_version(someone, person_version, f"{name}'s record")
        person_before, job_before = _person_values(someone), _job_values(act, row)
        person_after = {f.name: getattr(person, f.name) for f in fields(PersonFields)}
        person_changed = [key for key in person_after if person_after[key] != person_before[key]]
        if person_changed:
            # a person's details show wherever they work: the right is needed at each of those places
            elsewhere = set(
                act.session.scalars(
                    select(Job.organisation_id).where(Job.person_id == someone.id, Job.active.is_(True))
                )
            )
            act.require_central(
                Module.STAFF, elsewhere | {org.id}, f"change {name}'s details", then="Nothing was changed."
            )
            _refuse_taken_trn(act, person.trn, someone.id)
            for key in person_changed:
                setattr(someone, key, person_after[key])
            if "last_name" in person_changed:
                act.session.flush()
                refresh_individual_sort(act.session, [someone.id])
        if job.line_manager_job_id is not None and job.line_manager_job_id == row.line_manager_job_id:
            manager = act.session.get(Job, row.line_manager_job_id)  # kept as it was, even if they have left since
        else:
            manager = _line_manager(act, job, row.id, someone.id)
        _refuse_taken_keys(act, job, org, row.id)
        _set_job(row, job, manager)
        act.session.flush()
        job_after = _job_values(act, row)
        job_changed = [key for key in job_after if job_after[key] != job_before[key]]
        if person_changed:
            act.audit(
                "person_changed",
                "job",
                row.id,
                before={k: person_before[k] for k in person_changed} | {"version": person_version},
                after={k: person_after[k] for k in person_changed} | {"version": someone.version},
            )
        if job_changed:
            _mark_manager(act, manager)
            act.audit(
                "job_changed",
                "job",
                row.id,
                before={k: job_before[k] for k in job_changed} | {"version": job_version},
                after={k: job_after[k] for k in job_changed} | {"version": row.version},
            )
        if person_changed or job_changed:
            others = act.session.scalars(select(Job.id).where(Job.person_id == someone.id))
            act.changed(JOBS, [row.id, *others])
        return JobSaved(row.version, someone.version, tuple(person_changed + job_changed))
