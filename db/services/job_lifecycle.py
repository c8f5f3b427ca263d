"""A job's life after it is added: a leaver's job ended, a returner's reactivated, and two records of one
person linked (P1).

Ending a job keeps everything it carries (activities, memberships, budgets'
history): the job only stops being active, so lists and pickers leave it out
from that day.  A leaving date in the future is refused rather than guessed
at: nothing runs on that day to end it, so it is entered when it comes.

Linking moves the second record's jobs to the first and deletes the second,
now empty, record (only jobs point at a person).  A person holds at most one
job per organisation, so two records with jobs at the same organisation are
refused, as are two different TRNs: those are two people.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from db.actions import begin
from db.engine import Database
from db.errors import ValidationError
from db.models import CpdActivity, Job, Module, Organisation, Person
from db.queries.staff import JOBS
from db.services import record_fields as check
from db.services.people import full_name
from db.services.sort_keys import refresh_individual_sort


def end_job(
    db: Database, user_id: int, job_id: int, shown_version: int, ended_on: date, *, today: date | None = None
) -> int:
    """End a leaver's job from ``ended_on`` (today or earlier); returns the job's new version."""
    check.not_after_today(ended_on, "ended_on", "leaving date", today or date.today())
    with begin(db, user_id) as act:
        job = act.fetch(Job, job_id, missing="That job no longer exists; the list has been refreshed.")
        org = act.fetch(Organisation, job.organisation_id, missing="That job's organisation no longer exists.")
        act.require_central(Module.STAFF, [org.id], "end a job", then="Nothing was changed.")
        name = full_name(act.fetch(Person, job.person_id, missing="That person's record no longer exists."))
        act.check_version(job, shown_version, f"{name}'s job at {org.name}")
        if not job.active:
            raise ValidationError(f"{name}'s job at {org.name} has already ended.")
        if job.started_on is not None and ended_on < job.started_on:
            raise check.FieldError(
                "ended_on", f"{name} started on {job.started_on:%d %b %Y}; the leaving date cannot be earlier."
            )
        job.active, job.ended_on = False, ended_on
        act.session.flush()
        act.audit(
            "job_ended",
            "job",
            job.id,
            before={"active": True, "version": shown_version},
            after={"active": False, "ended_on": ended_on.isoformat(), "version": job.version},
        )
        act.changed(JOBS, job.id)
        return job.version


def reactivate_job(db: Database, user_id: int, job_id: int, shown_version: int) -> int:
    """Bring an ended job back (a returner, or a leaving date entered by mistake); returns its new version."""
    with begin(db, user_id) as act:
        job = act.fetch(Job, job_id, missing="That job no longer exists; the list has been refreshed.")
        org = act.fetch(Organisation, job.organisation_id, missing="That job's organisation no longer exists.")
        act.require_central(Module.STAFF, [org.id], "reactivate a job", then="Nothing was changed.")
        name = full_name(act.fetch(Person, job.person_id, missing="That person's record no longer exists."))
        act.check_version(job, shown_version, f"{name}'s job at {org.name}")
        if job.active:
            raise ValidationError(f"{name}'s job at {org.name} is active already.")
        ended = job.ended_on
        job.active, job.ended_on = True, None
        act.session.flush()
        act.audit(
            "job_reactivated",
            "job",
            job.id,
            before={"active": False, "ended_on": ended.isoformat() if ended else None, "version": shown_version},
            after={"active": True, "version": job.version},
        )
        act.changed(JOBS, job.id)
        return job.version


def link_people(db: Database, user_id: int, keep_id: int, keep_version: int, merge_id: int, merge_version: int) -> int:
    """Link two records of one person: ``merge_id``'s jobs move to ``keep_id`` and its empty record goes.

    Returns how many jobs moved.  Blank details of the kept record (title,
    e-mail, TRN) are filled from the other; its name stays as it is.
    """
    if keep_id == merge_id:
        raise ValidationError("Choose two different records to link.")
    with begin(db, user_id) as act:
        keep = act.fetch(Person, keep_id, missing="The record to keep no longer exists; choose again.")
        merge = act.fetch(Person, merge_id, missing="The record to link no longer exists; choose again.")
        kept_name, merged_name = full_name(keep), full_name(merge)
        jobs = list(act.session.scalars(select(Job).where(Job.person_id.in_([keep.id, merge.id]))))
        orgs = {job.organisation_id for job in jobs}
        act.require_central(
            Module.STAFF, orgs, f"link {merged_name} and {kept_name} as one person", then="Nothing was changed."
        )
        act.check_version(keep, keep_version, f"{kept_name}'s record")
        act.check_version(merge, merge_version, f"{merged_name}'s record")
        kept_orgs = {job.organisation_id for job in jobs if job.person_id == keep.id}
        clash = sorted(
            job.organisation_id for job in jobs if job.person_id == merge.id and job.organisation_id in kept_orgs
        )
        if clash:
            where = act.session.scalar(select(Organisation.name).where(Organisation.id == clash[0]))
            raise ValidationError(
                f"{kept_name} and {merged_name} both have a job at {where}, and a person holds one job per "
                "organisation: end or correct one of them first. Nothing was changed."
            )
        if keep.trn and merge.trn and keep.trn != merge.trn:
            raise ValidationError(
                f"{kept_name} has TRN {keep.trn} and {merged_name} has TRN {merge.trn}: they are two people. "
                "Nothing was changed."
            )
        filled = {}
        for key in ("title", "email", "trn"):
            if getattr(keep, key) is None and getattr(merge, key) is not None:
                filled[key] = getattr(merge, key)
        moved = [job for job in jobs if job.person_id == merge.id]
        for job in moved:
            job.person_id = keep.id
        act.session.flush()  # the jobs leave the record before it goes
        # their requests now sort under the kept record's name (it may be the other spelling), and
        # their evaluated hours count as the kept person's
        refresh_individual_sort(act.session, [keep.id])
        moved_hours = update(CpdActivity).where(CpdActivity.evaluation_person_id == merge.id)
        act.session.execute(
            moved_hours.values(evaluation_person_id=keep.id), execution_options={"synchronize_session": False}
        )
        act.session.delete(merge)
        act.session.flush()
        for key, value in filled.items():
            setattr(keep, key, value)
        act.session.flush()
        act.audit(
            "people_linked",
            "person",
            keep.id,
            after={"kept": kept_name, "merged": merged_name, "jobs_moved": len(moved)} | filled,
        )
        act.changed(JOBS, [job.id for job in jobs])
        return len(moved)
