"""Apply the decisions recorded offline in a budget workbook (C3, C4).

The workbook is read and checked first (``workbook_reader``); then, in ONE
transaction, every row with a decision is checked against the database and
the decidable ones are signed off with exactly the panel's rules
(``signoff.sign_off_in``), one decision batch per (decision, reason) group.
Either all of that commits or none of it does.

A workbook exported from another database is refused as a whole (ids are
only row numbers of one database).  For each row, scope is checked first;
then the visible cells that say which activity the row is about (Individual,
Organisation, Activity, Starts) must still describe the activity the hidden id
names, so an edited or swapped id decides nothing.

A row already decided the way the workbook asks (for instance because the
same workbook was imported before) is reported as "already decided" and
left alone, so importing twice applies nothing the second time.
"""

from __future__ import annotations

import enum
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.database_identity import DATABASE_ID_KEY, read_database_identity
from db.engine import Database
from db.errors import PermissionDenied
from db.excel.layout import HEADERS, INDIVIDUAL_COL, ORGANISATION_COL, STARTS_COL, TITLE_COL
from db.excel.safety import WorkbookRefused
from db.excel.workbook_reader import RowDecision, read_decisions
from db.models import CpdActivity, Job, Level, Module, Organisation, PartnershipState, Person
from db.progress import NullProgress, Progress
from db.scope import scope_for
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


@dataclass(frozen=True)
class ImportResult:
    workbook: str
    identity: dict[str, str]
    dry_run: bool
    rows: tuple[RowOutcome, ...]
    undecided: int
    batch_ids: tuple[int, ...] = ()
    warnings: tuple[str, ...] = ()
    elapsed_seconds: float = 0.0

    def of(self, outcome: Outcome) -> list[RowOutcome]:
        return [row for row in self.rows if row.outcome is outcome]

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome is outcome)

    @property
    def applied_ids(self) -> frozenset[int]:
        return frozenset(r.activity_id for r in self.rows if r.outcome is Outcome.APPLIED and r.activity_id)

    def summary_lines(self) -> list[str]:
        """The counts, in the words both the CLI and the result dialog use."""
        applied = self.of(Outcome.APPLIED)
        authorised = sum(1 for r in applied if r.decision is PartnershipState.AUTHORISED)
        would = "Would apply" if self.dry_run else "Applied"
        rejected = len(applied) - authorised
        lines = [f"{would} {len(applied):,} decisions ({authorised:,} authorised, {rejected:,} rejected)."]
        lines.append(f"Already decided this way, left alone: {self.count(Outcome.ALREADY):,}.")
        lines.append(f"Skipped because changed since the export: {self.count(Outcome.CHANGED):,}.")
        lines.append(f"Refused: {self.count(Outcome.REFUSED):,}.")
        lines.append(f"Invalid: {self.count(Outcome.INVALID):,}.")
        lines.append(f"No decision recorded: {self.undecided:,} rows.")
        if self.dry_run:
            lines.append("Dry run: nothing was changed.")
        return lines


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


def import_decisions(
    db: Database, user_id: int, path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Check a workbook's decisions and apply the valid ones as one user action.

    One transaction holds everything: the check that the workbook came from
    this database, the permission check, every row's checks and every
    sign-off (with its audit rows and notifications, ``sign_off_in``).  A dry
    run does all of it and rolls back.
    """
    progress = progress or NullProgress()
    started = time.perf_counter()
    path = Path(path)
    book = read_decisions(path, progress)
    exported_id = book.identity.get(DATABASE_ID_KEY, "")
    if not exported_id:
        raise WorkbookRefused(
            f"“{path.name}” does not say which TrustDesk database it was exported from, so its rows cannot be "
            "trusted to mean this database's activities. Nothing was imported; export a fresh workbook and record "
            "the decisions in that."
        )
    warnings: list[str] = []
    exported_from = book.identity.get("database", "")
    if exported_from and exported_from != db.display:
        warnings.append(
            f"The workbook was exported from {exported_from}, a copy of this database; every row was checked "
            f"against {db.display}."
        )
    invalid = [
        RowOutcome(r.row, r.activity_id, r.title, r.individual, None, Outcome.INVALID, r.why, r.typed)
        for r in book.invalid
    ]
    outcomes: list[RowOutcome] = []
    batch_ids: list[int] = []
    try:
        with db.transaction() as session:
            _check_same_database(session, path.name, exported_id, exported_from, db.display)
            if book.decisions:
                outcomes, batch_ids = _apply(session, db, user_id, book.decisions, progress)
            progress.check_cancelled()
            if dry_run:
                raise _DryRun
    except _DryRun:
        batch_ids = []
    rows = tuple(sorted(outcomes + invalid, key=lambda r: r.row))
    return ImportResult(
        workbook=path.name,
        identity=book.identity,
        dry_run=dry_run,
        rows=rows,
        undecided=book.undecided,
        batch_ids=tuple(batch_ids),
        warnings=tuple(warnings),
        elapsed_seconds=time.perf_counter() - started,
    )


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


def _apply(
    session: Session, db: Database, user_id: int, decisions: Sequence[RowDecision], progress: Progress
) -> tuple[list[RowOutcome], list[int]]:
    scope = scope_for(session, user_id)
    if scope.best_level(Module.PARTNERSHIP_CPD) < Level.DECIDE:
        raise PermissionDenied("You may view partnership CPD but not authorise or reject it, so nothing was imported.")
    current = _current(session, [d.activity_id for d in decisions])
    outcomes: list[RowOutcome] = []
    groups: dict[tuple[PartnershipState, str], list[RowDecision]] = defaultdict(list)
    for d in decisions:
        found = current.get(d.activity_id)
        # Scope first: nothing else is said about an activity the user may not decide.
        if found is None or not scope.can_see(Module.PARTNERSHIP_CPD, found.org_id):
            outcomes.append(_outcome(d, Outcome.REFUSED, NOT_FOUND))
            continue
        if not scope.can_act(Module.PARTNERSHIP_CPD, found.org_id):
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
            session,
            db,
            user_id,
            {row.activity_id: row.version for row in rows},
            decision,
            reason,
            source="workbook",
            progress=_GroupProgress(progress, offset, len(rows), total),
            scope=scope,
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
