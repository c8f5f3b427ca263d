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

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import (
    AuditEntry,
    CpdActivity,
    DecisionBatch,
    Job,
    Level,
    Module,
    Notification,
    Organisation,
    PartnershipState,
    Person,
    utcnow,
)
from db.progress import NullProgress, Progress
from db.queries.decidability import decide_rules_in
from db.scope import Scope, own_person_id, scope_for

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
    with db.transaction() as session:
        result = sign_off_in(session, db, user_id, shown_versions, decision, reason, source=source, progress=progress)
        progress.check_cancelled()
    return result


def sign_off_in(
    session: Session,
    db: Database,
    user_id: int,
    shown_versions: Mapping[int, int],
    decision: PartnershipState,
    reason: str = "",
    *,
    source: str = "panel",
    progress: Progress | None = None,
    scope: Scope | None = None,
) -> SignOffResult:
    """The rules of ``sign_off`` inside a transaction the caller owns.

    For callers that take several decisions as one user action (a workbook's
    rows carry their own reasons): they open one transaction, call this once
    per (decision, reason) group, and commit or roll back all of it.  Passing
    the ``scope`` read once at the start saves re-reading it for every group.
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
    scope = scope or scope_for(session, user_id)
    if scope.best_level(Module.PARTNERSHIP_CPD) < Level.DECIDE:
        raise PermissionDenied("You may view partnership CPD but not authorise or reject it.")
    own_person = own_person_id(session, scope)
    unshared = decide_rules_in(session, scope).unshared_orgs  # to say *why* a school is out of reach (D6)

    current = _lock_rows(session, ids, progress, total)
    applied: list[int] = []
    skipped: list[Skipped] = []
    for activity_id in ids:
        row = current.get(activity_id)
        if row is None:
            skipped.append(Skipped(activity_id, "", "", SkipReason.NOT_FOUND))
            continue
        why = _why_not(row, shown_versions[activity_id], scope.can_act(Module.PARTNERSHIP_CPD, row.org), own_person)
        if why is SkipReason.NOT_PERMITTED and row.org in unshared:
            why = SkipReason.NOT_SHARED
        if why is None:
            applied.append(activity_id)
        else:
            skipped.append(Skipped(activity_id, row.title, row.individual, why, row.organisation))

    batch_id = None
    if applied:
        batch_id = _apply(session, db, user_id, decision, reason, source, applied, current, progress, total)
    return SignOffResult(decision=decision, batch_id=batch_id, applied=tuple(applied), skipped=tuple(skipped))


@dataclass(frozen=True, slots=True)
class _Current:
    version: int
    org: int
    state: PartnershipState
    job_id: int
    person_id: int
    title: str
    individual: str
    organisation: str
    decided_at: object = None
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


def _lock_rows(session: Session, ids: Sequence[int], progress: Progress, total: int) -> dict[int, _Current]:
    """Read the rows as they are now, locking them against concurrent deciders.

    SQLite's write transaction (BEGIN IMMEDIATE) already excludes other
    writers; on PostgreSQL ``FOR UPDATE`` makes a concurrent sign-off wait and
    then see our new versions.  Locks are taken in id order (ids are sorted and
    each chunk is ordered), so two overlapping sign-offs never deadlock.
    """
    current: dict[int, _Current] = {}
    lock = session.get_bind().dialect.name == "postgresql"
    for done, chunk in enumerate(_chunks(ids)):
        query = (
            select(
                CpdActivity.id,
                CpdActivity.version,
                CpdActivity.organisation_id,
                CpdActivity.partnership_state,
                CpdActivity.job_id,
                Job.person_id,
                CpdActivity.title,
                Person.first_name + " " + Person.last_name,
                Organisation.name,
                CpdActivity.partnership_decided_at,
                CpdActivity.partnership_user_id,
                CpdActivity.partnership_reason,
                CpdActivity.decision_batch_id,
                CpdActivity.charged_organisation_id,
            )
            .join(Job, Job.id == CpdActivity.job_id)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == CpdActivity.organisation_id)
            .where(CpdActivity.id.in_(chunk))
        )
        if lock:
            query = query.order_by(CpdActivity.id).with_for_update(of=CpdActivity)
        for row in session.connection().execute(query):
            current[row[0]] = _Current(*row[1:])
        progress.report(min((done + 1) * CHUNK, total), total * 2, "Checking the ticked activities…")
    return current


def _why_not(row: _Current, shown_version: int, may_decide: bool, own_person: int | None) -> SkipReason | None:
    if row.version != shown_version:
        return SkipReason.CHANGED
    if not may_decide:
        return SkipReason.NOT_PERMITTED
    if own_person is not None and row.person_id == own_person:
        return SkipReason.OWN_REQUEST
    if row.state not in UNDECIDED:
        return SkipReason.ALREADY_DECIDED
    return None


def _apply(
    session: Session,
    db: Database,
    user_id: int,
    decision: PartnershipState,
    reason: str,
    source: str,
    applied: Sequence[int],
    current: Mapping[int, _Current],
    progress: Progress,
    total: int,
) -> int:
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
    verb = "authorised" if authorised else "rejected"
    identity = db.identity  # asks the OS for the login name: once, not once per row
    connection = session.connection()  # Core statements: no ORM bookkeeping for rows we never load
    done = 0
    for chunk in _chunks(applied):
        connection.execute(update(CpdActivity).where(CpdActivity.id.in_(chunk)).values(values))
        audit_rows = []
        notes = []
        for activity_id in chunk:
            row = current[activity_id]
            audit_rows.append(
                {
                    "at": now,
                    "user_id": user_id,
                    "db_identity": identity,
                    "action": f"partnership_{verb}",
                    "entity": "cpd_activity",
                    "entity_id": activity_id,
                    "before": row.before(),
                    "after": {"partnership_state": decision.value, "version": row.version + 1},
                    "reason": reason or None,
                    "decision_batch_id": batch.id,
                }
            )
            notes.append(
                {
                    "created_at": now,
                    "recipient_job_id": row.job_id,
                    "kind": f"partnership_{verb}",
                    "subject": f"Your CPD request “{row.title}” was {verb} by the partnership",
                    "body": reason,
                    "activity_id": activity_id,
                }
            )
        connection.execute(insert(AuditEntry.__table__), audit_rows)
        connection.execute(insert(Notification.__table__), notes)
        done += len(chunk)
        progress.report(total + done, total * 2, f"Recording {done:,} of {len(applied):,} decisions…")
        progress.check_cancelled()
    return batch.id
