"""Undoing a partnership decision batch (C4) and recording completion (C2).

A revert restores every row of the batch to the partnership state it had
before, from the batch's own audit rows, in one transaction.  It is all or
nothing: if any row changed since the decision (another decision, an edit),
nothing is reverted and the rows in the way are named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.actions import Action, begin
from db.engine import Database
from db.errors import PermissionDenied, StaleData, ValidationError
from db.models import (
    AuditEntry,
    CompletionState,
    CpdActivity,
    CpdTeamState,
    DecisionBatch,
    LineManagerState,
    Module,
    PartnershipState,
    utcnow,
)
from db.progress import NullProgress, Progress
from db.queries.activities import ACTIVITIES
from db.services.flood_fill import UNDECIDED_BEFORE
from db.services.signoff import _chunks

_RESTORED = (
    "partnership_state",
    "partnership_decided_at",
    "partnership_user_id",
    "partnership_reason",
    "decision_batch_id",
    "charged_organisation_id",
)


@dataclass(frozen=True, slots=True)
class RevertResult:
    batch_id: int
    restored: tuple[int, ...]


def _parse_moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def revert_batch(
    db: Database, user_id: int, batch_id: int, reason: str = "", *, progress: Progress | None = None
) -> RevertResult:
    """Put every activity of the batch back as it was before the decision, or change nothing."""
    progress = progress or NullProgress()
    with begin(db, user_id) as act:
        session, scope = act.session, act.scope
        batch = act.fetch(DecisionBatch, batch_id, missing="That decision no longer exists.")
        if batch.reverted_at is not None:
            raise ValidationError("That decision was already undone.")
        if batch.user_id != user_id and not scope.is_primary:
            raise PermissionDenied("Only the person who made a decision, or the primary user, may undo it.")
        entries: Sequence[tuple[Any, Any, Any]] = (
            session.execute(
                select(AuditEntry.entity_id, AuditEntry.before, AuditEntry.after).where(
                    AuditEntry.decision_batch_id == batch_id, AuditEntry.action.like("partnership_%")
                )
            )
            .tuples()
            .all()
        )
        if not entries and batch.source == "flood_fill":
            entries = _pre_authorised_without_audit(session, batch_id)
        before = {entity_id: (b or {}) for entity_id, b, _a in entries}
        after_version = {entity_id: (a or {}).get("version") for entity_id, _b, a in entries}
        ids = sorted(before)
        total = len(ids)
        if total != batch.activity_count:
            # Never report an undo that changes nothing (or only part of the decision).
            raise ValidationError(
                f"This decision covered {batch.activity_count:,} activities but the audit log records "
                f"{total:,} of them, so it cannot be undone as a whole; nothing was changed. "
                "Decide the activities again by hand instead."
            )
        current: dict[int, tuple[int, int | None, int]] = {}
        for done, chunk in enumerate(_chunks(ids)):
            query = select(
                CpdActivity.id, CpdActivity.version, CpdActivity.decision_batch_id, CpdActivity.organisation_id
            ).where(CpdActivity.id.in_(chunk))
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update()
            for activity_id, version, row_batch, org in session.execute(query):
                current[activity_id] = (version, row_batch, org)
            progress.report(min((done + 1) * len(chunk), total), total * 2, "Checking the decided activities…")
        changed = [i for i in ids if i not in current or current[i][0] != after_version[i] or current[i][1] != batch_id]
        if changed:
            shown = ", ".join(str(i) for i in changed[:10]) + ("…" if len(changed) > 10 else "")
            raise StaleData(
                f"{len(changed):,} of the {total:,} activities changed after this decision (ids {shown}), "
                "so nothing was undone. Decide those rows again by hand instead."
            )
        act.require_central(
            Module.PARTNERSHIP_CPD,
            {current[i][2] for i in ids},
            "authorise or reject CPD",
            then="So this decision cannot be undone; nothing was undone.",
        )
        _restore(act, batch, ids, before, reason.strip(), progress, total)
        act.changed(ACTIVITIES, ids)
        batch.reverted_at = utcnow()
        batch.reverted_by_user_id = user_id
        progress.check_cancelled()
    return RevertResult(batch_id=batch_id, restored=tuple(ids))


def _pre_authorised_without_audit(session: Session, batch_id: int) -> list[tuple[Any, Any, Any]]:
    """A flood fill pre-authorised by an older TrustDesk wrote no decision audit rows.

    What it did is still known exactly: it created each activity already
    authorised (version 1) where it would otherwise have been pending, so the
    rows still carrying the batch at version 1 are restored to pending; a row
    changed since (a higher version) stops the undo as any changed row does.
    """
    rows = session.execute(select(CpdActivity.id).where(CpdActivity.decision_batch_id == batch_id)).scalars()
    return [(activity_id, dict(UNDECIDED_BEFORE), {"version": 1}) for activity_id in rows]


def _restore(
    act: Action,
    batch: DecisionBatch,
    ids: Sequence[int],
    before: dict[int, dict],
    reason: str,
    progress: Progress,
    total: int,
) -> None:
    """Group rows by the state they return to, so that a typical batch is one UPDATE per chunk."""
    session = act.session
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i in ids:
        b = before[i]
        groups[tuple(b.get(key) for key in _RESTORED)].append(i)
    now = utcnow()
    verb = "authorised" if batch.decision is PartnershipState.AUTHORISED else "rejected"
    done = 0
    for key, members in groups.items():
        values = dict(zip(_RESTORED, key, strict=True))
        values["partnership_state"] = PartnershipState(values["partnership_state"])
        values["partnership_decided_at"] = _parse_moment(values["partnership_decided_at"])
        values["version"] = CpdActivity.version + 1
        for chunk in _chunks(members):
            session.execute(
                update(CpdActivity).where(CpdActivity.id.in_(chunk)).values(values),
                execution_options={"synchronize_session": False},
            )
            job_query = select(CpdActivity.id, CpdActivity.job_id).where(CpdActivity.id.in_(chunk))
            jobs = dict(session.execute(job_query).tuples().all())
            act.audit_rows(
                [
                    {
                        "at": now,
                        "action": "partnership_reverted",
                        "entity": "cpd_activity",
                        "entity_id": i,
                        "before": {"partnership_state": batch.decision.value, "decision_batch_id": batch.id},
                        "after": {"partnership_state": values["partnership_state"].value},
                        "reason": reason or f"Undid decision batch {batch.id}",
                        "decision_batch_id": None,
                    }
                    for i in chunk
                ]
            )
            act.notify_rows(
                [
                    {
                        "created_at": now,
                        "recipient_job_id": jobs[i],
                        "kind": "partnership_reverted",
                        "subject": f"The partnership's decision ({verb}) on your CPD request was withdrawn",
                        "body": "It will be decided again.",
                        "activity_id": i,
                    }
                    for i in chunk
                ]
            )
            done += len(chunk)
            progress.report(total + done, total * 2, f"Undoing {done:,} of {total:,} decisions…")


def completion_refusal(
    partnership: PartnershipState, line_manager: LineManagerState, cpd_team: CpdTeamState
) -> str | None:
    """Why this activity cannot be marked completed, or None when it can.

    The trust's rule: completion is recorded for a request nobody turned down,
    that is not rejected by the partnership, not denied by the line manager and
    not declined by the CPD team.  A request still pending authorisation may be
    completed (staff often attend before the paperwork catches up); a refused one
    may not, or the records would show training the trust said no to.
    """
    if partnership is PartnershipState.WITHDRAWN:
        return "It was withdrawn: a withdrawn request cannot be completed."
    if partnership is PartnershipState.REJECTED:
        return "It was rejected by the partnership: a rejected request cannot be completed."
    if line_manager is LineManagerState.DENIED:
        return "It was denied by the line manager: a denied request cannot be completed."
    if cpd_team is CpdTeamState.DECLINED:
        return "It was declined by the CPD team: a declined request cannot be completed."
    return None


def mark_completed(
    db: Database, user_id: int, activity_id: int, shown_version: int, completed_on: date
) -> CompletionState:
    """Record that the activity was completed on a date (C2), audited.

    Refused for a request that was turned down (``completion_refusal``) and for a
    date after today: completion records what happened, not what is planned.
    """
    if completed_on > date.today():
        raise ValidationError("The completion date is in the future: record completion on or after the day itself.")
    with begin(db, user_id) as act:
        row = act.fetch(CpdActivity, activity_id, missing="That activity no longer exists.")
        act.require_central(Module.PARTNERSHIP_CPD, [row.organisation_id], "record completion")
        act.check_version(
            row,
            shown_version,
            "This activity",
            message="Someone changed this activity since it was shown. Reload it and try again.",
        )
        if completed_on < row.starts_on:
            raise ValidationError("An activity cannot be completed before it starts.")
        if refusal := completion_refusal(row.partnership_state, row.line_manager_state, row.cpd_team_state):
            raise ValidationError(refusal)
        before = {"completion_state": row.completion_state.value, "completed_on": _iso(row.completed_on)}
        act.session.execute(
            update(CpdActivity)
            .where(CpdActivity.id == activity_id)
            .values(completion_state=CompletionState.COMPLETED, completed_on=completed_on, version=row.version + 1),
            execution_options={"synchronize_session": False},
        )
        act.audit(
            "completion_recorded",
            "cpd_activity",
            activity_id,
            before=before,
            after={"completion_state": CompletionState.COMPLETED.value, "completed_on": completed_on.isoformat()},
        )
        act.notify(
            row.job_id,
            "completion_recorded",
            f"Your CPD “{row.title}” was recorded as completed",
            "You can now record what it was worth: hours, a rating, its impact.",
            activity_id=activity_id,
        )
        act.changed(ACTIVITIES, activity_id)
    return CompletionState.COMPLETED


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
