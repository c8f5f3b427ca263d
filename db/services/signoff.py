"""Partnership authorisation of one or many activities (C3, C4, C7, A2).

One call is one transaction: either every decidable row is decided, with its
audit row and a notification to the individual, or nothing changes.  Rows
that cannot be decided are never guessed about; they come back in
``SignOffResult.skipped`` with the reason.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, literal, select, update
from sqlalchemy.orm import Session

from db.actions import Action, begin
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import CpdActivity, DecisionBatch, Job, Level, Module, Organisation, PartnershipState, Person, utcnow
from db.progress import NullProgress, Progress
from db.queries.activities import ACTIVITIES
from db.queries.decidability import decide_rules_in

CHUNK = 2000
DECISIONS = (PartnershipState.AUTHORISED, PartnershipState.REJECTED)
UNDECIDED = (PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION)


class SkipReason(enum.StrEnum):
    CHANGED = "changed since it was shown"
    NOT_PERMITTED = "you may not decide for this organisation"
    NOT_SHARED = "the school does not share group actions"
    OWN_REQUEST = "it is your own request"
    ALREADY_DECIDED = "it was already decided"
    NOT_FOUND = "it no longer exists"


@dataclass(frozen=True, slots=True)
class Skipped:
    activity_id: int
    title: str
    individual: str
    reason: SkipReason
    organisation: str = ""  # the result names each left-alone row's organisation


@dataclass(frozen=True)
class SignOffResult:
    decision: PartnershipState
    batch_id: int | None
    applied: tuple[int, ...]
    skipped: tuple[Skipped, ...] = field(default_factory=tuple)

    def count(self, reason: SkipReason) -> int:
        return sum(1 for row in self.skipped if row.reason is reason)

    @property
    def changed_ids(self) -> frozenset[int]:
        return frozenset(self.applied)


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def sign_off(
    db: Database,
    user_id: int,
    shown_versions: Mapping[int, int],
    decision: PartnershipState,
    reason: str = "",
    *,
    source: str = "panel",
    progress: Progress | None = None,
) -> SignOffResult:
    """Authorise or reject the given activities at the versions the user saw them."""
    progress = progress or NullProgress()
    with begin(db, user_id) as act:
        result = sign_off_in(act, shown_versions, decision, reason, source=source, progress=progress)
        progress.check_cancelled()
    return result


def sign_off_in(
    act: Action,
    shown_versions: Mapping[int, int],
    decision: PartnershipState,
    reason: str = "",
    *,
    source: str = "panel",
    progress: Progress | None = None,
) -> SignOffResult:
    """The rules of ``sign_off`` inside an action the caller owns.

    For callers that take several decisions as one user action (a workbook's
    rows carry their own reasons): they ``begin`` one action, call this once
    per (decision, reason) group, and commit or roll back all of it; the
    action's scope is read once for every group.
    """
    progress = progress or NullProgress()
    if decision not in DECISIONS:
        raise ValidationError("A partnership decision is either Authorise or Reject.")
    reason = reason.strip()
    if decision is PartnershipState.REJECTED and not reason:
        raise ValidationError("Give a reason to reject: the individual is told why.")
    if not shown_versions:
        raise ValidationError("No activities were ticked, so nothing was decided.")

    ids = sorted(shown_versions)
    total = len(ids)
    session, scope = act.session, act.scope
    if scope.best_level(Module.PARTNERSHIP_CPD) < Level.DECIDE:
        raise PermissionDenied("You may view partnership CPD but not authorise or reject it.")
    rules = decide_rules_in(session, scope)  # own jobs; and *why* a school is out of reach (D6)
    unshared, own_jobs = rules.unshared_orgs, rules.own_job_ids

    current = _lock_rows(session, ids, progress, total)
    refused = act.central_refusals(
        Module.PARTNERSHIP_CPD, {row.org for row in current.values()}, "authorise or reject CPD"
    )
    applied: list[int] = []
    left_alone: list[tuple[int, SkipReason]] = []
    for activity_id in ids:
        row = current.get(activity_id)
        if row is None:
            left_alone.append((activity_id, SkipReason.NOT_FOUND))
            continue
        permitted = (
            scope.reaches_job(Module.PARTNERSHIP_CPD, row.org, row.job_id, Level.DECIDE) and row.org not in refused
        )
        why = _why_not(row, shown_versions[activity_id], permitted, own_jobs)
        if why is SkipReason.NOT_PERMITTED and row.org in unshared:
            why = SkipReason.NOT_SHARED
        if why is None:
            applied.append(activity_id)
        else:
            left_alone.append((activity_id, why))
    skipped = _named(session, left_alone)

    batch_id = None
    if applied:
        batch_id = _apply(act, decision, reason, source, applied, current, progress, total)
        act.changed(ACTIVITIES, applied)
    return SignOffResult(decision=decision, batch_id=batch_id, applied=tuple(applied), skipped=tuple(skipped))


@dataclass(frozen=True, slots=True)
class _Current:
    """What deciding a row needs of it: the columns of the row itself, no join (names are read
    afterwards for the rows left alone only)."""

    version: int
    org: int
    state: PartnershipState
    job_id: int
    title: str
    decided_at: datetime | None = None
    decided_by: int | None = None
    reason: str | None = None
    batch_id: int | None = None
    charged_org: int | None = None

    def before(self) -> dict:
        """The partnership layer as it was, complete enough for a revert to restore it."""
        return {
            "partnership_state": self.state.value,
            "version": self.version,
            "partnership_decided_at": self.decided_at.isoformat() if self.decided_at else None,
            "partnership_user_id": self.decided_by,
            "partnership_reason": self.reason,
            "decision_batch_id": self.batch_id,
            "charged_organisation_id": self.charged_org,
        }


_LOCK_COLUMNS = (
    CpdActivity.id,
    CpdActivity.version,
    CpdActivity.organisation_id,
    CpdActivity.partnership_state,
    CpdActivity.job_id,
    CpdActivity.title,
    CpdActivity.partnership_decided_at,
    CpdActivity.partnership_user_id,
    CpdActivity.partnership_reason,
    CpdActivity.decision_batch_id,
    CpdActivity.charged_organisation_id,
)


def _lock_rows(session: Session, ids: Sequence[int], progress: Progress, total: int) -> dict[int, _Current]:
    """Read the rows as they are now, locking them against concurrent deciders.

    SQLite's write transaction (BEGIN IMMEDIATE) already excludes other
    writers; on PostgreSQL ``FOR UPDATE`` makes a concurrent sign-off wait and
    then see our new versions.  Locks are taken in id order (ids are sorted and
    each chunk is ordered), so two overlapping sign-offs never deadlock.
    """
    current: dict[int, _Current] = {}
    lock = session.get_bind().dialect.name == "postgresql"
    connection = session.connection()
    for done, chunk in enumerate(_chunks(ids)):
        query = select(*_LOCK_COLUMNS).where(CpdActivity.id.in_(chunk))
        if lock:
            query = query.order_by(CpdActivity.id).with_for_update(of=CpdActivity)
        for row in connection.execute(query):
            current[row[0]] = _Current(*row[1:])
        progress.report(min((done + 1) * CHUNK, total), total * 2, "Checking the ticked activities…")
    return current


def _named(session: Session, left_alone: Sequence[tuple[int, SkipReason]]) -> list[Skipped]:
    """The rows left alone with their title, individual and organisation, for the result to list."""
    names: dict[int, tuple[str, str, str]] = {}
    found = [activity_id for activity_id, why in left_alone if why is not SkipReason.NOT_FOUND]
    for chunk in _chunks(found):
        for activity_id, title, individual, organisation in session.connection().execute(
            select(CpdActivity.id, CpdActivity.title, Person.first_name + " " + Person.last_name, Organisation.name)
            .join(Job, Job.id == CpdActivity.job_id)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == CpdActivity.organisation_id)
            .where(CpdActivity.id.in_(chunk))
        ):
            names[activity_id] = (title, individual, organisation)
    skipped = []
    for activity_id, why in left_alone:
        title, individual, organisation = names.get(activity_id, ("", "", ""))
        skipped.append(Skipped(activity_id, title, individual, why, organisation))
    return skipped


def _why_not(row: _Current, shown_version: int, may_decide: bool, own_jobs: frozenset[int]) -> SkipReason | None:
    if row.version != shown_version:
        return SkipReason.CHANGED
    if not may_decide:
        return SkipReason.NOT_PERMITTED
    if row.job_id in own_jobs:
        return SkipReason.OWN_REQUEST  # any job of the user's own person (C3)
    if row.state not in UNDECIDED:
        return SkipReason.ALREADY_DECIDED
    return None


def _apply(
    act: Action,
    decision: PartnershipState,
    reason: str,
    source: str,
    applied: Sequence[int],
    current: Mapping[int, _Current],
    progress: Progress,
    total: int,
) -> int:
    session, user_id = act.session, act.user_id
    now = utcnow()
    batch = DecisionBatch(
        decided_at=now, user_id=user_id, decision=decision, reason=reason, activity_count=len(applied), source=source
    )
    session.add(batch)
    session.flush()
    authorised = decision is PartnershipState.AUTHORISED
    values = {
        "partnership_state": decision,
        "partnership_decided_at": now,
        "partnership_user_id": user_id,
        "partnership_reason": reason or None,
        "decision_batch_id": batch.id,
        "charged_organisation_id": CpdActivity.organisation_id if authorised else None,
        "version": CpdActivity.version + 1,
    }
    connection = session.connection()  # Core statements: no ORM bookkeeping for rows we never load
    done = 0
    for chunk in _chunks(applied):
        connection.execute(update(CpdActivity).where(CpdActivity.id.in_(chunk)).values(values))
        record_decisions(
            act,
            Decided(now=now, decision=decision, reason=reason, batch_id=batch.id),
            [
                (activity_id, current[activity_id].job_id, current[activity_id].title, current[activity_id].before(),
                 current[activity_id].version + 1)
                for activity_id in chunk
            ],
        )  # fmt: skip
        done += len(chunk)
        progress.report(total + done, total * 2, f"Recording {done:,} of {len(applied):,} decisions…")
        progress.check_cancelled()
    return batch.id


@dataclass(frozen=True, slots=True)
class Decided:
    """What every row of one partnership decision shares: when, who, what and why."""

    now: datetime
    decision: PartnershipState
    reason: str
    batch_id: int

    @property
    def verb(self) -> str:
        return "authorised" if self.decision is PartnershipState.AUTHORISED else "rejected"

    @property
    def action(self) -> str:
        return f"partnership_{self.verb}"


def _audit_row(decided: Decided, before: dict | None, version_after: int | None) -> dict[str, Any]:
    """Every column of a decision's audit row but the activity's id (the action stamps who)."""
    return {
        "at": decided.now,
        "action": decided.action,
        "entity": "cpd_activity",
        "before": before,
        "after": {"partnership_state": decided.decision.value, "version": version_after},
        "reason": decided.reason or None,
        "decision_batch_id": decided.batch_id,
    }


def _notice_row(decided: Decided) -> dict[str, Any]:
    """Every column of a decision's notification but the activity, its job and its title."""
    return {"created_at": decided.now, "kind": decided.action, "body": decided.reason}


def _subject(decided: Decided) -> tuple[str, str]:
    """The notification's subject, before and after the activity's title."""
    return "Your CPD request “", f"” was {decided.verb} by the partnership"


def record_decisions(act: Action, decided: Decided, rows: Sequence[tuple[int, int, str, dict, int]]) -> None:
    """Write one decision audit row and one notification per decided activity (C3, A2, N1).

    The one place that says what a partnership decision leaves behind, used by
    sign-off and (set-based, ``record_decisions_of``) by a pre-authorised flood
    fill alike, so that however an activity comes to be authorised the
    individual is told and the log can undo it.  ``rows`` are
    ``(activity_id, job_id, title, before, version_after)``; ``before`` holds the
    partnership columns as they were (what an undo restores).  The action holds
    the change itself.  Both go through the driver's ``executemany`` as tuples:
    10,000 decisions are 20,000 rows.
    """
    audit = _audit_row(decided, None, None)
    varying = ("entity_id", "before", "after")
    constants = {name: value for name, value in audit.items() if name not in varying}
    state = decided.decision.value
    act.audit_many(
        constants,
        varying,
        [(activity_id, before, {"partnership_state": state, "version": version_after})
         for activity_id, _job, _title, before, version_after in rows],
    )  # fmt: skip
    opening, closing = _subject(decided)
    act.notify_many(
        _notice_row(decided),
        ("recipient_job_id", "subject", "activity_id"),
        [(job_id, f"{opening}{title}{closing}"[:300], activity_id) for activity_id, job_id, title, _b, _v in rows],
    )


def record_decisions_of(act: Action, decided: Decided, activities: Select, before: dict, version_after: int) -> None:
    """``record_decisions`` for many activities that were all in the same state before, in two
    INSERT … SELECT statements: the rows never travel through Python, which keeps a pre-authorised
    flood fill of thousands of jobs close to the cost of inserting the activities themselves.

    ``activities`` selects the activities' ``id``, ``job_id`` and ``title`` columns.
    """
    chosen = activities.subquery()
    act.audit_from_select(_audit_row(decided, before, version_after), select(chosen.c.id), ["entity_id"])
    opening, closing = _subject(decided)
    subject = (literal(opening) + chosen.c.title + literal(closing)).label("subject")
    act.notify_from_select(
        _notice_row(decided),
        select(chosen.c.job_id, subject, chosen.c.id),
        ["recipient_job_id", "subject", "activity_id"],
    )
