"""Applying the decisions a budget workbook records (C3, C4): the writing half of the workbook import.

``db.excel.import_decisions`` reads and checks the file; this service then,
as ONE user action (``db.actions.begin``), checks every row with a decision
against the database and signs off the decidable ones with exactly the
panel's rules (``signoff.sign_off_in``), one decision batch per (decision,
reason) group.  Either all of that commits or none of it does; a dry run does
all of it and rolls back.

A workbook exported from another database is refused as a whole (ids are
only row numbers of one database).  For each row, scope is checked first;
then the visible cells that say which activity the row is about (Individual,
Organisation, Activity, Starts) must still describe the activity the hidden id
names, so an edited or swapped id decides nothing.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.actions import Action, begin
from db.database_identity import read_database_identity
from db.engine import Database
from db.errors import PermissionDenied
from db.excel.layout import HEADERS, INDIVIDUAL_COL, ORGANISATION_COL, STARTS_COL, TITLE_COL
from db.excel.safety import WorkbookRefused
from db.excel.workbook_reader import RowDecision
from db.models import CpdActivity, Job, Level, Module, Organisation, PartnershipState, Person
from db.progress import Progress
from db.services.signoff import SkipReason, sign_off_in

CHUNK = 2000
#: for an id that names no activity, or one the user may not even see: the two are not told apart
NOT_FOUND = "there is no activity with this id that you may see"
VERBS = {PartnershipState.AUTHORISED: "authorised", PartnershipState.REJECTED: "rejected"}


class Outcome(enum.StrEnum):
    APPLIED = "applied"
    ALREADY = "already decided this way"
    CHANGED = "changed since the export"
    REFUSED = "refused"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class RowOutcome:
    row: int
    activity_id: int | None
    title: str
    individual: str
    decision: PartnershipState | None
    outcome: Outcome
    why: str = ""
    typed: str = ""  # the Decision cell as typed, for rows that could not be read as a decision


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back after computing its result."""


class _GroupProgress:
    """Maps one group's sign-off progress onto the whole import's."""

    def __init__(self, outer: Progress, offset: int, size: int, total: int) -> None:
        self.outer, self.offset, self.size, self.total = outer, offset, size, total

    def report(self, done: int, total: int, text: str = "") -> None:
        fraction = done / total if total else 1.0
        overall = self.offset + int(fraction * self.size)
        self.outer.report(overall, self.total, f"Applying decisions: {overall:,} of {self.total:,}…")

    def check_cancelled(self) -> None:
        self.outer.check_cancelled()


def apply_workbook_decisions(
    db: Database,
    user_id: int,
    decisions: Sequence[RowDecision],
    *,
    workbook: str,
    exported_id: str,
    exported_from: str,
    dry_run: bool,
    progress: Progress,
) -> tuple[list[RowOutcome], list[int]]:
    """Check each decision against the database and apply the decidable ones as one user action.

    Returns every row's outcome and the decision batches made (none for a dry run, which
    rolls everything back and so publishes no change).
    """
    outcomes: list[RowOutcome] = []
    batch_ids: list[int] = []
    try:
        with begin(db, user_id) as act:
            _check_same_database(act.session, workbook, exported_id, exported_from, db.display)
            if decisions:
                outcomes, batch_ids = _apply(act, decisions, progress)
            progress.check_cancelled()
            if dry_run:
                raise _DryRun
    except _DryRun:
        batch_ids = []
    return outcomes, batch_ids


def _check_same_database(session: Session, name: str, exported_id: str, exported_from: str, here: str) -> None:
    """Refuse, as a whole, a workbook exported from another database.

    Activity ids are only row numbers of one database: in another database the
    same id is some other person's activity.  A copy of this database (same
    identity) is let through; its rows are still each checked.
    """
    if read_database_identity(session) == exported_id:
        return
    where = f" ({exported_from})" if exported_from else ""
    raise WorkbookRefused(
        f"“{name}” was exported from another TrustDesk database{where}, not from this one ({here}): its rows "
        "would decide unrelated activities here. Nothing was imported; import it into the database it came "
        "from, or export a fresh workbook from this one."
    )


def _apply(act: Action, decisions: Sequence[RowDecision], progress: Progress) -> tuple[list[RowOutcome], list[int]]:
    session, scope = act.session, act.scope
    if scope.best_level(Module.PARTNERSHIP_CPD) < Level.DECIDE:
        raise PermissionDenied("You may view partnership CPD but not authorise or reject it, so nothing was imported.")
    current = _current(session, [d.activity_id for d in decisions])
    outcomes: list[RowOutcome] = []
    groups: dict[tuple[PartnershipState, str], list[RowDecision]] = defaultdict(list)
    for d in decisions:
        found = current.get(d.activity_id)
        # Scope first: nothing else is said about an activity the user may not decide.
        if found is None or not scope.reaches_job(Module.PARTNERSHIP_CPD, found.org_id, found.job_id):
            outcomes.append(_outcome(d, Outcome.REFUSED, NOT_FOUND))
            continue
        if not scope.reaches_job(Module.PARTNERSHIP_CPD, found.org_id, found.job_id, Level.DECIDE):
            outcomes.append(_outcome(d, Outcome.REFUSED, SkipReason.NOT_PERMITTED.value))
            continue
        differ = _differences(d, found)
        if differ and found.version == d.version:
            why = (
                f"it does not match activity {d.activity_id}: the {differ} differ (was the hidden id edited, or "
                "were rows copied over each other?)"
            )
            outcomes.append(_outcome(d, Outcome.INVALID, why))
        elif differ:
            why = f"activity {d.activity_id} was changed since the export: the {differ} no longer match the row"
            outcomes.append(_outcome(d, Outcome.CHANGED, why))
        elif found.state is d.decision:
            when = "since the export" if found.version != d.version else "before the export"
            outcomes.append(_outcome(d, Outcome.ALREADY, f"it was already {VERBS[d.decision]} {when}"))
        else:
            groups[(d.decision, d.reason)].append(d)

    batch_ids: list[int] = []
    total = sum(len(rows) for rows in groups.values())
    offset = 0
    for (decision, reason), rows in groups.items():
        by_id = {row.activity_id: row for row in rows}
        result = sign_off_in(
            act,
            {row.activity_id: row.version for row in rows},
            decision,
            reason,
            source="workbook",
            progress=_GroupProgress(progress, offset, len(rows), total),
        )
        offset += len(rows)
        if result.batch_id is not None:
            batch_ids.append(result.batch_id)
        outcomes.extend(_outcome(by_id[i], Outcome.APPLIED) for i in result.applied)
        for skipped in result.skipped:
            kind = Outcome.CHANGED if skipped.reason is SkipReason.CHANGED else Outcome.REFUSED
            outcomes.append(_outcome(by_id[skipped.activity_id], kind, skipped.reason.value))
    return outcomes, batch_ids


@dataclass(frozen=True, slots=True)
class _Now:
    """An activity as the database has it, with what the workbook row shows of it."""

    version: int
    org_id: int
    job_id: int
    state: PartnershipState
    title: str
    individual: str
    organisation: str
    starts: date


def _current(session: Session, ids: list[int]) -> dict[int, _Now]:
    found: dict[int, _Now] = {}
    ordered = sorted(set(ids))
    a = CpdActivity
    columns = (
        a.id,
        a.version,
        a.organisation_id,
        a.job_id,
        a.partnership_state,
        a.title,
        Person.first_name + " " + Person.last_name,  # as the export writes the Individual
        Organisation.name,
        a.starts_on,
    )
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        query = (
            select(*columns)
            .join(Job, Job.id == a.job_id)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == a.organisation_id)
            .where(a.id.in_(chunk))
        )
        for activity_id, *rest in session.execute(query):
            found[activity_id] = _Now(*rest)
    return found


def _differences(d: RowDecision, now: _Now) -> str:
    """The identity cells of the row that do not describe the activity its hidden id names, in words."""
    shown = (
        (HEADERS[INDIVIDUAL_COL], _same(d.individual, now.individual)),
        (HEADERS[ORGANISATION_COL], _same(d.organisation, now.organisation)),
        (HEADERS[TITLE_COL], _same(d.title, now.title)),
        (HEADERS[STARTS_COL], d.starts == now.starts),
    )
    names = [f"“{name}”" for name, same in shown if not same]
    if not names:
        return ""
    return (" and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]) + " cells"


def _same(typed: str, stored: str) -> bool:
    """Equal but for runs of spaces, which spreadsheet programs may trim or collapse."""
    return " ".join(typed.split()) == " ".join((stored or "").split())


def _outcome(d: RowDecision, outcome: Outcome, why: str = "") -> RowOutcome:
    return RowOutcome(d.row, d.activity_id, d.title, d.individual, d.decision, outcome, why)
