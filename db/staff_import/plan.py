"""What a staff import will do, row by row, before anything is written (X2).

The plan is a pure function of the file's rows and of the organisations, people and jobs as they
are (``matching.plan_staff``), so the preview a user approves is exactly what is applied: the
service plans again inside its transaction and refuses if the result differs.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from db.staff_import.records import StaffRecord


class Action(enum.StrEnum):
    ADD_PERSON = "add person"
    ADD_JOB = "add job"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    END = "end job"
    SKIP = "skipped"


#: the order the preview's filter offers them in
ACTIONS = tuple(Action)
#: how a summary counts each action (one, many)
SUMMARY_WORDS = {
    Action.ADD_PERSON: ("new person", "new people"),
    Action.ADD_JOB: ("new job of someone already known", "new jobs of people already known"),
    Action.UPDATE: ("updated", "updated"),
    Action.UNCHANGED: ("unchanged", "unchanged"),
    Action.END: ("job ended", "jobs ended"),
    Action.SKIP: ("skipped", "skipped"),
}
WORDS = {
    "title": "title",
    "first_name": "first name",
    "last_name": "last name",
    "trn": "TRN",
    "email": "e-mail",
    "role": "role",
    "staff_code": "staff code",
    "started_on": "start date",
    "ended_on": "leaving date",
    "active": "in post",
    "pay_scale": "pay scale",
    "line_manager_job_id": "line manager",
    "is_line_manager": "line manager of others",
}


@dataclass(frozen=True, slots=True)
class ExistingOrg:
    id: int
    name: str
    urn: str | None
    is_trust: bool


@dataclass(frozen=True, slots=True)
class ExistingPerson:
    id: int
    first_name: str
    last_name: str
    title: str | None
    email: str | None
    trn: str | None
    version: int


@dataclass(frozen=True, slots=True)
class ExistingJob:
    id: int
    person_id: int
    organisation_id: int
    role: str
    email: str | None
    staff_code: str | None
    started_on: date | None
    ended_on: date | None
    active: bool
    pay_scale: str | None
    line_manager_job_id: int | None
    is_line_manager: bool
    version: int


@dataclass(frozen=True)
class Existing:
    """The database as the plan compares it: every organisation, person and job, and where the acting
    user may not import (organisation id → the sentence why, D6)."""

    orgs: Mapping[int, ExistingOrg]
    people: Mapping[int, ExistingPerson]
    jobs: Mapping[int, ExistingJob]
    refusals: Mapping[int, str]


def show(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: object
    after: object
    #: what the preview shows for before → after where the values are ids (a line manager's name)
    shown: tuple[str, str] | None = None

    @property
    def text(self) -> str:
        before, after = self.shown or (show(self.before), show(self.after))
        return f"{WORDS.get(self.field, self.field)}: {before} → {after}"

    @property
    def added(self) -> str:
        """For a new job, the value alone: "line manager Aoife O'Brien (row 2)"."""
        return f"{WORDS.get(self.field, self.field)} {(self.shown or ('', show(self.after)))[1]}"


@dataclass(frozen=True, slots=True)
class LinkOffer:
    """This row looks like someone TrustDesk (or an earlier row) already has at another school (P1)."""

    person_id: int | None
    row: int | None
    who: str


@dataclass(frozen=True)
class PlanEntry:
    row: int  # the file's row number; 0 for a job the whole list ends
    name: str
    school: str
    action: Action
    reason: str = ""
    organisation_id: int | None = None
    person_id: int | None = None
    job_id: int | None = None
    person_version: int | None = None
    job_version: int | None = None
    #: add the job to the person another row of the file adds
    same_person_row: int | None = None
    person_values: Mapping[str, object] = field(default_factory=dict)
    job_values: Mapping[str, object] = field(default_factory=dict)
    changes: tuple[Change, ...] = ()
    #: the line manager is the job another row of the file adds
    manager_row: int | None = None
    link: LinkOffer | None = None
    note: str = ""

    @property
    def detail(self) -> str:
        if self.action is Action.SKIP:
            return self.reason
        parts: list[str] = []
        if self.action is Action.ADD_PERSON:
            parts.append(f"new person, {self.job_values.get('role')}")
            parts.extend(change.added for change in self.changes)
        elif self.action is Action.ADD_JOB:
            parts.append(f"new job as {self.job_values.get('role')} for {self.reason}")
            parts.extend(
                change.added if change.field == "line_manager_job_id" else change.text for change in self.changes
            )
        elif self.action is Action.UNCHANGED:
            parts.append("no change")
        else:
            parts.extend(change.text for change in self.changes)
        if self.link is not None:
            parts.append(f"possibly the same person as {self.link.who}: link them to keep one person")
        if self.note:
            parts.append(self.note)
        return "; ".join(parts)


@dataclass(frozen=True)
class StaffPlan:
    file_name: str
    read_as: str
    mapping: Mapping[str, str]
    whole_list: bool
    today: date
    records: tuple[StaffRecord, ...]
    entries: tuple[PlanEntry, ...]
    #: headers the mapping leaves out: shown, never imported
    ignored: tuple[str, ...] = ()

    def count(self, action: Action) -> int:
        return sum(1 for entry in self.entries if entry.action is action)

    @property
    def to_apply(self) -> list[PlanEntry]:
        return [e for e in self.entries if e.action in (Action.ADD_PERSON, Action.ADD_JOB, Action.UPDATE, Action.END)]

    @property
    def offers(self) -> list[PlanEntry]:
        """Rows that may be a person TrustDesk already has: the user decides whether to link them."""
        return [e for e in self.entries if e.link is not None and e.action is Action.ADD_PERSON]

    @property
    def summary(self) -> str:
        words = []
        for action in ACTIONS:
            count = self.count(action)
            if count:
                one, many = SUMMARY_WORDS[action]
                words.append(f"{count:,} {one if count == 1 else many}")
        return ", ".join(words) if words else "nothing to import"


def with_links(entries: tuple[PlanEntry, ...], accepted: frozenset[int]) -> tuple[PlanEntry, ...]:
    """The entries with the offered links the user accepted (row numbers): those rows add a job to the
    person they look like instead of a new person. A link that would give one person two jobs at one
    school is left out (the row then adds a person, as planned)."""
    if not accepted:
        return entries
    by_row = {e.row: e for e in entries if e.row}
    person_of: dict[int, tuple[str, int]] = {}  # row -> ("person", id) | ("row", the row adding the person)
    orgs_of: dict[tuple[str, int], set[int]] = {}
    result: list[PlanEntry] = []
    for entry in entries:
        org_id = entry.organisation_id
        if entry.action in (Action.ADD_PERSON, Action.ADD_JOB) and org_id is not None:
            owner: tuple[str, int]
            if entry.action is Action.ADD_PERSON and entry.link is not None and entry.row in accepted:
                link = entry.link
                owner = (
                    ("person", link.person_id)
                    if link.person_id is not None
                    else person_of.get(link.row or 0, ("row", link.row or 0))
                )
                taken = orgs_of.get(owner, set())
                if org_id not in taken:
                    target = by_row.get(link.row or 0)
                    entry = replace(
                        entry,
                        action=Action.ADD_JOB,
                        person_id=link.person_id,
                        same_person_row=link.row,
                        reason=link.who if target is None else f"{target.name} (row {target.row})",
                    )
                else:
                    owner = ("row", entry.row)
            elif entry.action is Action.ADD_PERSON:
                owner = ("row", entry.row)
            elif entry.person_id is not None:
                owner = ("person", entry.person_id)
            else:
                owner = person_of.get(entry.same_person_row or 0, ("row", entry.same_person_row or 0))
            person_of[entry.row] = owner
            orgs_of.setdefault(owner, set()).add(org_id)
        result.append(entry)
    return tuple(result)
