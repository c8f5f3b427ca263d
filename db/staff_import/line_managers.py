"""Each row's line manager, resolved once every row of the staff file is known (P1).

A manager may come after the people they manage, so this runs after matching: by work e-mail
or staff code, a row of the file first, then a job TrustDesk has.  A manager that cannot be
found, or is ambiguous, is left as it is with a note, never guessed.
"""

from __future__ import annotations

from collections import defaultdict

from db.staff_import.match_index import Draft, Indexes, fold
from db.staff_import.plan import Action, Change


def line_managers(drafts: list[Draft], index: Indexes) -> None:
    """Each row's line manager, by work e-mail or staff code: a row of the file first, then TrustDesk."""
    in_file = [d for d in drafts if d.action in (Action.ADD_PERSON, Action.ADD_JOB, Action.UPDATE, Action.UNCHANGED)]
    by_code: dict[tuple[int, str], Draft] = {}
    by_email: dict[str, list[Draft]] = defaultdict(list)
    for draft in in_file:
        assert draft.org is not None
        if draft.record.staff_code:
            by_code[(draft.org.id, fold(draft.record.staff_code))] = draft
        if draft.record.email:
            by_email[fold(draft.record.email)].append(draft)
        if draft.job is not None and draft.job.email:
            by_email[fold(draft.job.email)].append(draft)
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
        if isinstance(target, Draft):
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
    draft: Draft,
    by_code: dict[tuple[int, str], Draft],
    by_email: dict[str, list[Draft]],
    index: Indexes,
) -> tuple[Draft | int | None, str]:
    assert draft.org is not None
    key = fold(wanted)
    found: list[Draft | int]
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


def _school_of(target: Draft | int, index: Indexes) -> int | None:
    """The school of a row of the file (placed rows have one) or of a job TrustDesk has."""
    if isinstance(target, Draft):
        return target.org.id if target.org is not None else None
    return index.existing.jobs[target].organisation_id


def _manager_changed(draft: Draft, job_id: int | None, name: str, index: Indexes) -> None:
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
