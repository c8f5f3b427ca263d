"""Import a trust's staff, and their jobs, from the files its schools and HR already have (P1, X2).

Two steps, so that the user sees what will change before it does:
``db.queries.staff_import.preview_staff_import`` reads the file and plans against the database as it
is now (no writes); ``apply_staff_import`` plans again inside one transaction, refuses if the result
is not what was previewed, and writes it with an audit row per person and per job. Importing the same
file again plans every row as unchanged and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from db.actions import begin
from db.engine import Database
from db.errors import StaleData
from db.import_files import mappings
from db.progress import NullProgress, Progress
from db.queries.staff import JOBS
from db.queries.staff_import import MAPPING_KIND, existing_staff, preview_staff_import, require_staff_importer
from db.staff_import.apply import apply_entries
from db.staff_import.fields import STAFF_FIELDS
from db.staff_import.matching import plan_staff
from db.staff_import.plan import Action, PlanEntry, StaffPlan, with_links


@dataclass(frozen=True)
class StaffImportResult:
    people_added: int
    jobs_added: int
    updated: int
    unchanged: int
    ended: int
    skipped: tuple[PlanEntry, ...]
    job_ids: frozenset[int]

    @property
    def summary(self) -> str:
        return (
            f"{self.people_added:,} people added, {self.jobs_added:,} jobs added, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged, {self.ended:,} ended, {len(self.skipped):,} skipped"
        )


def apply_staff_import(
    db: Database,
    user_id: int,
    plan: StaffPlan,
    linked: frozenset[int] = frozenset(),
    progress: Progress | None = None,
) -> StaffImportResult:
    """Apply a previewed plan in one transaction, or nothing if anything it relies on moved since.

    ``linked``: the rows among ``plan.offers`` the user chose to link to the person they look like.
    """
    progress = progress or NullProgress()
    offered = {entry.row for entry in plan.offers}
    with begin(db, user_id) as act:
        require_staff_importer(act.scope)
        progress.report(0, 0, "Checking the plan against TrustDesk…")
        existing = existing_staff(act.session, act.scope)
        fresh = plan_staff(plan.records, existing, set(plan.mapping), whole_list=plan.whole_list, today=plan.today)
        if fresh != plan.entries:
            moved = sum(1 for old, new in zip(plan.entries, fresh, strict=False) if old != new) + abs(
                len(fresh) - len(plan.entries)
            )
            raise StaleData(
                f"{moved:,} of these rows would now do something else: staff or permissions changed since the "
                "preview. Nothing was imported; preview the import again."
            )
        progress.check_cancelled()
        entries = with_links(fresh, frozenset(linked) & offered)
        audit: list[dict[str, Any]] = []
        applied = apply_entries(act.session, entries, plan.file_name, audit, progress)
        progress.check_cancelled()
        act.audit_rows(audit)
        if applied.job_ids:
            act.changed(JOBS, applied.job_ids)
    return StaffImportResult(
        people_added=applied.people_added,
        jobs_added=applied.jobs_added,
        updated=applied.updated,
        unchanged=sum(1 for e in entries if e.action is Action.UNCHANGED),
        ended=applied.ended,
        skipped=tuple(e for e in entries if e.action is Action.SKIP),
        job_ids=applied.job_ids,
    )


def import_staff(
    db: Database,
    user_id: int,
    path: Path,
    *,
    mapping_name: str | None = None,
    sheet: str | None = None,
    whole_list: bool = False,
    link_all: bool = False,
) -> tuple[StaffPlan, StaffImportResult]:
    """Preview and apply in one go (the command line, once the user has seen ``--dry-run``)."""
    plan = preview_staff_import(db, user_id, path, mapping_name=mapping_name, sheet=sheet, whole_list=whole_list)
    linked = frozenset(e.row for e in plan.offers) if link_all else frozenset()
    return plan, apply_staff_import(db, user_id, plan, linked)


def save_mapping(db: Database, user_id: int, name: str, mapping: Mapping[str, str]) -> int:
    """Keep a column mapping by name for the next staff file of the same layout (replacing one of that name)."""
    return mappings.save_mapping(
        db, user_id, MAPPING_KIND, STAFF_FIELDS, name, mapping, require_staff_importer, action="import_mapping_saved"
    )
