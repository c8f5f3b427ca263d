"""What the person and job editor and the "link as one person" dialog read (P1, P2).

The editor offers only organisations where the user may add staff (open or
proposed, and reached at decide level: a trust grant reaches a school only
if it shares group actions, D6), and line managers among the active jobs the
user can see.  Closed organisations and ended jobs are never offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import aliased

from db.engine import Database
from db.errors import NotFound
from db.models import Job, Level, Module, Organisation, OrgKind, OrgStatus, Person
from db.queries.lookups import Choice
from db.queries.text_search import any_contains
from db.scope import scope_for

PERSON_CHOICES = 50


@dataclass(frozen=True, slots=True)
class JobRecord:
    """One job and its person, as the editor shows them, with both version counters."""

    job_id: int
    job_version: int
    person_id: int
    person_version: int
    first_name: str
    last_name: str
    title: str | None
    email: str | None
    trn: str | None
    organisation_id: int
    organisation: str
    is_partnership_job: bool
    role: str
    work_email: str | None
    staff_code: str | None
    line_manager_job_id: int | None
    line_manager: str | None
    started_on: date | None
    ended_on: date | None
    active: bool
    unique_id: str | None
    pay_scale: str | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True, slots=True)
class StaffFormChoices:
    organisations: list[Choice]  # where the user may add staff now
    roles: list[str]  # the roles already in use, for the editable box


@dataclass(frozen=True, slots=True)
class PersonChoice:
    """A person record for the linking dialog: name, TRN and where they work."""

    person_id: int
    version: int
    name: str
    trn: str | None
    jobs: str  # "Class teacher at Oakfield Primary; Tutor at the SCITT"


_manager_job = aliased(Job)
_manager = aliased(Person)


def job_record(db: Database, user_id: int, job_id: int) -> JobRecord:
    """The job and its person, if the user can see the job (ended jobs included)."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        row = session.execute(
            select(Job, Person, Organisation.name, Organisation.kind, _manager.first_name + " " + _manager.last_name)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .outerjoin(_manager_job, _manager_job.id == Job.line_manager_job_id)
            .outerjoin(_manager, _manager.id == _manager_job.person_id)
            .where(Job.id == job_id)
        ).first()
        if row is None or not scope.reaches_job(Module.STAFF, row[0].organisation_id, job_id):
            raise NotFound("That job no longer exists; the list has been refreshed.")
        job, person, org_name, kind, manager = row
        return JobRecord(
            job_id=job.id,
            job_version=job.version,
            person_id=person.id,
            person_version=person.version,
            first_name=person.first_name,
            last_name=person.last_name,
            title=person.title,
            email=person.email,
            trn=person.trn,
            organisation_id=job.organisation_id,
            organisation=org_name,
            is_partnership_job=kind == OrgKind.TRUST,
            role=job.role,
            work_email=job.email,
            staff_code=job.staff_code,
            line_manager_job_id=job.line_manager_job_id,
            line_manager=manager,
            started_on=job.started_on,
            ended_on=job.ended_on,
            active=job.active,
            unique_id=job.unique_id,
            pay_scale=job.pay_scale,
        )


def staff_form_choices(db: Database, user_id: int) -> StaffFormChoices:
    with db.read() as session:
        scope = scope_for(session, user_id)
        deciding = sorted(scope.orgs(Module.STAFF, Level.DECIDE))
        organisations = [
            Choice(org_id, name)
            for org_id, name in session.execute(
                select(Organisation.id, Organisation.name)
                .where(Organisation.id.in_(deciding), Organisation.status != OrgStatus.CLOSED)
                .order_by(Organisation.kind != OrgKind.TRUST, Organisation.name)
            ).tuples()
        ]
        roles = list(session.scalars(select(Job.role).distinct().order_by(Job.role).limit(500)))
        return StaffFormChoices(organisations, roles)


def line_manager_choices(db: Database, user_id: int, organisation_id: int) -> list[Choice]:
    """Active jobs at the organisation and at the trust that the user can see, by name."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        trust = session.scalar(select(Organisation.trust_id).where(Organisation.id == organisation_id))
        places = [org for org in (organisation_id, trust) if org is not None and scope.can_see(Module.STAFF, org)]
        rows = session.execute(
            select(Job.id, Person.first_name + " " + Person.last_name, Job.role, Organisation.name)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .where(
                scope.rows_in_reach(Module.STAFF, Job.organisation_id, Job.id),
                Job.organisation_id.in_(places),
                Job.active.is_(True),
            )
            .order_by(Person.last_name, Person.first_name, Organisation.name)
        ).tuples()
        return [Choice(job_id, f"{name} — {role}, {org}") for job_id, name, role, org in rows]


def person_choices(db: Database, user_id: int, search: str) -> list[PersonChoice]:
    """People with a job the user can see, matching ``search`` (name, e-mail or TRN); at most 50."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        reach = scope.rows_in_reach(Module.STAFF, Job.organisation_id, Job.id)
        full_name = Person.first_name + " " + Person.last_name
        ids = list(
            session.scalars(
                select(Person.id)
                .join(Job, Job.person_id == Person.id)
                .where(reach, any_contains(search, full_name, Person.email, Person.trn, Job.email))
                .group_by(Person.id, Person.last_name, Person.first_name)
                .order_by(Person.last_name, Person.first_name, Person.id)
                .limit(PERSON_CHOICES)
            )
        )
        if not ids:
            return []
        jobs: dict[int, list[str]] = {}
        for person_id, role, org, active in session.execute(
            select(Job.person_id, Job.role, Organisation.name, Job.active)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .where(Job.person_id.in_(ids), reach)
            .order_by(Organisation.name)
        ).tuples():
            jobs.setdefault(person_id, []).append(f"{role} at {org}" + ("" if active else " (ended)"))
        people = {person.id: person for person in session.scalars(select(Person).where(Person.id.in_(ids)))}
        return [
            PersonChoice(
                pid,
                people[pid].version,
                f"{people[pid].first_name} {people[pid].last_name}",
                people[pid].trn,
                "; ".join(jobs.get(pid, [])),
            )
            for pid in ids
        ]
