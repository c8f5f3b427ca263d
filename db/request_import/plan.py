"""What each row of a request file will do (C1, C2, D6, X2): add a request, skip it as a duplicate of
one TrustDesk already has (same job, title and start date), or nothing because it is invalid — with
the reason, in one sentence, and the row number.

Pure: ``Known`` holds what the database says (organisations, jobs, the user's rights, requests
already there, cover limits); ``plan_requests`` decides. The preview plans against the database as
it is; the service plans again inside its transaction and refuses if the answer moved.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from db.models import CpdTeamState, LineManagerState
from db.request_import.records import RequestRecord
from db.services.requests import RequestDetails


class RowAction(enum.StrEnum):
    ADD = "add"
    DUPLICATE = "duplicate"
    INVALID = "invalid"


ACTIONS = tuple(RowAction)


@dataclass(frozen=True, slots=True)
class KnownJob:
    id: int
    person_id: int
    organisation_id: int
    staff_code: str
    email: str
    active: bool
    line_manager_job_id: int | None
    name: str


@dataclass(frozen=True, slots=True)
class KnownOrg:
    id: int
    name: str
    urn: str


@dataclass(frozen=True)
class Known:
    """The database as the plan compares a file with it, for one user."""

    orgs: Mapping[int, KnownOrg]
    jobs: Mapping[int, KnownJob]
    #: organisation → why the user may not enter requests there (no CPD right, or D6)
    entry_refusals: Mapping[int, str]
    #: job ids the user reaches at comment level (within any group restriction of their grant)
    #: are the jobs of ``reachable`` organisations unless listed in ``job_limits``
    job_limits: Mapping[int, frozenset[int]]
    #: organisations where the user may record the line manager's and CPD team's answers (C2, D6)
    deciding: frozenset[int]
    deciding_limits: Mapping[int, frozenset[int]]
    own_person_id: int | None
    own_job_id: int | None
    #: (job, folded title, start) of every request already held for the file's jobs
    existing: frozenset[tuple[int, str, date]]
    #: job → the cover-day limit that applies (C7)
    cover_limits: Mapping[int, float]
    #: (job, period start) → cover days already authorised
    cover_used: Mapping[tuple[int, date], float]
    #: academic period of a day: (start, label)
    period_of: Mapping[date, tuple[date, str]] = field(default_factory=dict)
    #: the look-ups by school, staff code and e-mail, built once (``index``) and kept by ``replace``
    lookups: dict[str, Index] = field(default_factory=dict, compare=False, repr=False)

    @property
    def index(self) -> Index:
        if "index" not in self.lookups:
            self.lookups["index"] = Index(self)
        return self.lookups["index"]


@dataclass(frozen=True, slots=True)
class PlanRow:
    row: int
    action: RowAction
    name: str
    school: str
    title: str
    starts_on: date | None
    #: why a row is invalid or a duplicate; for a row to add, what it carries in ("line manager agreed")
    detail: str = ""
    #: a warning that does not stop the row (cover days past the individual's limit)
    warning: str = ""
    job_id: int | None = None
    details: RequestDetails | None = None
    line_manager_state: LineManagerState = LineManagerState.PENDING
    cpd_team_state: CpdTeamState = CpdTeamState.PENDING


@dataclass(frozen=True)
class RequestPlan:
    file_name: str
    read_as: str
    mapping: Mapping[str, str]
    records: tuple[RequestRecord, ...]
    rows: tuple[PlanRow, ...]
    ignored: tuple[str, ...] = ()

    def count(self, action: RowAction) -> int:
        return sum(1 for row in self.rows if row.action is action)

    @property
    def to_add(self) -> tuple[PlanRow, ...]:
        return tuple(row for row in self.rows if row.action is RowAction.ADD)

    @property
    def warnings(self) -> int:
        return sum(1 for row in self.rows if row.warning)

    @property
    def summary(self) -> str:
        warned = f" ({self.warnings:,} with a warning)" if self.warnings else ""
        return (
            f"{_many(self.count(RowAction.ADD), 'none')} to add{warned}, "
            f"{skipped(self.count(RowAction.DUPLICATE))}, {self.count(RowAction.INVALID):,} invalid"
        )


def _many(count: int, none: str) -> str:
    return none if count == 0 else f"{count:,}"


def skipped(duplicates: int) -> str:
    """ "no duplicates", "1 duplicate skipped", "3 duplicates skipped" """
    if duplicates == 0:
        return "no duplicates"
    return f"{duplicates:,} duplicate{'' if duplicates == 1 else 's'} skipped"


def fold(value: str) -> str:
    """Titles, codes and addresses compare without case or doubled spaces."""
    return " ".join(value.casefold().split())


class Index:
    """Organisations by URN and name, jobs by (school, staff code) and (school, e-mail)."""

    def __init__(self, known: Known) -> None:
        self.org_by_urn = {org.urn: org for org in known.orgs.values() if org.urn}
        self.orgs_by_name: dict[str, list[KnownOrg]] = defaultdict(list)
        for org in known.orgs.values():
            self.orgs_by_name[fold(org.name)].append(org)
        self.by_code: dict[tuple[int, str], list[KnownJob]] = defaultdict(list)
        self.by_email: dict[tuple[int, str], list[KnownJob]] = defaultdict(list)
        for job in known.jobs.values():
            if job.staff_code:
                self.by_code[(job.organisation_id, fold(job.staff_code))].append(job)
            if job.email:
                self.by_email[(job.organisation_id, fold(job.email))].append(job)


def _org(record: RequestRecord, index: Index) -> KnownOrg | str:
    if record.urn:
        org = index.org_by_urn.get(record.urn)
        return org if org is not None else f"no school with the URN {record.urn} is in TrustDesk"
    if record.school_name:
        found = index.orgs_by_name.get(fold(record.school_name), [])
        if not found:
            return f"no school called “{record.school_name}” is in TrustDesk"
        if len(found) > 1:
            return f"{len(found)} schools are called “{record.school_name}”; give the URN"
        return found[0]
    return "no school is given"


def _job(record: RequestRecord, org: KnownOrg, index: Index) -> KnownJob | str:
    """By staff code at the school, else by work e-mail there; an active job before an ended one."""
    for key, table, what in (
        (record.staff_code, index.by_code, "staff code"),
        (record.email, index.by_email, "work e-mail"),
    ):
        if not key:
            continue
        found = table.get((org.id, fold(key)), [])
        active = [job for job in found if job.active] or found
        if len(active) == 1:
            return active[0]
        if len(active) > 1:
            return f"{len(active)} jobs at {org.name} have the {what} {key}; give the other key too"
    if not record.staff_code and not record.email:
        return "neither a staff code nor a work e-mail says whose request it is"
    keys = " or ".join(
        f"the {what} {value}" for what, value in (("staff code", record.staff_code), ("work e-mail", record.email))
        if value
    )  # fmt: skip
    return f"nobody at {org.name} has {keys} in TrustDesk"


def _reaches(limits: Mapping[int, frozenset[int]], job: KnownJob) -> bool:
    limit = limits.get(job.organisation_id)
    return limit is None or job.id in limit


def _rights(record: RequestRecord, job: KnownJob, known: Known) -> str:
    """Why the user may not enter this request (or carry in its answers), or ""."""
    refusal = known.entry_refusals.get(job.organisation_id)
    if refusal:
        return refusal
    if not _reaches(known.job_limits, job):
        return (
            "you may not enter CPD requests for this person: it needs CPD at comment level or above at their "
            "organisation (and within any groups your grant is limited to)"
        )
    carries = record.line_manager_state is not LineManagerState.PENDING
    decides = record.cpd_team_state is not CpdTeamState.PENDING
    if not (carries or decides):
        return ""
    if known.own_person_id is not None and job.person_id == known.own_person_id:
        return "this is your own request, and nobody records a decision on their own request (C3)"
    decider = job.organisation_id in known.deciding and _reaches(known.deciding_limits, job)
    as_manager = known.own_job_id is not None and job.line_manager_job_id == known.own_job_id
    if decides and not decider:
        return "you may not record the CPD team's answer here: that needs CPD at decide level at the school"
    if carries and not (decider or as_manager):
        return (
            "you may not record the line manager's answer here: only the line manager or a CPD decider "
            "at the school may"
        )
    return ""


def _carried(record: RequestRecord) -> str:
    said = []
    if record.line_manager_state is not LineManagerState.PENDING:
        said.append(f"line manager {record.line_manager_state.value}")
    if record.cpd_team_state is not CpdTeamState.PENDING:
        said.append(f"CPD team {record.cpd_team_state.value}")
    return "with " + " and ".join(said) if said else ""


def plan_requests(records: Iterable[RequestRecord], known: Known) -> tuple[PlanRow, ...]:
    """What each record will do, in file order."""
    first_row: dict[tuple[int, str, date], int] = {}
    cover_planned: dict[tuple[int, date], float] = defaultdict(float)
    return tuple(_plan_row(record, known, first_row, cover_planned) for record in records)


def _plan_row(
    record: RequestRecord,
    known: Known,
    first_row: dict[tuple[int, str, date], int],
    cover_planned: dict[tuple[int, date], float],
) -> PlanRow:
    index = known.index
    details = record.details
    org = _org(record, index)
    job = org if isinstance(org, str) else _job(record, org, index)
    shown: dict[str, Any] = {
        "row": record.row,
        "name": job.name if isinstance(job, KnownJob) else "",
        "school": org.name if isinstance(org, KnownOrg) else (record.school_name or record.urn),
        "title": details.title if details else record.title,
        "starts_on": details.starts_on if details else record.starts_on,
    }
    if record.problem:
        return PlanRow(action=RowAction.INVALID, detail=record.problem, **shown)
    assert details is not None
    if isinstance(job, str):
        return PlanRow(action=RowAction.INVALID, detail=f"row {record.row}: {job}", **shown)
    shown.update(name=job.name, job_id=job.id)
    refusal = "that job has ended, so no request can be entered for it" if not job.active else ""
    refusal = refusal or _rights(record, job, known)
    if refusal:
        return PlanRow(action=RowAction.INVALID, detail=f"row {record.row}: {refusal}", **shown)
    key = (job.id, fold(details.title), details.starts_on)
    if key in known.existing:
        already = f"row {record.row}: {job.name} already has “{details.title}” starting {details.starts_on:%d/%m/%Y}"
        return PlanRow(action=RowAction.DUPLICATE, detail=already, **shown)
    if key in first_row:
        same = f"row {record.row}: the same request as row {first_row[key]} (same person, title and start date)"
        return PlanRow(action=RowAction.INVALID, detail=same, **shown)
    first_row[key] = record.row
    return PlanRow(
        action=RowAction.ADD,
        detail=_carried(record),
        warning=_cover_warning(job, details, known, cover_planned),
        details=details,
        line_manager_state=record.line_manager_state,
        cpd_team_state=record.cpd_team_state,
        **shown,
    )


def _cover_warning(job: KnownJob, details: RequestDetails, known: Known, planned: dict[tuple[int, date], float]) -> str:
    """C7: cover days past the individual's limit for the period warn (the row still imports)."""
    if details.cover_days <= 0:
        return ""
    period_start, label = known.period_of[details.starts_on]
    key = (job.id, period_start)
    before = known.cover_used.get(key, 0.0) + planned[key]
    planned[key] += details.cover_days
    limit = known.cover_limits.get(job.id)
    if limit is None or before + details.cover_days <= limit:
        return ""
    return (
        f"With {details.cover_days:g} more cover days {job.name} would have {before + details.cover_days:g} "
        f"in {label}, past their limit of {limit:g}."
    )


def jobs_named(records: Iterable[RequestRecord], known: Known) -> set[int]:
    """The jobs the file's rows point at: whose requests and cover days the plan must know."""
    index = known.index
    found: set[int] = set()
    for record in records:
        if record.details is None:
            continue
        org = _org(record, index)
        if isinstance(org, KnownOrg) and isinstance(job := _job(record, org, index), KnownJob):
            found.add(job.id)
    return found
