"""Match each row of a staff file to a school, a job and a person, and say what it will do (P1, X2).

A job is found by school + staff code, else by work e-mail at that school; a person by TRN, else by
work e-mail. Someone who looks like a person TrustDesk (or an earlier row) already has at another
school — same name and a near e-mail — is offered for linking, never merged silently. Line managers
are resolved once every row is known, so a manager may come after the people they manage
(``db.staff_import.line_managers``); with a whole staff list the jobs it leaves out end
(``db.staff_import.whole_list``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from datetime import date

from db.staff_import.line_managers import line_managers
from db.staff_import.match_index import Draft, Indexes, fold, near, same_name
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
from db.staff_import.whole_list import ended_jobs

PERSON_FIELDS = ("title", "first_name", "last_name", "trn")
JOB_FIELDS = ("role", "email", "staff_code", "started_on", "ended_on", "active", "pay_scale")


def plan_staff(
    records: Iterable[StaffRecord],
    existing: Existing,
    mapped: Collection[str],
    *,
    whole_list: bool,
    today: date,
) -> tuple[PlanEntry, ...]:
    """What each record will do, and with ``whole_list`` which jobs end because the file leaves them out."""
    index = Indexes(existing)
    drafts = [Draft(record) for record in records]
    for draft in drafts:
        _place(draft, index)
    _refuse_duplicate_keys(drafts)
    claimed: dict[int, int] = {}  # job id -> row
    new_people: dict[str, dict[str, Draft]] = {"trn": {}, "email": {}}
    by_name: dict[tuple[str, str], list[Draft]] = defaultdict(list)
    for draft in drafts:
        if draft.action is Action.SKIP and draft.reason:
            continue
        _match(draft, index, claimed, new_people, by_name, mapped, today)
    line_managers(drafts, index)
    entries = [_entry(draft, index) for draft in drafts]
    if whole_list:
        entries += ended_jobs(drafts, index, claimed, today)
    return tuple(entries)


def _place(draft: Draft, index: Indexes) -> None:
    """The school, the user's right to import there (D6) and the values every row needs."""
    record = draft.record
    if record.urn:
        org = index.org_by_urn.get(record.urn)
        if org is None:
            return draft.skip(f"row {record.row}: no school with the URN {record.urn} is in TrustDesk")
    elif record.school_name:
        found = index.orgs_by_name.get(fold(record.school_name), [])
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


def _refuse_duplicate_keys(drafts: list[Draft]) -> None:
    """Two rows with one school's staff code, or one work e-mail at one school: neither is imported."""
    keys: dict[tuple[str, int, str], list[Draft]] = defaultdict(list)
    for draft in drafts:
        if draft.org is None or draft.action is Action.SKIP:
            continue
        record = draft.record
        if record.staff_code:
            keys[("staff code", draft.org.id, fold(record.staff_code))].append(draft)
        if record.email:
            keys[("work e-mail", draft.org.id, fold(record.email))].append(draft)
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
    draft: Draft,
    index: Indexes,
    claimed: dict[int, int],
    new_people: dict[str, dict[str, Draft]],
    by_name: dict[tuple[str, str], list[Draft]],
    mapped: Collection[str],
    today: date,
) -> None:
    record, org = draft.record, draft.org
    assert org is not None
    job: ExistingJob | None = None
    if record.staff_code:
        found = index.jobs_by_code.get((org.id, fold(record.staff_code)), [])
        if len(found) > 1:
            return draft.skip(
                f"row {record.row}: TrustDesk has {len(found)} jobs with the staff code {record.staff_code} "
                f"at {org.name}"
            )
        job = found[0] if found else None
    if job is None and record.email:
        found = [j for j in index.jobs_by_email.get(fold(record.email), []) if j.organisation_id == org.id]
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
    record: StaffRecord, org: ExistingOrg, index: Indexes, new_people: dict[str, dict[str, Draft]]
) -> tuple[ExistingPerson | None, Draft | None, str]:
    """The person this row is a new job of: by TRN, else by work e-mail; in TrustDesk or an earlier row."""
    row = record.row
    for what, key, people in (
        ("TRN", record.trn, index.people_by_trn.get(record.trn, []) if record.trn else []),
        (
            "work e-mail",
            fold(record.email),
            [index.existing.people[i] for i in sorted(index.people_by_email.get(fold(record.email), ()))]
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
            if not same_name(record, person):
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
            if fold(earlier.record.name) != fold(record.name):
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


def _new_job_state(draft: Draft, mapped: Collection[str], today: date) -> tuple[bool, object] | None:
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
    draft: Draft,
    person: ExistingPerson | None,
    earlier: Draft | None,
    index: Indexes,
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
    draft: Draft,
    index: Indexes,
    new_people: dict[str, dict[str, Draft]],
    by_name: dict[tuple[str, str], list[Draft]],
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
    name_key = (fold(record.first_name), fold(record.last_name))
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
        new_people["email"].setdefault(fold(record.email), draft)


def _person_changes(record: StaffRecord, person: ExistingPerson) -> list[Change]:
    changes = []
    for name in PERSON_FIELDS:
        value = getattr(record, name)
        if value and value != getattr(person, name):
            if name == "trn" and person.trn:
                continue  # a different TRN was refused before; never overwritten
            changes.append(Change(name, getattr(person, name), value))
    return changes


def _update(draft: Draft, job: ExistingJob, index: Indexes, mapped: Collection[str], today: date) -> None:
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
            same = fold(before) == fold(after)
        else:
            same = before == after
        if not same:
            changes.append(Change(name, before, after))
    draft.changes = changes
    draft.action = Action.UPDATE if changes else Action.UNCHANGED


def _entry(draft: Draft, index: Indexes) -> PlanEntry:
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
