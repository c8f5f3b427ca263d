"""Apply the decisions recorded offline in a budget workbook (C3, C4).

The workbook is read and checked first (``workbook_reader``); then, in ONE
transaction, every row with a decision is checked against the database and
the decidable ones are signed off with exactly the panel's rules
(``signoff.sign_off_in``), one decision batch per (decision, reason) group.
Either all of that commits or none of it does.

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
from pathlib import Path

from sqlalchemy import select

from db.engine import Database
from db.errors import PermissionDenied
from db.excel.workbook_reader import RowDecision, read_decisions
from db.models import CpdActivity, Level, Module, PartnershipState
from db.progress import NullProgress, Progress
from db.scope import scope_for
from db.services.signoff import SkipReason, sign_off_in

CHUNK = 2000
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
    progress = progress or NullProgress()
    started = time.perf_counter()
    path = Path(path)
    book = read_decisions(path, progress)
    warnings: list[str] = []
    exported_from = book.identity.get("database", "")
    if exported_from and exported_from != db.display:
        warnings.append(
            f"The workbook was exported from {exported_from}; the decisions were checked against {db.display}."
        )
    invalid = [
        RowOutcome(r.row, r.activity_id, r.title, r.individual, None, Outcome.INVALID, r.why, r.typed)
        for r in book.invalid
    ]
    outcomes: list[RowOutcome] = []
    batch_ids: list[int] = []
    if book.decisions:
        try:
            with db.transaction() as session:
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


def _apply(
    session: object, db: Database, user_id: int, decisions: Sequence[RowDecision], progress: Progress
) -> tuple[list[RowOutcome], list[int]]:
    scope = scope_for(session, user_id)  # type: ignore[arg-type]
    if scope.best_level(Module.PARTNERSHIP_CPD) < Level.DECIDE:
        raise PermissionDenied("You may view partnership CPD but not authorise or reject it, so nothing was imported.")
    current = _current(session, [d.activity_id for d in decisions])
    outcomes: list[RowOutcome] = []
    groups: dict[tuple[PartnershipState, str], list[RowDecision]] = defaultdict(list)
    for d in decisions:
        found = current.get(d.activity_id)
        if found is None:
            outcomes.append(_outcome(d, Outcome.REFUSED, SkipReason.NOT_FOUND.value))
            continue
        version, title, state = found
        if version == d.version and d.title and title != d.title:
            why = "it does not match this database's activity (was it exported from another database?)"
            outcomes.append(_outcome(d, Outcome.INVALID, why))
        elif state is d.decision:
            when = "since the export" if version != d.version else "before the export"
            outcomes.append(_outcome(d, Outcome.ALREADY, f"it was already {VERBS[d.decision]} {when}"))
        else:
            groups[(d.decision, d.reason)].append(d)

    batch_ids: list[int] = []
    total = sum(len(rows) for rows in groups.values())
    offset = 0
    for (decision, reason), rows in groups.items():
        by_id = {row.activity_id: row for row in rows}
        result = sign_off_in(
            session,  # type: ignore[arg-type]
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


def _current(session: object, ids: list[int]) -> dict[int, tuple[int, str, PartnershipState]]:
    found: dict[int, tuple[int, str, PartnershipState]] = {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        query = select(CpdActivity.id, CpdActivity.version, CpdActivity.title, CpdActivity.partnership_state).where(
            CpdActivity.id.in_(chunk)
        )
        for activity_id, version, title, state in session.execute(query):  # type: ignore[attr-defined]
            found[activity_id] = (version, title, state)
    return found


def _outcome(d: RowDecision, outcome: Outcome, why: str = "") -> RowOutcome:
    return RowOutcome(d.row, d.activity_id, d.title, d.individual, d.decision, outcome, why)
