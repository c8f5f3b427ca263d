"""Match each row of a staff file to a school, a job and a person, and say what it will do (P1, X2).

A job is found by school + staff code, else by work e-mail at that school; a person by TRN, else by
work e-mail. Someone who looks like a person TrustDesk (or an earlier row) already has at another
school — same name and a near e-mail — is offered for linking, never merged silently. Line managers
are resolved once every row is known, so a manager may come after the people they manage.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

from db.staff_import.plan import (
    Action,
    Change,
    Existing,
    ExistingJob,
    ExistingOrg,
    ExistingPerson,
    LinkOffer,
    PlanEntry,
    show,
)
from db.staff_import.records import StaffRecord

PERSON_FIELDS = ("title", "first_name", "last_name", "trn")
JOB_FIELDS = ("role", "email", "staff_code", "started_on", "ended_on", "active", "pay_scale")


def _fold(value: str | None) -> str:
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
    return bool(a and b) and _fold(a) != _fold(b) and _local(a or "") == _local(b or "") != ""


@dataclass(eq=False)  # identity: a row is itself, however alike two rows are
class _Draft:
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


class _Indexes:
    def __init__(self, existing: Existing) -> None:
        self.existing = existing
        self.org_by_urn = {o.urn: o for o in existing.orgs.values() if o.urn}
        self.orgs_by_name: dict[str, list[ExistingOrg]] = defaultdict(list)
        for org in existing.orgs.values():
            self.orgs_by_name[_fold(org.name)].append(org)
        self.jobs_by_code: dict[tuple[int, str], list[ExistingJob]] = defaultdict(list)
        self.jobs_by_email: dict[str, list[ExistingJob]] = defaultdict(list)
        self.jobs_of: dict[int, dict[int, ExistingJob]] = defaultdict(dict)
        self.people_by_email: dict[str, set[int]] = defaultdict(set)
        for job in existing.jobs.values():
            if job.staff_code:
                self.jobs_by_code[(job.organisation_id, _fold(job.staff_code))].append(job)
            if job.email:
                email = _fold(job.email)
                self.jobs_by_email[email].append(job)
                self.people_by_email[email].add(job.person_id)
            self.jobs_of[job.person_id][job.organisation_id] = job
        self.people_by_trn: dict[str, list[ExistingPerson]] = defaultdict(list)
        for person in existing.people.values():
            if person.trn:
                self.people_by_trn[person.trn].append(person)
            if person.email:
                self.people_by_email[_fold(person.email)].add(person.id)
        self._by_name: dict[tuple[str, str], list[ExistingPerson]] | None = None

    @property
    def people_by_name(self) -> dict[tuple[str, str], list[ExistingPerson]]:
        """Built on first use: only a new person is compared by name (for a link offer)."""
        if self._by_name is None:
            self._by_name = defaultdict(list)
            for person in self.existing.people.values():
                self._by_name[(_fold(person.first_name), _fold(person.last_name))].append(person)
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


def _same_name(record: StaffRecord, person: ExistingPerson) -> bool:
    return _fold(record.first_name) == _fold(person.first_name) and _fold(record.last_name) == _fold(person.last_name)


def plan_staff(
    records: Iterable[StaffRecord],
    existing: Existing,
    mapped: Collection[str],
    *,
    whole_list: bool,
    today: date,
) -> tuple[PlanEntry, ...]:
    """What each record will do, and with ``whole_list`` which jobs end because the file leaves them out."""
    index = _Indexes(existing)
    drafts = [_Draft(record) for record in records]
    for draft in drafts:
        _place(draft, index)
    _refuse_duplicate_keys(drafts)
    claimed: dict[int, int] = {}  # job id -> row
    new_people: dict[str, dict[str, _Draft]] = {"trn": {}, "email": {}}
    by_name: dict[tuple[str, str], list[_Draft]] = defaultdict(list)
    for draft in drafts:
        if draft.action is Action.SKIP and draft.reason:
            continue
        _match(draft, index, claimed, new_people, by_name, mapped, today)
    _line_managers(drafts, index)
    entries = [_entry(draft, index) for draft in drafts]
    if whole_list:
        entries += _ended(drafts, index, claimed, today)
    return tuple(entries)


def _place(draft: _Draft, index: _Indexes) -> None:
    """The school, the user's right to import there (D6) and the values every row needs."""
    record = draft.record
    if record.urn:
        org = index.org_by_urn.get(record.urn)
        if org is None:
            return draft.skip(f"row {record.row}: no school with the URN {record.urn} is in TrustDesk")
    elif record.school_name:
        found = index.orgs_by_name.get(_fold(record.school_name), [])
        if not found:
            return draft.skip(f"row {record.row}: no school called “{record.school_name}” is in TrustDesk")
        if len(found) > 1:
            return draft.skip(f"row {record.row}: {len(found)} schools are called “{record.school_name}”; give the URN")
        org = found[0]
    else:
        return draft.skip(record.problem or f"row {record.row}: no school is given")
    draft.org = org
    if record.problem:
        return draft.skip(record.problem)
    if org.is_trust:
        return draft.skip(f"row {record.row}: {org.name} is the trust itself; staff belong to its schools")
    refusal = index.existing.refusals.get(org.id)
    if refusal:
        return draft.skip(f"row {record.row}: {refusal}")
    missing = [
        what for what, value in (("first name", record.first_name), ("last name", record.last_name)) if not value
    ]
    if missing:
        return draft.skip(f"row {record.row}: no {' and no '.join(missing)}")
    if not record.staff_code and not record.email:
        return draft.skip(f"row {record.row}: neither a staff code nor a work e-mail to know the job by next time")
    draft.action = Action.UNCHANGED  # placed; matching decides


def _refuse_duplicate_keys(drafts: list[_Draft]) -> None:
    """Two rows with one school's staff code, or one work e-mail at one school: neither is imported."""
    keys: dict[tuple[str, int, str], list[_Draft]] = defaultdict(list)
    for draft in drafts:
        if draft.org is None or draft.action is Action.SKIP:
            continue
        record = draft.record
        if record.staff_code:
            keys[("staff code", draft.org.id, _fold(record.staff_code))].append(draft)
        if record.email:
            keys[("work e-mail", draft.org.id, _fold(record.email))].append(draft)
    for (what, _org, _key), found in keys.items():
        if len(found) < 2:
            continue
        first = found[0].record
        value = first.staff_code if what == "staff code" else first.email
        rows = [d.record.row for d in found]
        for draft in found:
            others = ", ".join(str(row) for row in rows if row != draft.record.row)
            if draft.action is not Action.SKIP:
                draft.skip(
                    f"row {draft.record.row}: the same {what} “{value}” at {found[0].org.name} "  # type: ignore[union-attr]  # placed rows have a school
                    f"as row {others}; fix the file"
                )


def _match(
    draft: _Draft,
    index: _Indexes,
    claimed: dict[int, int],
    new_people: dict[str, dict[str, _Draft]],
    by_name: dict[tuple[str, str], list[_Draft]],
    mapped: Collection[str],
    today: date,
) -> None:
    record, org = draft.record, draft.org
    assert org is not None
    job: ExistingJob | None = None
    if record.staff_code:
        found = index.jobs_by_code.get((org.id, _fold(record.staff_code)), [])
        if len(found) > 1:
            return draft.skip(
                f"row {record.row}: TrustDesk has {len(found)} jobs with the staff code {record.staff_code} "
                f"at {org.name}"
            )
        job = found[0] if found else None
    if job is None and record.email:
        found = [j for j in index.jobs_by_email.get(_fold(record.email), []) if j.organisation_id == org.id]
        job = found[0] if len(found) == 1 else None
    person: ExistingPerson | None = None
    if job is None:
        person, earlier, why = _find_person(record, org, index, new_people)
        if why:
            return draft.skip(why)
        if person is not None:
            job = index.jobs_of.get(person.id, {}).get(org.id)
            if job is None:
                return _add_job(draft, person, None, index, mapped, today)
        elif earlier is not None:
            return _add_job(draft, None, earlier, index, mapped, today)
    if job is None:
        return _add_person(draft, index, new_people, by_name, mapped, today)
    if job.id in claimed:
        return draft.skip(f"row {record.row}: the same job as row {claimed[job.id]} ({index.job_name(job.id)})")
    claimed[job.id] = record.row
    _update(draft, job, index, mapped, today)


def _find_person(
    record: StaffRecord, org: ExistingOrg, index: _Indexes, new_people: dict[str, dict[str, _Draft]]
) -> tuple[ExistingPerson | None, _Draft | None, str]:
    """The person this row is a new job of: by TRN, else by work e-mail; in TrustDesk or an earlier row."""
    row = record.row
    for what, key, people in (
        ("TRN", record.trn, index.people_by_trn.get(record.trn, []) if record.trn else []),
        (
            "work e-mail",
            _fold(record.email),
            [index.existing.people[i] for i in sorted(index.people_by_email.get(_fold(record.email), ()))]
            if record.email
            else [],
        ),
    ):
        if not key:
            continue
        if len(people) > 1:
            return None, None, f"row {row}: {len(people)} people in TrustDesk have the {what} {key}; link them first"
        if people:
            person = people[0]
            if not _same_name(record, person):
                return (
                    None,
                    None,
                    (
                        f"row {row}: the {what} {key} is {person.first_name} {person.last_name}’s in TrustDesk, "
                        f"not {record.name}’s"
                    ),
                )
            return person, None, ""
        earlier = new_people["trn" if what == "TRN" else "email"].get(key)
        if earlier is not None:
            if _fold(earlier.record.name) != _fold(record.name):
                return None, None, f"row {row}: the {what} {key} is {earlier.record.name}’s on row {earlier.record.row}"
            if earlier.org is not None and earlier.org.id == org.id:
                return None, None, f"row {row}: the same {what} as row {earlier.record.row} at the same school"
            return None, earlier, ""
    return None, None, ""


def _job_state(
    record: StaffRecord, job: ExistingJob | None, mapped: Collection[str], today: date
) -> tuple[bool, object, str]:
    """(in post, leaving date, why the row contradicts itself or "")."""
    ended = record.ended_on if "ended_on" in mapped or job is None else job.ended_on
    passed = ended is not None and ended <= today
    if record.leaver is False and passed:
        return True, ended, f"row {record.row}: the status says in post but the leaving date {show(ended)} has passed"
    leaver = record.leaver if record.leaver is not None else passed
    return not leaver, ended, ""


def _new_job_values(record: StaffRecord, active: bool, ended: object) -> dict[str, object]:
    values: dict[str, object] = {
        "role": record.role,
        "email": record.email or None,
        "staff_code": record.staff_code or None,
        "started_on": record.started_on,
        "ended_on": ended,
        "active": active,
        "pay_scale": record.pay_scale or None,
    }
    return values


def _new_job_state(draft: _Draft, mapped: Collection[str], today: date) -> tuple[bool, object] | None:
    """A new job's active flag and end date, or None with the row skipped and why (no role, bad
    dates, or a leaver TrustDesk never had: nothing to import)."""
    record = draft.record
    if not record.role:
        draft.skip(f"row {record.row}: no role for the new job")
        return None
    active, ended, wrong = _job_state(record, None, mapped, today)
    if wrong:
        draft.skip(wrong)
        return None
    if not active:
        draft.skip(f"row {record.row}: a leaver TrustDesk does not have: nothing to import")
        return None
    return active, ended


def _add_job(
    draft: _Draft,
    person: ExistingPerson | None,
    earlier: _Draft | None,
    index: _Indexes,
    mapped: Collection[str],
    today: date,
) -> None:
    record = draft.record
    state = _new_job_state(draft, mapped, today)
    if state is None:
        return None
    active, ended = state
    draft.action = Action.ADD_JOB
    draft.job_values = _new_job_values(record, active, ended)
    if person is not None:
        draft.person = person
        orgs = sorted(index.existing.orgs[j.organisation_id].name for j in index.jobs_of.get(person.id, {}).values())
        draft.reason = f"{person.first_name} {person.last_name}" + (f", already at {', '.join(orgs)}" if orgs else "")
        draft.changes = _person_changes(record, person)
    else:
        assert earlier is not None
        draft.same_person_row = earlier.same_person_row or earlier.record.row
        draft.reason = f"{earlier.record.name} (row {earlier.record.row})"


def _add_person(
    draft: _Draft,
    index: _Indexes,
    new_people: dict[str, dict[str, _Draft]],
    by_name: dict[tuple[str, str], list[_Draft]],
    mapped: Collection[str],
    today: date,
) -> None:
    record = draft.record
    state = _new_job_state(draft, mapped, today)
    if state is None:
        return None
    active, ended = state
    draft.action = Action.ADD_PERSON
    draft.person_values = {
        "title": record.title or None,
        "first_name": record.first_name,
        "last_name": record.last_name,
        "email": record.email or None,
        "trn": record.trn or None,
    }
    draft.job_values = _new_job_values(record, active, ended)
    assert draft.org is not None
    name_key = (_fold(record.first_name), _fold(record.last_name))
    if record.email:
        for person in index.people_by_name.get(name_key, []):
            if draft.org.id in index.jobs_of.get(person.id, {}):
                continue
            close = next((email for email in index.emails_of(person) if near(email, record.email)), None)
            if close is not None:
                draft.link = LinkOffer(person.id, None, f"{person.first_name} {person.last_name} ({close})")
                break
        if draft.link is None:
            for earlier in by_name.get(name_key, []):
                if (
                    earlier.org is not None
                    and earlier.org.id != draft.org.id
                    and near(earlier.record.email, record.email)
                ):
                    draft.link = LinkOffer(
                        None,
                        earlier.record.row,
                        f"{earlier.record.name} on row {earlier.record.row} ({earlier.record.email})",
                    )
                    break
    by_name[name_key].append(draft)
    if record.trn:
        new_people["trn"].setdefault(record.trn, draft)
    if record.email:
        new_people["email"].setdefault(_fold(record.email), draft)


def _person_changes(record: StaffRecord, person: ExistingPerson) -> list[Change]:
    changes = []
    for name in PERSON_FIELDS:
        value = getattr(record, name)
        if value and value != getattr(person, name):
            if name == "trn" and person.trn:
                continue  # a different TRN was refused before; never overwritten
            changes.append(Change(name, getattr(person, name), value))
    return changes


def _update(draft: _Draft, job: ExistingJob, index: _Indexes, mapped: Collection[str], today: date) -> None:
    record = draft.record
    person = index.existing.people[job.person_id]
    if record.trn and person.trn and record.trn != person.trn:
        return draft.skip(
            f"row {record.row}: the TRN {record.trn} differs from {person.trn}, which TrustDesk holds for "
            f"{person.first_name} {person.last_name}"
        )
    if record.trn and not person.trn:
        holders = [p for p in index.people_by_trn.get(record.trn, []) if p.id != person.id]
        if holders:
            return draft.skip(
                f"row {record.row}: the TRN {record.trn} is {index.person_name(holders[0].id)}’s in TrustDesk"
            )
    active, ended, wrong = _job_state(record, job, mapped, today)
    if wrong:
        return draft.skip(wrong)
    draft.job, draft.person = job, person
    changes = _person_changes(record, person)
    wanted = {
        "role": record.role or job.role,
        "email": record.email or job.email,
        "staff_code": record.staff_code or job.staff_code,
        "started_on": record.started_on or job.started_on,
        "ended_on": ended,
        "active": active,
        "pay_scale": record.pay_scale or job.pay_scale,
    }
    for name in JOB_FIELDS:
        before, after = getattr(job, name), wanted[name]
        if name == "email" and isinstance(before, str) and isinstance(after, str):
            same = _fold(before) == _fold(after)
        else:
            same = before == after
        if not same:
            changes.append(Change(name, before, after))
    draft.changes = changes
    draft.action = Action.UPDATE if changes else Action.UNCHANGED


def _line_managers(drafts: list[_Draft], index: _Indexes) -> None:
    """Each row's line manager, by work e-mail or staff code: a row of the file first, then TrustDesk."""
    in_file = [d for d in drafts if d.action in (Action.ADD_PERSON, Action.ADD_JOB, Action.UPDATE, Action.UNCHANGED)]
    by_code: dict[tuple[int, str], _Draft] = {}
    by_email: dict[str, list[_Draft]] = defaultdict(list)
    for draft in in_file:
        assert draft.org is not None
        if draft.record.staff_code:
            by_code[(draft.org.id, _fold(draft.record.staff_code))] = draft
        if draft.record.email:
            by_email[_fold(draft.record.email)].append(draft)
        if draft.job is not None and draft.job.email:
            by_email[_fold(draft.job.email)].append(draft)
    managers: set[int] = set()
    for draft in in_file:
        wanted = draft.record.line_manager
        if not wanted:
            continue
        assert draft.org is not None
        target, why = _manager_of(wanted, draft, by_code, by_email, index)
        if target is None:
            draft.note = why
            continue
        if isinstance(target, _Draft):
            if target.job is not None:
                target = target.job.id
            else:
                draft.manager_row = target.record.row
                target.job_values["is_line_manager"] = True
                _manager_changed(draft, None, f"{target.record.name} (row {target.record.row})", index)
                continue
        managers.add(target)
        _manager_changed(draft, target, index.job_name(target), index)
    for draft in in_file:
        job = draft.job
        if job is not None and job.id in managers and not job.is_line_manager:
            draft.changes.append(Change("is_line_manager", False, True))
            if draft.action is Action.UNCHANGED:
                draft.action = Action.UPDATE
        elif job is None and draft.job_values and "is_line_manager" not in draft.job_values:
            draft.job_values["is_line_manager"] = False


def _manager_of(
    wanted: str,
    draft: _Draft,
    by_code: dict[tuple[int, str], _Draft],
    by_email: dict[str, list[_Draft]],
    index: _Indexes,
) -> tuple[_Draft | int | None, str]:
    assert draft.org is not None
    key = _fold(wanted)
    found: list[_Draft | int]
    if "@" in wanted:
        rows = by_email.get(key, [])
        found = list(dict.fromkeys(rows)) or [j.id for j in index.jobs_by_email.get(key, []) if j.active]
        if len(found) > 1:  # one person, several jobs: the one at the same school
            here = [f for f in found if _school_of(f, index) == draft.org.id]
            found = here if len(here) == 1 else found
    else:
        row = by_code.get((draft.org.id, key))
        found = [row] if row is not None else [j.id for j in index.jobs_by_code.get((draft.org.id, key), [])]
    if not found:
        return None, f"line manager “{wanted}” is not in the file or TrustDesk, so it is left as it is"
    if len(found) > 1:
        return None, f"line manager “{wanted}” matches {len(found)} jobs, so it is left as it is"
    target = found[0]
    if target is draft or (draft.job is not None and target == draft.job.id):
        return None, "a person cannot be their own line manager, so it is left as it is"
    return target, ""


def _school_of(target: _Draft | int, index: _Indexes) -> int | None:
    """The school of a row of the file (placed rows have one) or of a job TrustDesk has."""
    if isinstance(target, _Draft):
        return target.org.id if target.org is not None else None
    return index.existing.jobs[target].organisation_id


def _manager_changed(draft: _Draft, job_id: int | None, name: str, index: _Indexes) -> None:
    if draft.job is None:
        draft.job_values["line_manager_job_id"] = job_id
        draft.changes.append(Change("line_manager_job_id", None, job_id, ("—", name)))
        return
    if job_id is not None and draft.job.line_manager_job_id == job_id:
        return
    before = draft.job.line_manager_job_id
    draft.changes.append(Change("line_manager_job_id", before, job_id, (index.job_name(before), name)))
    if draft.action is Action.UNCHANGED:
        draft.action = Action.UPDATE


def _entry(draft: _Draft, index: _Indexes) -> PlanEntry:
    record, org = draft.record, draft.org
    person, job = draft.person, draft.job
    return PlanEntry(
        row=record.row,
        name=record.name or "—",
        school=org.name if org is not None else (record.urn or record.school_name or "—"),
        action=draft.action,
        reason=draft.reason,
        organisation_id=org.id if org is not None else None,
        person_id=person.id if person is not None else None,
        job_id=job.id if job is not None else None,
        person_version=person.version if person is not None else None,
        job_version=job.version if job is not None else None,
        same_person_row=draft.same_person_row,
        person_values=draft.person_values,
        job_values=draft.job_values,
        changes=tuple(draft.changes),
        manager_row=draft.manager_row,
        link=draft.link,
        note=draft.note,
    )


def _ended(drafts: list[_Draft], index: _Indexes, claimed: dict[int, int], today: date) -> list[PlanEntry]:
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
            kept.update(j.id for j in index.jobs_by_code.get((draft.org.id, _fold(record.staff_code)), []))
        if record.email:
            kept.update(
                j.id for j in index.jobs_by_email.get(_fold(record.email), []) if j.organisation_id == draft.org.id
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
