"""What a staff file's rows are compared with: folded names and addresses, and TrustDesk's records indexed.

``db.staff_import.matching`` works each row out as a ``Draft`` against these ``Indexes``;
``line_managers`` and ``whole_list`` finish the drafts once every row is known.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from db.staff_import.plan import Action, Change, Existing, ExistingJob, ExistingOrg, ExistingPerson, LinkOffer
from db.staff_import.records import StaffRecord


def fold(value: str | None) -> str:
    """Names and e-mail addresses compare without case or doubled spaces ("Zoë  hartley" is "zoë hartley")."""
    if not value:
        return ""
    folded = value.casefold()
    return " ".join(folded.split()) if "  " in folded or "\t" in folded else folded.strip()


def _local(email: str) -> str:
    return re.sub(r"[^0-9a-z]", "", email.casefold().partition("@")[0])


def near(a: str | None, b: str | None) -> bool:
    """Two different addresses with the same name before the @ (dots and case aside):
    "j.smith@finchbrook.sch.uk" and "jsmith@larkwell.org.uk"."""
    return bool(a and b) and fold(a) != fold(b) and _local(a or "") == _local(b or "") != ""


@dataclass(eq=False)  # identity: a row is itself, however alike two rows are
class Draft:
    """One row of the file as matching works it out; it becomes the row's ``PlanEntry``."""

    record: StaffRecord
    org: ExistingOrg | None = None
    action: Action = Action.SKIP
    reason: str = ""
    job: ExistingJob | None = None
    person: ExistingPerson | None = None
    same_person_row: int | None = None
    person_values: dict[str, object] = field(default_factory=dict)
    job_values: dict[str, object] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    manager_row: int | None = None
    link: LinkOffer | None = None
    note: str = ""

    def skip(self, reason: str) -> None:
        self.action, self.reason = Action.SKIP, reason


class Indexes:
    """TrustDesk's schools, jobs and people by every key a row is matched on, built once per file:
    each row is then a few dictionary look-ups, not a search of every record."""

    def __init__(self, existing: Existing) -> None:
        self.existing = existing
        self.org_by_urn = {o.urn: o for o in existing.orgs.values() if o.urn}
        self.orgs_by_name: dict[str, list[ExistingOrg]] = defaultdict(list)
        for org in existing.orgs.values():
            self.orgs_by_name[fold(org.name)].append(org)
        self.jobs_by_code: dict[tuple[int, str], list[ExistingJob]] = defaultdict(list)
        self.jobs_by_email: dict[str, list[ExistingJob]] = defaultdict(list)
        self.jobs_of: dict[int, dict[int, ExistingJob]] = defaultdict(dict)
        self.people_by_email: dict[str, set[int]] = defaultdict(set)
        for job in existing.jobs.values():
            if job.staff_code:
                self.jobs_by_code[(job.organisation_id, fold(job.staff_code))].append(job)
            if job.email:
                email = fold(job.email)
                self.jobs_by_email[email].append(job)
                self.people_by_email[email].add(job.person_id)
            self.jobs_of[job.person_id][job.organisation_id] = job
        self.people_by_trn: dict[str, list[ExistingPerson]] = defaultdict(list)
        for person in existing.people.values():
            if person.trn:
                self.people_by_trn[person.trn].append(person)
            if person.email:
                self.people_by_email[fold(person.email)].add(person.id)
        self._by_name: dict[tuple[str, str], list[ExistingPerson]] | None = None

    @property
    def people_by_name(self) -> dict[tuple[str, str], list[ExistingPerson]]:
        """Built on first use: only a new person is compared by name (for a link offer)."""
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for person in self.existing.people.values():
                self._by_name[(fold(person.first_name), fold(person.last_name))].append(person)
        return self._by_name

    def person_name(self, person_id: int) -> str:
        person = self.existing.people[person_id]
        return f"{person.first_name} {person.last_name}"

    def job_name(self, job_id: int | None) -> str:
        job = self.existing.jobs.get(job_id or 0)
        if job is None:
            return "—"
        return f"{self.person_name(job.person_id)} ({self.existing.orgs[job.organisation_id].name})"

    def emails_of(self, person: ExistingPerson) -> list[str]:
        found = [person.email] if person.email else []
        return found + [job.email for job in self.jobs_of.get(person.id, {}).values() if job.email]


def same_name(record: StaffRecord, person: ExistingPerson) -> bool:
    return fold(record.first_name) == fold(person.first_name) and fold(record.last_name) == fold(person.last_name)
