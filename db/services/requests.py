"""Entering, editing and withdrawing a CPD request on someone's behalf (C1, A1, A2, D6, N1).

A CPD coordinator or CPD team member types in the request an individual made
on paper or by e-mail: the activity belongs to the individual's job (it is
"created by" that job, as a flood fill's rows are created by theirs) and the
user who typed it in is recorded beside it (``entered_by_user_id``).  Until
anyone has decided it at any layer it may be edited in full; after that only
its dates and costs change, through ``activity_edits`` (C5).  Whoever entered
it, or a decider at its organisation, may withdraw it while the partnership
has not decided it: a withdrawn request stays in the record but counts in no
pending or budget total.  Each call is one transaction with its audit row and
the individual's notification, or nothing at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from db.actions import Action, begin
from db.activity_types import ACTIVITY_TYPES
from db.cover_limits import limit_for_job
from db.engine import Database
from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import (
    AcademicPeriod,
    ActivitySession,
    AppUser,
    CpdActivity,
    CpdTeamState,
    Job,
    LearningModule,
    Level,
    LineManagerState,
    PartnershipState,
    TrainingEvent,
    utcnow,
)
from db.periods import ensure_period, period_containing, start_month
from db.queries.activities import ACTIVITIES
from db.queries.budget_context import cover_contexts
from db.scope import own_person_id
from db.services.activity_edits import LABELS as MONEY_LABELS
from db.services.activity_edits import MAX_TOTAL_PENCE, MONEY_FIELDS
from db.services.request_rules import CPD, central_entry_refusal
from db.services.sort_keys import last_name_of_job, organisation_name

TITLE_MAX = 200
PROVIDER_MAX = 200
TEXT_MAX = 4000
MAX_SESSIONS = 60
UNDECIDED = (PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION)


@dataclass(frozen=True, slots=True)
class RequestDetails:
    """Everything a request says (C1), as the user wants it to be; money in pence."""

    title: str
    activity_type: str
    starts_on: date
    ends_on: date
    provider: str = ""
    sessions: tuple[date, ...] = ()  # further session dates, after the start
    course_fee_pence: int = 0
    cover_cost_pence: int = 0
    travel_cost_pence: int = 0
    other_cost_pence: int = 0
    cover_days: float = 0.0
    training_event_id: int | None = None
    learning_module_id: int | None = None
    intended_outcome: str = ""
    impact_measure: str = ""
    sharing_plan: str = ""

    @property
    def total_pence(self) -> int:
        return sum(getattr(self, name) for name in MONEY_FIELDS)

    def cleaned(self) -> RequestDetails:
        """Text trimmed, session dates sorted and without repeats."""
        return RequestDetails(
            **{
                **{f.name: getattr(self, f.name) for f in fields(self)},
                "title": self.title.strip(),
                "provider": self.provider.strip(),
                "intended_outcome": self.intended_outcome.strip(),
                "impact_measure": self.impact_measure.strip(),
                "sharing_plan": self.sharing_plan.strip(),
                "sessions": tuple(sorted(set(self.sessions))),
            }
        )


#: the columns a request's details fill (sessions live in their own table)
COLUMNS = tuple(f.name for f in fields(RequestDetails) if f.name != "sessions")
WORDS = {
    **MONEY_LABELS,
    "title": "Title",
    "activity_type": "Type",
    "provider": "Provider",
    "sessions": "Further sessions",
    "training_event_id": "Training event",
    "learning_module_id": "Learning module",
    "intended_outcome": "Intended outcome",
    "impact_measure": "How impact will be measured",
    "sharing_plan": "How it will be shared",
}


@dataclass(frozen=True, slots=True)
class RequestResult:
    activity_id: int
    version: int
    changed: tuple[str, ...] = ()  # an edit: the fields changed, in form order


def validate_request(details: RequestDetails) -> None:
    """Refuse what cannot be right, in one sentence, before anything is read or written."""
    if not details.title:
        raise ValidationError("Give the request a title.")
    if len(details.title) > TITLE_MAX:
        raise ValidationError(f"The title is longer than {TITLE_MAX} characters: shorten it.")
    if len(details.provider) > PROVIDER_MAX:
        raise ValidationError(f"The provider is longer than {PROVIDER_MAX} characters: shorten it.")
    if details.activity_type not in ACTIVITY_TYPES:
        raise ValidationError(f"Choose a type from the list: {', '.join(ACTIVITY_TYPES)}.")
    if details.ends_on < details.starts_on:
        raise ValidationError("The end date is before the start date: an activity must end on or after its start.")
    for on in details.sessions:
        if not details.starts_on < on <= details.ends_on:
            raise ValidationError(
                f"The further session on {on:%d %b %Y} is not after the start and on or before the end date: "
                "set the end date to the last session."
            )
    if len(details.sessions) > MAX_SESSIONS:
        raise ValidationError(f"A request has at most {MAX_SESSIONS} further sessions.")
    for name in MONEY_FIELDS:
        value = getattr(details, name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(f"{WORDS[name]} must be an amount in pounds and pence.")
        if value < 0:
            raise ValidationError(f"{WORDS[name]} cannot be negative.")
    if details.total_pence > MAX_TOTAL_PENCE:
        raise ValidationError("The total cost is too large to store: check the amounts for a typing slip.")
    if not math.isfinite(details.cover_days) or details.cover_days < 0:
        raise ValidationError("Cover days cannot be negative.")
    if details.training_event_id is not None and details.learning_module_id is not None:
        raise ValidationError("A request is for a training event or a learning module, not both.")
    for name in ("intended_outcome", "impact_measure", "sharing_plan"):
        if len(getattr(details, name)) > TEXT_MAX:
            raise ValidationError(f"“{WORDS[name]}” is longer than {TEXT_MAX:,} characters: shorten it.")


def cover_warning(db: Database, job_id: int, starts_on: date, cover_days: float) -> str:
    """A warning (empty when none) when this request's cover days would take the individual past their
    cover limit for the period, on top of what is already authorised there (C7): the window asks first."""
    if cover_days <= 0:
        return ""
    with db.read() as session:
        period = period_containing(starts_on, start_month(session))
        period_id = session.scalar(select(AcademicPeriod.id).where(AcademicPeriod.starts_on == period.starts_on))
        if period_id is None:
            limit, already = limit_for_job(session, job_id), 0.0
        else:
            cover = cover_contexts(session, [(job_id, period_id)])[(job_id, period_id)]
            limit, already = cover.limit_days, cover.authorised_days
    if limit is None or already + cover_days <= limit:
        return ""
    return (
        f"With {cover_days:g} more cover days the individual would have {already + cover_days:g} "
        f"in {period.label}, past their limit of {limit:g}."
    )


def enter_request(db: Database, user_id: int, job_id: int, details: RequestDetails) -> RequestResult:
    """Record a new request for ``job_id`` on the individual's behalf; the individual is told."""
    details = details.cleaned()
    validate_request(details)
    with begin(db, user_id) as act:
        session = act.session
        job = act.fetch(Job, job_id, missing="That job no longer exists, so no request was entered.")
        if not job.active:
            raise ValidationError("That job has ended, so no request can be entered for it.")
        _require_enter(act, job, "enter CPD requests")
        _check_links(session, details)
        activity = CpdActivity(
            job_id=job.id,
            organisation_id=job.organisation_id,
            individual_sort=last_name_of_job(session, job.id),
            organisation_sort=organisation_name(session, job.organisation_id),
            period_id=ensure_period(session, details.starts_on),
            created_by_job_id=job.id,
            entered_by_user_id=user_id,
            created_at=utcnow(),
            **{name: getattr(details, name) for name in COLUMNS},
        )
        session.add(activity)
        session.flush()
        _write_sessions(session, activity.id, details.sessions)
        after = _audit_values(details, (*COLUMNS, "sessions"))
        after.update(partnership_state=PartnershipState.PENDING.value, version=activity.version, job_id=job.id)
        act.audit("request_entered", "cpd_activity", activity.id, after=after)
        who = session.scalar(select(AppUser.display_name).where(AppUser.id == user_id)) or "Someone"
        act.notify(
            job.id,
            "request_entered",
            f"{who} entered the CPD request “{details.title}” for you",
            "It waits for your line manager, the CPD team and the partnership to decide it.",
            activity_id=activity.id,
        )
        act.changed(ACTIVITIES, activity.id)
        return RequestResult(activity.id, activity.version)


def edit_request(
    db: Database, user_id: int, activity_id: int, expected_version: int, details: RequestDetails
) -> RequestResult:
    """Change any field of a request nobody has decided yet; after a decision, use ``edit_activity`` (C5)."""
    details = details.cleaned()
    validate_request(details)
    with begin(db, user_id) as act:
        session = act.session
        row = _lock(session, activity_id)
        job = act.fetch(Job, row.job_id, missing="That request's job no longer exists.")
        _require_withdraw_or_edit(act, row, job, "change this request")
        if row.version != expected_version:
            raise StaleData("Someone else changed this request since it was shown, so your changes were not saved.")
        if _decided(row):
            raise ValidationError(
                "This request has been decided at one of its layers: only its dates and costs can be corrected now "
                "(Edit dates and costs…)."
            )
        _check_links(session, details)
        sessions_before = tuple(
            session.scalars(
                select(ActivitySession.on_date)
                .where(ActivitySession.activity_id == activity_id)
                .order_by(ActivitySession.on_date)
            )
        )
        before_details = RequestDetails(**{name: getattr(row, name) for name in COLUMNS}, sessions=sessions_before)
        changed = tuple(
            name for name in (*COLUMNS, "sessions") if getattr(before_details, name) != getattr(details, name)
        )
        if not changed:
            raise ValidationError("Nothing was changed: the request is the same as before.")
        values: dict[str, object] = {name: getattr(details, name) for name in changed if name != "sessions"}
        if "starts_on" in changed:
            values["period_id"] = ensure_period(session, details.starts_on)
        values["version"] = row.version + 1
        session.execute(
            update(CpdActivity).where(CpdActivity.id == activity_id).values(values),
            execution_options={"synchronize_session": False},
        )
        if "sessions" in changed:
            session.execute(delete(ActivitySession).where(ActivitySession.activity_id == activity_id))
            _write_sessions(session, activity_id, details.sessions)
        state = {"partnership_state": row.partnership_state.value}
        act.audit(
            "request_edited",
            "cpd_activity",
            activity_id,
            before={**_audit_values(before_details, changed), **state, "version": row.version},
            after={**_audit_values(details, changed), **state, "version": row.version + 1},
        )
        act.notify(
            row.job_id,
            "request_edited",
            f"Your CPD request “{details.title}” was changed",
            "Changed: " + ", ".join(WORDS.get(name, name).lower() for name in changed) + ".",
            activity_id=activity_id,
        )
        act.changed(ACTIVITIES, activity_id)
        return RequestResult(activity_id, row.version + 1, changed)


def withdraw_request(db: Database, user_id: int, activity_id: int, expected_version: int, reason: str = "") -> int:
    """Withdraw a request the partnership has not decided; returns the new version."""
    reason = reason.strip()
    with begin(db, user_id) as act:
        session = act.session
        row = _lock(session, activity_id)
        job = act.fetch(Job, row.job_id, missing="That request's job no longer exists.")
        _require_withdraw_or_edit(act, row, job, "withdraw this request")
        if row.version != expected_version:
            raise StaleData("Someone else changed this request since it was shown, so it was not withdrawn.")
        if row.partnership_state not in UNDECIDED:
            raise ValidationError(
                f"This request is {row.partnership_state.value.replace('_', ' ')}: "
                "only a request the partnership has not decided can be withdrawn."
            )
        now = utcnow()
        session.execute(
            update(CpdActivity)
            .where(CpdActivity.id == activity_id)
            .values(
                partnership_state=PartnershipState.WITHDRAWN,
                withdrawn_at=now,
                withdrawn_by_user_id=user_id,
                version=row.version + 1,
            ),
            execution_options={"synchronize_session": False},
        )
        act.audit(
            "request_withdrawn",
            "cpd_activity",
            activity_id,
            before={"partnership_state": row.partnership_state.value, "version": row.version},
            after={"partnership_state": PartnershipState.WITHDRAWN.value, "version": row.version + 1},
            reason=reason or None,
        )
        act.notify(
            row.job_id,
            "request_withdrawn",
            f"Your CPD request “{row.title}” was withdrawn",
            f"Reason: {reason}" if reason else "",
            activity_id=activity_id,
        )
        act.changed(ACTIVITIES, activity_id)
        return row.version + 1


# -- the rules --------------------------------------------------------------------------------------


def _require_enter(act: Action, job: Job, doing: str) -> None:
    scope = act.scope
    if not scope.reaches_job(CPD, job.organisation_id, job.id, Level.COMMENT):
        raise PermissionDenied(
            f"You may not {doing} for this person: it needs CPD at comment level or above at their organisation "
            "(and within any groups your grant is limited to)."
        )
    if (refusal := central_entry_refusal(act.session, scope, job.organisation_id, doing)) is not None:
        raise PermissionDenied(refusal)


def _require_withdraw_or_edit(act: Action, row: CpdActivity, job: Job, doing: str) -> None:
    """Whoever entered the request (still with CPD rights there), or a decider at its organisation."""
    scope = act.scope
    decider = scope.reaches_job(CPD, row.organisation_id, row.job_id, Level.DECIDE)
    own = own_person_id(act.session, scope)
    if decider and own is not None and own == job.person_id and row.entered_by_user_id != act.user_id:
        decider = False  # nobody decides their own request (C3), nor withdraws it over someone else's entry
    if not decider and row.entered_by_user_id != act.user_id:
        raise PermissionDenied(f"Only whoever entered it or a CPD decider at its organisation may {doing}.")
    _require_enter(act, job, doing)


def _decided(row: CpdActivity) -> bool:
    return (
        row.line_manager_state is not LineManagerState.PENDING
        or row.cpd_team_state is not CpdTeamState.PENDING
        or row.partnership_state is not PartnershipState.PENDING
    )


def _lock(session: Session, activity_id: int) -> CpdActivity:
    query = select(CpdActivity).where(CpdActivity.id == activity_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    row = session.scalar(query)
    if row is None:
        raise NotFound("That request no longer exists.")
    return row


def _check_links(session: Session, details: RequestDetails) -> None:
    if details.training_event_id is not None and session.get(TrainingEvent, details.training_event_id) is None:
        raise NotFound("That training event no longer exists: choose another.")
    if details.learning_module_id is not None and session.get(LearningModule, details.learning_module_id) is None:
        raise NotFound("That learning module no longer exists: choose another.")


def _write_sessions(session: Session, activity_id: int, sessions: tuple[date, ...]) -> None:
    if sessions:
        session.execute(insert(ActivitySession), [{"activity_id": activity_id, "on_date": on} for on in sessions])


def _audit_values(details: RequestDetails, names: tuple[str, ...]) -> dict[str, object]:
    values: dict[str, object] = {}
    for name in names:
        value = getattr(details, name)
        if name == "sessions":
            value = [on.isoformat() for on in value]
        elif isinstance(value, date):
            value = value.isoformat()
        values[name] = value
    return values
