"""With "this file is the whole staff list": the in-post jobs of the file's schools that no row is."""

from __future__ import annotations

from datetime import date

from db.staff_import.match_index import Draft, Indexes, fold
from db.staff_import.plan import Action, Change, PlanEntry


def ended_jobs(drafts: list[Draft], index: Indexes, claimed: dict[int, int], today: date) -> list[PlanEntry]:
    """With "this file is the whole staff list": the in-post jobs of the file's schools that no row is.

    A skipped row still protects the job its staff code or e-mail names: a row we could not read
    is not a leaver.
    """
    schools = {d.org.id for d in drafts if d.org is not None and not index.existing.refusals.get(d.org.id)}
    kept = set(claimed)
    for draft in drafts:
        if draft.org is None:
            continue
        record = draft.record
        if record.staff_code:
            kept.update(j.id for j in index.jobs_by_code.get((draft.org.id, fold(record.staff_code)), []))
        if record.email:
            kept.update(
                j.id for j in index.jobs_by_email.get(fold(record.email), []) if j.organisation_id == draft.org.id
            )
    entries = []
    for job in sorted(index.existing.jobs.values(), key=lambda j: (j.organisation_id, j.id)):
        if job.organisation_id not in schools or not job.active or job.id in kept:
            continue
        person = index.existing.people[job.person_id]
        ended = job.ended_on if job.ended_on is not None and job.ended_on <= today else today
        entries.append(
            PlanEntry(
                row=0,
                name=f"{person.first_name} {person.last_name}",
                school=index.existing.orgs[job.organisation_id].name,
                action=Action.END,
                reason="not in the whole staff list",
                organisation_id=job.organisation_id,
                person_id=person.id,
                job_id=job.id,
                person_version=person.version,
                job_version=job.version,
                changes=(Change("active", True, False),)
                + ((Change("ended_on", job.ended_on, ended),) if ended != job.ended_on else ()),
            )
        )
    return entries
