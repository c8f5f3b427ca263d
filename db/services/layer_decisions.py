"""The line-manager and CPD-team layers of a request (C2, C3, C4, A1, A2, D6, N1).

Both layers decide one activity or many ticked at once, like the partnership's
sign-off (``signoff.py``): one transaction, rows locked in id order, each row
checked at the version the user saw, and rows that changed since, that the user
may not decide, that are the user's own or that were withdrawn come back in
``LayerResult.skipped`` with the reason, untouched.

* Line manager (agree / deny): the job's line manager, when they are a
  TrustDesk user (their ``AppUser.job_id`` is the job's ``line_manager_job_id``),
  or a CPD decider at the organisation recording it on their behalf.  The
  agreement is reversible ("Change to agreed / denied", with a reason: staffing
  changes), so a decided row may be decided again the other way.
* CPD team (approve / decline): users holding CPD at decide level for the
  organisation (within any group restriction of their grant, and for a grant
  held at the trust only where the school shares group actions, D6).

Denying or declining needs a reason, as does changing a line manager's answer:
the individual is told what was decided and why.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, aliased

from db.actions import Action, begin
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import (
    CpdActivity,
    CpdTeamState,
    Job,
    Level,
    LineManagerState,
    Organisation,
    PartnershipState,
    Person,
    utcnow,
)
from db.progress import NullProgress, Progress
from db.queries.activities import ACTIVITIES
from db.scope import own_person_id
from db.services.request_rules import CPD
from db.services.signoff import CHUNK, Skipped, SkipReason, _chunks

_manager_job = aliased(Job)
_manager_person = aliased(Person)


class Layer(enum.StrEnum):
    LINE_MANAGER = "line_manager"
    CPD_TEAM = "cpd_team"


LayerState = LineManagerState | CpdTeamState
NEGATIVE = (LineManagerState.DENIED, CpdTeamState.DECLINED)
#: the words of each decision, for notifications and results
VERBS: dict[LayerState, str] = {
    LineManagerState.AGREED: "agreed",
    LineManagerState.DENIED: "denied",
    CpdTeamState.APPROVED: "approved",
    CpdTeamState.DECLINED: "declined",
}
#: (layer decision, recorded on the line manager's behalf) → audit action (``action=`` so that
#: tests/test_audit_text.py finds each one and checks it has a sentence)
ACTIONS: dict[tuple[LayerState, bool], dict[str, str]] = {
    (LineManagerState.AGREED, False): dict(action="line_manager_agreed"),
    (LineManagerState.DENIED, False): dict(action="line_manager_denied"),
    (LineManagerState.AGREED, True): dict(action="line_manager_agreed_for"),
    (LineManagerState.DENIED, True): dict(action="line_manager_denied_for"),
    (CpdTeamState.APPROVED, False): dict(action="cpd_team_approved"),
    (CpdTeamState.DECLINED, False): dict(action="cpd_team_declined"),
}


class LayerSkip(enum.StrEnum):
    WITHDRAWN = "it was withdrawn"
    SAME = "it already has that answer"


@dataclass(frozen=True)
class LayerResult:
    layer: Layer
    decision: LayerState
    applied: tuple[int, ...]
    skipped: tuple[Skipped, ...] = field(default_factory=tuple)
    #: rows recorded on the line manager's behalf (the rest by the line manager themselves)
    on_behalf: tuple[int, ...] = ()

    @property
    def changed_ids(self) -> frozenset[int]:
        return frozenset(self.applied)


@dataclass(frozen=True, slots=True)
class _Row:
    version: int
    org: int
    job_id: int
    person_id: int
    title: str
    individual: str
    organisation: str
    line_manager_job_id: int | None
    line_manager: str | None
    partnership_state: PartnershipState
    state: LayerState
    decided_at: datetime | None
    decided_by: int | None
    reason: str | None


def decide_layer(
    db: Database,
    user_id: int,
    layer: Layer,
    shown_versions: Mapping[int, int],
    decision: LayerState,
    reason: str = "",
    *,
    progress: Progress | None = None,
) -> LayerResult:
    """Record the line manager's or the CPD team's answer on the given activities at the versions shown."""
    progress = progress or NullProgress()
    reason = reason.strip()
    wanted = LineManagerState if layer is Layer.LINE_MANAGER else CpdTeamState
    if not isinstance(decision, wanted) or decision is wanted.PENDING:
        words = "Agree or Deny" if layer is Layer.LINE_MANAGER else "Approve or Decline"
        raise ValidationError(f"The {_layer_words(layer)} answer is either {words}.")
    if decision in NEGATIVE and not reason:
        raise ValidationError(f"Give a reason to {'deny' if layer is Layer.LINE_MANAGER else 'decline'}: "
                              "the individual is told why.")  # fmt: skip
    if not shown_versions:
        raise ValidationError("No activities were ticked, so nothing was decided.")
    with begin(db, user_id) as act:
        result = _decide_in(act, layer, shown_versions, decision, reason, progress)
        progress.check_cancelled()
    return result


def _layer_words(layer: Layer) -> str:
    return "line manager's" if layer is Layer.LINE_MANAGER else "CPD team's"


def _decide_in(
    act: Action,
    layer: Layer,
    shown_versions: Mapping[int, int],
    decision: LayerState,
    reason: str,
    progress: Progress,
) -> LayerResult:
    session, scope = act.session, act.scope
    ids = sorted(shown_versions)
    own_job = scope.own_job_id
    if layer is Layer.CPD_TEAM and scope.best_level(CPD) < Level.DECIDE:
        raise PermissionDenied("You may view and comment on CPD but not approve or decline it for the CPD team.")
    own_person = own_person_id(session, scope)
    current = _lock_rows(session, layer, ids, progress)
    refused = act.central_refusals(CPD, {row.org for row in current.values()}, "decide CPD")
    applied: list[int] = []
    on_behalf: list[int] = []
    skipped: list[Skipped] = []
    change_without_reason = False
    for activity_id in ids:
        row = current.get(activity_id)
        if row is None:
            skipped.append(Skipped(activity_id, "", "", SkipReason.NOT_FOUND))
            continue
        decider = scope.reaches_job(CPD, row.org, row.job_id, Level.DECIDE) and row.org not in refused
        as_manager = layer is Layer.LINE_MANAGER and own_job is not None and row.line_manager_job_id == own_job
        why: SkipReason | LayerSkip | None = None
        if row.version != shown_versions[activity_id]:
            why = SkipReason.CHANGED
        elif not (decider or as_manager):
            why = SkipReason.NOT_PERMITTED
        elif own_person is not None and row.person_id == own_person:
            why = SkipReason.OWN_REQUEST
        elif row.partnership_state is PartnershipState.WITHDRAWN:
            why = LayerSkip.WITHDRAWN
        elif row.state == decision:
            why = LayerSkip.SAME
        elif row.state.value != "pending" and layer is Layer.CPD_TEAM:
            why = SkipReason.ALREADY_DECIDED
        if why is not None:
            skipped.append(Skipped(activity_id, row.title, row.individual, why, row.organisation))  # type: ignore[arg-type]  # a layer's own reasons read the same
            continue
        if row.state.value != "pending":
            change_without_reason = change_without_reason or not reason
        applied.append(activity_id)
        if not as_manager:
            on_behalf.append(activity_id)
    if change_without_reason:
        raise ValidationError(
            "Give a reason to change the line manager's answer (a change of staffing, say): "
            "the individual is told why. Nothing was changed."
        )
    if applied:
        _apply(act, layer, decision, reason, applied, set(on_behalf), current, progress)
        act.changed(ACTIVITIES, applied)
    return LayerResult(layer, decision, tuple(applied), tuple(skipped), tuple(on_behalf))


def _lock_rows(session: Session, layer: Layer, ids: Sequence[int], progress: Progress) -> dict[int, _Row]:
    """The rows as they are now, locked in id order on PostgreSQL (as sign-off does, so no deadlock)."""
    a = CpdActivity
    columns: tuple[Any, ...]
    if layer is Layer.LINE_MANAGER:
        columns = (a.line_manager_state, a.line_manager_decided_at, a.line_manager_user_id, a.line_manager_reason)
    else:
        columns = (a.cpd_team_state, a.cpd_team_decided_at, a.cpd_team_user_id, a.cpd_team_reason)
    lock = session.get_bind().dialect.name == "postgresql"
    current: dict[int, _Row] = {}
    for done, chunk in enumerate(_chunks(ids)):
        query = (
            select(
                a.id,
                a.version,
                a.organisation_id,
                a.job_id,
                Job.person_id,
                a.title,
                Person.first_name + " " + Person.last_name,
                Organisation.name,
                Job.line_manager_job_id,
                _manager_person.first_name + " " + _manager_person.last_name,
                a.partnership_state,
                *columns,
            )
            .join(Job, Job.id == a.job_id)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == a.organisation_id)
            .outerjoin(_manager_job, _manager_job.id == Job.line_manager_job_id)
            .outerjoin(_manager_person, _manager_person.id == _manager_job.person_id)
            .where(a.id.in_(chunk))
        )
        if lock:
            query = query.order_by(a.id).with_for_update(of=a)
        for row in session.connection().execute(query):
            current[row[0]] = _Row(*row[1:])
        progress.report(min((done + 1) * CHUNK, len(ids)), len(ids) * 2, "Checking the ticked activities…")
    return current


def _apply(
    act: Action,
    layer: Layer,
    decision: LayerState,
    reason: str,
    applied: Sequence[int],
    on_behalf: set[int],
    current: Mapping[int, _Row],
    progress: Progress,
) -> None:
    session, user_id = act.session, act.user_id
    now = utcnow()
    prefix = layer.value
    values: dict[str, Any] = {
        f"{prefix}_state": decision,
        f"{prefix}_decided_at": now,
        f"{prefix}_user_id": user_id,
        f"{prefix}_reason": reason or None,
        "version": CpdActivity.version + 1,
    }
    if layer is Layer.LINE_MANAGER:
        # the line manager whose answer this is, whoever typed it in
        values["line_manager_job_id"] = (
            select(Job.line_manager_job_id).where(Job.id == CpdActivity.job_id).scalar_subquery()
        )
    verb = VERBS[decision]
    whose = "Your line manager" if layer is Layer.LINE_MANAGER else "The CPD team"
    connection = session.connection()
    done = 0
    for chunk in _chunks(applied):
        connection.execute(update(CpdActivity).where(CpdActivity.id.in_(chunk)).values(values))
        audit: list[dict[str, Any]] = []
        notices: list[dict[str, Any]] = []
        for activity_id in chunk:
            row = current[activity_id]
            behalf = layer is Layer.LINE_MANAGER and activity_id in on_behalf
            after: dict[str, Any] = {f"{prefix}_state": decision.value, "version": row.version + 1}
            if behalf:
                after["line_manager"] = row.line_manager or "the line manager"
            audit.append(
                {
                    **ACTIONS[(decision, behalf)],
                    "at": now,
                    "entity": "cpd_activity",
                    "entity_id": activity_id,
                    "before": {
                        f"{prefix}_state": row.state.value,
                        "version": row.version,
                        f"{prefix}_decided_at": row.decided_at.isoformat() if row.decided_at else None,
                        f"{prefix}_user_id": row.decided_by,
                        f"{prefix}_reason": row.reason,
                    },
                    "after": after,
                    "reason": reason or None,
                }
            )
            notices.append(
                {
                    "created_at": now,
                    "recipient_job_id": row.job_id,
                    "kind": f"{prefix}_{verb}",
                    "subject": f"{whose} {verb} your CPD request “{row.title}”"[:300],
                    "body": reason,
                    "activity_id": activity_id,
                }
            )
        act.audit_rows(audit)
        act.notify_rows(notices)
        done += len(chunk)
        progress.report(len(applied) + done, len(applied) * 2, f"Recording {done:,} of {len(applied):,} answers…")
        progress.check_cancelled()
