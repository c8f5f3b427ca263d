"""Correcting one activity's dates and costs, and what that does to its authorisation (C5).

CPD leads correct requests all the time: a course moves to another date, a fee
goes up.  A partnership decision was taken on the old dates and costs, so when
either changes after an authorisation or a rejection the row goes back to
*needs re-authorisation*; the previous decision stays in the audit row's
"before" so nothing about it is lost.  One call is one transaction: the row,
its audit row and the individual's notification are saved together or not at
all, and nothing is guessed (a stale version, a forbidden organisation or an
edit that changes nothing is refused with a sentence saying why).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.actions import begin
from db.engine import Database
from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import CpdActivity, Job, Level, Module, PartnershipState
from db.periods import ensure_period
from db.queries.activities import ACTIVITIES
from db.scope import own_person_id

#: The stored total (a computed column) and every cost are 32-bit integers of pence.
MAX_TOTAL_PENCE = 2_147_483_647
DECIDED = (PartnershipState.AUTHORISED, PartnershipState.REJECTED)
MONEY_FIELDS = ("course_fee_pence", "cover_cost_pence", "travel_cost_pence", "other_cost_pence")
DATE_FIELDS = ("starts_on", "ends_on")
LABELS = {
    "starts_on": "Start date",
    "ends_on": "End date",
    "course_fee_pence": "Course fee",
    "cover_cost_pence": "Cover/supply",
    "travel_cost_pence": "Travel",
    "other_cost_pence": "Other costs",
    "cover_days": "Cover days",
}


@dataclass(frozen=True, slots=True)
class ActivityEdit:
    """The editable dates and costs of one activity, as the user wants them to be (money in pence)."""

    starts_on: date
    ends_on: date
    course_fee_pence: int
    cover_cost_pence: int
    travel_cost_pence: int
    other_cost_pence: int
    cover_days: float

    @property
    def total_pence(self) -> int:
        return sum(getattr(self, name) for name in MONEY_FIELDS)


EDITABLE = tuple(f.name for f in fields(ActivityEdit))


@dataclass(frozen=True, slots=True)
class EditResult:
    activity_id: int
    changed: tuple[str, ...]  # field names of ActivityEdit, in form order
    needs_reauthorisation: bool  # the decision was set aside by this edit (C5)
    state: PartnershipState  # the partnership state after the edit
    version: int  # the row's new version

    @property
    def changed_labels(self) -> tuple[str, ...]:
        return tuple(LABELS[name] for name in self.changed)


def current_edit(row: object) -> ActivityEdit:
    """The editable values of anything carrying the same attribute names (a model row, an ActivityRow)."""
    return ActivityEdit(**{name: getattr(row, name) for name in EDITABLE})


def changed_fields(before: ActivityEdit, after: ActivityEdit) -> tuple[str, ...]:
    return tuple(name for name in EDITABLE if getattr(before, name) != getattr(after, name))


def returns_to_reauthorisation(state: PartnershipState, changed: tuple[str, ...]) -> bool:
    """C5: a decided row whose dates or costs change must be decided again.  (Cover days are not a cost.)"""
    return state in DECIDED and any(name in DATE_FIELDS or name in MONEY_FIELDS for name in changed)


def validate_edit(edit: ActivityEdit) -> None:
    """Refuse input that cannot be right, before anything is read or written."""
    if edit.ends_on < edit.starts_on:
        raise ValidationError("The end date is before the start date: an activity must end on or after its start.")
    for name in MONEY_FIELDS:
        value = getattr(edit, name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(f"{LABELS[name]} must be a whole number of pence.")
        if value < 0:
            raise ValidationError(f"{LABELS[name]} cannot be negative.")
    if edit.total_pence > MAX_TOTAL_PENCE:
        raise ValidationError("The total cost is too large to store: check the amounts for a typing slip.")
    if not math.isfinite(edit.cover_days) or edit.cover_days < 0:
        raise ValidationError("Cover days cannot be negative.")


def edit_activity(
    db: Database, user_id: int, activity_id: int, expected_version: int, edit: ActivityEdit, note: str = ""
) -> EditResult:
    """Save new dates and costs for one activity at the version the user saw, applying C5."""
    validate_edit(edit)
    note = note.strip()
    with begin(db, user_id) as act:
        session = act.session
        row = _lock_row(session, activity_id)
        if row is None:
            raise NotFound("That activity no longer exists.")
        act.require_central(
            Module.PARTNERSHIP_CPD,
            [row.organisation_id],
            "change the dates or costs of CPD activities",
            then="Nothing was changed.",
        )
        if not act.scope.reaches_job(Module.PARTNERSHIP_CPD, row.organisation_id, row.job_id, Level.DECIDE):
            raise PermissionDenied(
                "You may not change this activity: its individual is outside the groups you may decide for. "
                "Nothing was changed."
            )
        own_person = own_person_id(session, act.scope)
        if own_person is not None and own_person == session.scalar(select(Job.person_id).where(Job.id == row.job_id)):
            raise PermissionDenied(
                "This is your own request: someone else must correct its dates or costs, "
                "as they must decide it (nobody authorises their own request)."
            )
        if row.version != expected_version:
            raise StaleData(
                "Someone else changed this activity since it was shown, so your edit was not saved. "
                "It has been reloaded: check it and make your change again."
            )
        before = current_edit(row)
        changed = changed_fields(before, edit)
        if not changed:
            raise ValidationError("Nothing was changed: the dates and costs are the same as before.")
        reauthorise = returns_to_reauthorisation(row.partnership_state, changed)
        new_state = PartnershipState.NEEDS_REAUTHORISATION if reauthorise else row.partnership_state
        values: dict[str, object] = {name: getattr(edit, name) for name in changed}
        period_id = row.period_id
        if "starts_on" in changed:
            values["period_id"] = period_id = ensure_period(session, edit.starts_on)
        if reauthorise:
            values["partnership_state"] = new_state
            values["charged_organisation_id"] = None  # C7: only an authorisation charges an organisation
        values["version"] = row.version + 1
        audit_before = _audit_values(before, changed, row.partnership_state, row.version, row.period_id)
        if reauthorise:
            audit_before.update(_decision_before(row))
        audit_after = _audit_values(edit, changed, new_state, row.version + 1, period_id)
        session.execute(
            update(CpdActivity).where(CpdActivity.id == activity_id).values(values),
            execution_options={"synchronize_session": False},
        )
        act.audit(
            "activity_edited", "cpd_activity", activity_id, before=audit_before, after=audit_after, reason=note or None
        )
        act.notify(
            row.job_id,
            "activity_edited",
            f"The dates or costs of your CPD request “{row.title}” were corrected",
            _notification_body(before, edit, changed, reauthorise, note),
            activity_id=activity_id,
        )
        act.changed(ACTIVITIES, activity_id)
    return EditResult(activity_id, changed, reauthorise, new_state, row.version + 1)


def _lock_row(session: Session, activity_id: int) -> CpdActivity | None:
    """The row as it is now; on PostgreSQL locked so a concurrent decision waits and then sees our version."""
    query = select(CpdActivity).where(CpdActivity.id == activity_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.scalar(query)


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


def _audit_values(
    edit: ActivityEdit, changed: tuple[str, ...], state: PartnershipState, version: int, period_id: int
) -> dict:
    values = {name: _plain(getattr(edit, name)) for name in changed}
    values.update({"partnership_state": state.value, "version": version})
    if "starts_on" in changed:
        values["period_id"] = period_id
    return values


def _decision_before(row: CpdActivity) -> dict:
    """The decision this edit sets aside: who took it, when and why (kept in the audit, C5)."""
    return {
        "partnership_decided_at": row.partnership_decided_at.isoformat() if row.partnership_decided_at else None,
        "partnership_user_id": row.partnership_user_id,
        "partnership_reason": row.partnership_reason,
        "decision_batch_id": row.decision_batch_id,
        "charged_organisation_id": row.charged_organisation_id,
    }


def describe(name: str, value: object) -> str:
    """One value as the individual reads it: pounds, a day, a number of days."""
    if name in MONEY_FIELDS:
        return f"£{int(value) / 100:,.2f}"  # type: ignore[call-overload]  # a money field holds an int
    if isinstance(value, date):
        return value.strftime("%d %b %Y").lstrip("0")
    return f"{float(value):g}"  # type: ignore[arg-type]  # cover days: a float


def _notification_body(
    before: ActivityEdit, after: ActivityEdit, changed: tuple[str, ...], reauthorise: bool, note: str
) -> str:
    lines = [
        f"{LABELS[name]}: {describe(name, getattr(before, name))} → {describe(name, getattr(after, name))}"
        for name in changed
    ]
    if reauthorise:
        lines.append("Because its dates or costs changed, it needs re-authorisation by the partnership.")
    if note:
        lines.append(f"Note: {note}")
    return "\n".join(lines)
