"""Apply the decisions recorded offline in a budget workbook (C3, C4).

The workbook is read and checked here first (``workbook_reader``); then the
service ``db.services.workbook_decisions`` checks every row with a decision
against the database and signs off the decidable ones with exactly the panel's
rules, as one user action.  Either all of that commits or none of it does.

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

import time
from dataclasses import dataclass
from pathlib import Path

from db.database_identity import DATABASE_ID_KEY
from db.engine import Database
from db.excel.safety import WorkbookRefused
from db.excel.workbook_reader import read_decisions
from db.models import PartnershipState
from db.progress import NullProgress, Progress
from db.services.workbook_decisions import NOT_FOUND, Outcome, RowOutcome, apply_workbook_decisions

__all__ = ["NOT_FOUND", "ImportResult", "Outcome", "RowOutcome", "import_decisions"]


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


def import_decisions(
    db: Database, user_id: int, path: Path, *, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Check a workbook's decisions and apply the valid ones as one user action.

    The file is read and checked here; one user action
    (``db.services.workbook_decisions``) then holds everything else: the check
    that the workbook came from this database, the permission check, every
    row's checks and every sign-off.  A dry run does all of it and rolls back.
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
    outcomes, batch_ids = apply_workbook_decisions(
        db,
        user_id,
        book.decisions,
        workbook=path.name,
        exported_id=exported_id,
        exported_from=exported_from,
        dry_run=dry_run,
        progress=progress,
    )
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
