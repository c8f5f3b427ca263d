"""Evaluations imported from a spreadsheet: a preview, then one transaction (X2).

``preview_evaluations`` reads the file whole, matches each row to an activity
the user may evaluate and says what the row will do: add an evaluation,
correct one, leave an identical one alone, or nothing because the row is
invalid (with the reason and the row number).  ``apply_evaluations`` does the
same reading again inside one transaction and records every add and
correction through ``record_evaluation_in`` (the same rule and audit as the
dialog), so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from db.actions import begin
from db.engine import Database
from db.errors import StaleData, ValidationError
from db.excel.evaluation_file import RawRow, read_evaluation_file
from db.models import ActivityEvaluation, CpdActivity, Job, Level, Module, Person
from db.scope import Scope, scope_for
from db.services.evaluations import EVALUABLE, Evaluation, check_evaluation, record_evaluation_in
from db.services.signoff import _chunks


class RowAction(enum.StrEnum):
    ADD = "add"
    CORRECT = "correct"
    UNCHANGED = "unchanged"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class PlannedRow:
    number: int
    action: RowAction
    activity_id: int | None
    title: str
    individual: str
    reason: str = ""  # why invalid
    evaluation: Evaluation | None = None
    shown_version: int | None = None


@dataclass(frozen=True)
class EvaluationPlan:
    file_name: str
    rows: tuple[PlannedRow, ...] = field(default_factory=tuple)

    def count(self, action: RowAction) -> int:
        return sum(1 for row in self.rows if row.action is action)

    @property
    def changes(self) -> int:
        return self.count(RowAction.ADD) + self.count(RowAction.CORRECT)

    def sentence(self) -> str:
        return (
            f"{self.count(RowAction.ADD):,} to add, {self.count(RowAction.CORRECT):,} to correct, "
            f"{self.count(RowAction.UNCHANGED):,} already recorded, {self.count(RowAction.INVALID):,} invalid."
        )


@dataclass(frozen=True, slots=True)
class _Target:
    id: int
    org: int
    job_id: int
    title: str
    individual: str
    starts_on: date
    completion_ok: bool
    emails: tuple[str, ...]


def preview_evaluations(db: Database, user_id: int, path: Path) -> EvaluationPlan:
    """What importing ``path`` would do, row by row; nothing changes."""
    raw = read_evaluation_file(path)
    with db.read() as session:
        return _plan(session, scope_for(session, user_id), raw, Path(path).name)


def apply_evaluations(db: Database, user_id: int, path: Path, checked: EvaluationPlan | None = None) -> EvaluationPlan:
    """Record every valid row in one transaction; the plan says what was done (invalid rows left alone).

    ``checked`` is the preview the user read: if the file or any evaluation it touches changed since,
    nothing is imported (an evaluation recorded meanwhile is never overwritten unseen).
    """
    raw = read_evaluation_file(path)
    with begin(db, user_id) as act:
        plan = _plan(act.session, act.scope, raw, Path(path).name)
        if checked is not None and _changed(checked, plan):
            raise StaleData(
                f"“{plan.file_name}” or the evaluations it touches changed since it was checked; "
                "nothing was imported. Import it again to see what it would do now."
            )
        if plan.changes == 0:
            raise ValidationError(f"Nothing to import from “{plan.file_name}”: {plan.sentence()} Nothing was changed.")
        for row in plan.rows:
            if row.action in (RowAction.ADD, RowAction.CORRECT):
                assert row.activity_id is not None and row.evaluation is not None
                record_evaluation_in(act, row.activity_id, row.shown_version, row.evaluation)
    return plan


def _changed(checked: EvaluationPlan, now: EvaluationPlan) -> bool:
    def key(plan: EvaluationPlan) -> list[tuple]:
        return [(r.number, r.action, r.activity_id, r.evaluation, r.shown_version) for r in plan.rows]

    return key(checked) != key(now)


def _plan(session: Session, scope: Scope, raw: Sequence[RawRow], name: str) -> EvaluationPlan:
    by_id = _targets_by_id(session, scope, {row.activity_id for row in raw if row.activity_id is not None})
    by_key = _targets_by_key(session, scope, [row for row in raw if row.activity_id is None and not row.problem])
    existing = _existing(session, [*by_id, *(t.id for ts in by_key.values() for t in ts)])
    planned: list[PlannedRow] = []
    first_row_of: dict[int, int] = {}
    for row in raw:
        if row.problem:
            planned.append(PlannedRow(row.number, RowAction.INVALID, row.activity_id, row.title, "", row.problem))
            continue
        target, why = _match(row, by_id, by_key)
        if target is None:
            planned.append(PlannedRow(row.number, RowAction.INVALID, row.activity_id, row.title, "", why))
            continue
        planned.append(_decide(row, target, scope, existing, first_row_of))
    return EvaluationPlan(name, tuple(planned))


def _decide(
    row: RawRow,
    target: _Target,
    scope: Scope,
    existing: dict[int, tuple[int, Evaluation]],
    first_row_of: dict[int, int],
) -> PlannedRow:
    def invalid(reason: str) -> PlannedRow:
        return PlannedRow(row.number, RowAction.INVALID, target.id, target.title, target.individual, reason)

    if target.id in first_row_of:
        return invalid(f"names the same activity as row {first_row_of[target.id]}")
    first_row_of[target.id] = row.number
    if not scope.reaches_job(Module.PARTNERSHIP_CPD, target.org, target.job_id, Level.COMMENT):
        return invalid("you may not record evaluations for this individual's CPD")
    if not target.completion_ok:
        return invalid("the activity is not recorded as attended or completed")
    try:
        evaluation = check_evaluation(row.hours, row.rating, row.impact, row.practice_change)
    except ValidationError as exc:
        return invalid(str(exc).rstrip("."))
    version, current = existing.get(target.id, (None, None))
    action = RowAction.ADD if current is None else RowAction.CORRECT
    if current == evaluation:
        action = RowAction.UNCHANGED
    return PlannedRow(row.number, action, target.id, target.title, target.individual, "", evaluation, version)


def _match(
    row: RawRow, by_id: dict[int, _Target], by_key: dict[tuple[str, date], list[_Target]]
) -> tuple[_Target | None, str]:
    if row.activity_id is not None:
        target = by_id.get(row.activity_id)
        if target is None:
            return None, f"there is no activity {row.activity_id} that you can see"
        return target, ""
    assert row.starts_on is not None
    candidates = [t for t in by_key.get((row.email.casefold(), row.starts_on), []) if _same(t.title, row.title)]
    if not candidates:
        return None, "no activity of that staff member has that title and start date"
    if len(candidates) > 1:
        return None, f"{len(candidates)} activities match that e-mail, title and start date: give the Activity ID"
    return candidates[0], ""


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _target_select(scope: Scope) -> Select:
    return (
        select(
            CpdActivity.id,
            CpdActivity.organisation_id,
            CpdActivity.job_id,
            CpdActivity.title,
            Person.first_name + " " + Person.last_name,
            CpdActivity.starts_on,
            CpdActivity.completion_state.in_(EVALUABLE),
            func.lower(func.coalesce(Job.email, "")),
            func.lower(func.coalesce(Person.email, "")),
        )
        .join(Job, Job.id == CpdActivity.job_id)
        .join(Person, Person.id == Job.person_id)
        .where(scope.rows_in_reach(Module.PARTNERSHIP_CPD, CpdActivity.organisation_id, CpdActivity.job_id))
    )


def _target(row: Iterable[object]) -> _Target:
    activity_id, org, job, title, who, starts, ok, job_email, person_email = row
    emails = tuple(dict.fromkeys(e for e in (job_email, person_email) if e))
    return _Target(activity_id, org, job, title, who, starts, bool(ok), emails)  # type: ignore[arg-type]


def _targets_by_id(session: Session, scope: Scope, ids: set[int]) -> dict[int, _Target]:
    found: dict[int, _Target] = {}
    for chunk in _chunks(sorted(ids)):
        for row in session.execute(_target_select(scope).where(CpdActivity.id.in_(chunk))):
            target = _target(row)
            found[target.id] = target
    return found


def _targets_by_key(session: Session, scope: Scope, rows: Sequence[RawRow]) -> dict[tuple[str, date], list[_Target]]:
    emails = sorted({row.email.casefold() for row in rows})
    found: dict[tuple[str, date], list[_Target]] = defaultdict(list)
    for start in range(0, len(emails), 2000):
        chunk = emails[start : start + 2000]
        query = _target_select(scope).where(or_(func.lower(Job.email).in_(chunk), func.lower(Person.email).in_(chunk)))
        for row in session.execute(query):
            target = _target(row)
            for email in target.emails:
                found[(email, target.starts_on)].append(target)
    return found


def _existing(session: Session, ids: Sequence[int]) -> dict[int, tuple[int, Evaluation]]:
    found: dict[int, tuple[int, Evaluation]] = {}
    for chunk in _chunks(sorted(set(ids))):
        query = select(
            ActivityEvaluation.activity_id,
            ActivityEvaluation.version,
            ActivityEvaluation.hours,
            ActivityEvaluation.rating,
            ActivityEvaluation.impact,
            ActivityEvaluation.practice_change,
        ).where(ActivityEvaluation.activity_id.in_(chunk))
        for activity_id, version, hours, rating, impact, change in session.execute(query):
            found[activity_id] = (version, Evaluation(hours or 0.0, rating or 0, impact, change))
    return found
