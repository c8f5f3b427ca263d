"""Import a trust's establishments and inspection grades from GIAS (O2).

Two steps, so that the user sees what will change before it does:
``db.queries.gias_import.preview_gias_import`` reads the files and plans
against the database as it is now (no writes); ``apply_gias_import`` applies that plan in one
transaction, with an audit row per organisation, and refuses the whole plan
if any organisation it touches changed since the preview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from db.actions import begin
from db.engine import Database
from db.errors import StaleData, ValidationError
from db.gias.fields import text_problem, urn_problem
from db.gias.plan import Action, ExistingOrg, ImportPlan, PlanEntry
from db.models import Module, Organisation, OrgKind, utcnow
from db.progress import NullProgress, Progress
from db.queries.gias_import import existing_organisations, preview_gias_import
from db.queries.organisations import ORGANISATIONS
from db.services.sort_keys import refresh_organisation_sort


@dataclass(frozen=True)
class GiasImportResult:
    added: int
    updated: int
    unchanged: int
    skipped: tuple[PlanEntry, ...]
    organisation_ids: frozenset[int]

    @property
    def summary(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, {len(self.skipped)} skipped"


def apply_gias_import(
    db: Database, user_id: int, plan: ImportPlan, progress: Progress | None = None
) -> GiasImportResult:
    """Apply an approved plan in one transaction, or nothing if anything moved since."""
    progress = progress or NullProgress()
    todo = plan.to_apply
    _refuse_values_that_do_not_fit(todo)
    with begin(db, user_id) as act:
        session = act.session
        trust = act.fetch(Organisation, plan.trust_id, missing="The trust no longer exists; nothing was imported.")
        act.require(Module.ORGANISATIONS, trust.id, what=f"add or change the organisations of {trust.name}")
        current = {org.urn: org for org in existing_organisations(session)}
        moved = [entry.urn for entry in todo if _moved(entry, current.get(entry.urn))]
        if moved:
            raise StaleData(
                f"{len(moved)} of these organisations changed since the preview (URN {', '.join(moved[:5])}). "
                "Nothing was imported; preview the import again."
            )
        now, touched = utcnow(), set[int]()
        audit: list[dict[str, Any]] = []
        for done, entry in enumerate(todo, start=1):
            touched.add(_apply_entry(session, trust, entry, now, audit))
            progress.report(done, len(todo), f"Importing {entry.name}…")
            progress.check_cancelled()
        act.audit_rows(audit)
        act.changed(ORGANISATIONS, touched)
    return GiasImportResult(
        added=plan.count(Action.ADD),
        updated=plan.count(Action.UPDATE),
        unchanged=plan.count(Action.UNCHANGED),
        skipped=tuple(e for e in plan.entries if e.action is Action.SKIP),
        organisation_ids=frozenset(touched),
    )


def _refuse_values_that_do_not_fit(entries: Sequence[PlanEntry]) -> None:
    """The reader checked every value; a plan made any other way is checked again before the transaction."""
    problems = [
        f"URN {entry.urn}: {problem}"
        for entry in entries
        for problem in [urn_problem(entry.urn)]
        + [text_problem(name, value, name) for name, value in entry.values.items() if isinstance(value, str)]
        if problem
    ]
    if problems:
        raise ValidationError(f"Nothing was imported: {'; '.join(problems[:5])}.")


def _moved(entry: PlanEntry, now: ExistingOrg | None) -> bool:
    if entry.action is Action.ADD:
        return now is not None
    return now is None or now.id != entry.organisation_id or now.version != entry.version


def _plain(value: object) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else (value.value if hasattr(value, "value") else value)


def _apply_entry(session: Session, trust: Organisation, entry: PlanEntry, now: object, audit: list[dict]) -> int:
    values = dict(entry.values)
    if entry.action is Action.ADD:
        org = Organisation(kind=OrgKind.SCHOOL, trust_id=trust.id, urn=entry.urn, expertise="", **values)
        session.add(org)
        session.flush()
        before = None
    else:
        found = session.get(Organisation, entry.organisation_id)
        assert found is not None  # ``_moved`` refused the plan if it had gone
        org = found
        before = {name: _plain(getattr(org, name)) for name in values}
        for name, value in values.items():
            setattr(org, name, value)
        session.flush()
        if "name" in values:
            refresh_organisation_sort(session, [org.id])  # the Partnership CPD list sorts by the new name
    audit.append(
        {
            "at": now,
            "action": f"gias_{entry.action.value}",
            "entity": "organisation",
            "entity_id": org.id,
            "before": before,
            "after": {name: _plain(value) for name, value in values.items()} | {"urn": entry.urn},
            "reason": f"GIAS import for {trust.trust_uid}",
        }
    )
    return org.id


def import_gias(
    db: Database,
    user_id: int,
    extract: Path,
    trust_uid: str,
    grades: Path | None = None,
    progress: Progress | None = None,
) -> tuple[ImportPlan, GiasImportResult]:
    """Preview and apply in one go (the command line, once the user has seen ``--dry-run``)."""
    plan = preview_gias_import(db, user_id, extract, trust_uid, grades)
    return plan, apply_gias_import(db, user_id, plan, progress)
