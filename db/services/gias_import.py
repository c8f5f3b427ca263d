"""Import a trust's establishments and inspection grades from GIAS (O2).

Two steps, so that the user sees what will change before it does:
``preview_gias_import`` reads the files and plans against the database as it
is now (no writes); ``apply_gias_import`` applies that plan in one
transaction, with an audit row per organisation, and refuses the whole plan
if any organisation it touches changed since the preview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.gias.fields import text_problem, urn_problem
from db.gias.plan import Action, ExistingOrg, ImportPlan, PlanEntry, plan_import
from db.gias.reader import read_extract, read_grades_file
from db.models import AuditEntry, Level, Module, Organisation, OrgKind, utcnow
from db.progress import NullProgress, Progress
from db.scope import scope_for


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


def _trust(session: Session, trust_uid: str) -> Organisation:
    trust = session.scalar(
        select(Organisation).where(Organisation.trust_uid == trust_uid.strip(), Organisation.kind == OrgKind.TRUST)
    )
    if trust is None:
        raise NotFound(f"There is no trust with the UID “{trust_uid}” in TrustDesk (check the Trusts (code) column).")
    return trust


def _check_permission(session: Session, user_id: int, trust: Organisation) -> None:
    if not scope_for(session, user_id).can_act(Module.ORGANISATIONS, trust.id, Level.DECIDE):
        raise PermissionDenied(f"You may not add or change the organisations of {trust.name}.")


def _existing(session: Session) -> list[ExistingOrg]:
    o = Organisation
    rows = session.execute(
        select(
            o.id, o.urn, o.trust_id, o.name, o.phase, o.status, o.leader_name,
            o.inspection_grade, o.inspection_date, o.version,
        ).where(o.urn.is_not(None))
    )  # fmt: skip
    return [ExistingOrg(*row) for row in rows]


def preview_gias_import(
    db: Database, user_id: int, extract: Path, trust_uid: str, grades: Path | None = None
) -> ImportPlan:
    """Read the files and say what importing them would do; writes nothing."""
    with db.read() as session:
        trust = _trust(session, trust_uid)
        _check_permission(session, user_id, trust)
        # Every value of the trust's rows is checked (shape, control characters, column lengths) here,
        # before any transaction: a value that does not fit is a sentence with its line, not a driver error.
        found = read_extract(Path(extract), trust.trust_uid or trust_uid.strip())
        read_as = [f"{Path(extract).name}: {found.encoding}"]
        grade_rows = []
        if grades is not None:
            grade_file = read_grades_file(Path(grades))
            grade_rows = grade_file.grades
            read_as.append(f"{Path(grades).name}: {grade_file.encoding}")
        plan = plan_import(
            trust.id,
            trust.trust_uid or trust_uid,
            trust.name,
            _existing(session),
            found.establishments,
            grade_rows,
            other_trust_rows=found.other_trust_rows,
        )
        return replace(plan, read_as=tuple(read_as))


def apply_gias_import(
    db: Database, user_id: int, plan: ImportPlan, progress: Progress | None = None
) -> GiasImportResult:
    """Apply an approved plan in one transaction, or nothing if anything moved since."""
    progress = progress or NullProgress()
    todo = plan.to_apply
    _refuse_values_that_do_not_fit(todo)
    with db.transaction() as session:
        trust = session.get(Organisation, plan.trust_id)
        if trust is None:
            raise NotFound("The trust no longer exists; nothing was imported.")
        _check_permission(session, user_id, trust)
        current = {org.urn: org for org in _existing(session)}
        moved = [entry.urn for entry in todo if _moved(entry, current.get(entry.urn))]
        if moved:
            raise StaleData(
                f"{len(moved)} of these organisations changed since the preview (URN {', '.join(moved[:5])}). "
                "Nothing was imported; preview the import again."
            )
        now, audit, touched = utcnow(), [], set()
        for done, entry in enumerate(todo, start=1):
            touched.add(_apply_entry(session, trust, entry, now, audit))
            progress.report(done, len(todo), f"Importing {entry.name}…")
            progress.check_cancelled()
        for row in audit:
            row["user_id"], row["db_identity"] = user_id, db.identity
        if audit:
            session.execute(insert(AuditEntry.__table__), audit)
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
        org = session.get(Organisation, entry.organisation_id)
        assert org is not None
        before = {name: _plain(getattr(org, name)) for name in values}
        for name, value in values.items():
            setattr(org, name, value)
        session.flush()
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


def skipped_lines(entries: Sequence[PlanEntry]) -> list[str]:
    return [f"URN {e.urn} {e.name}: {e.reason}" for e in entries if e.action is Action.SKIP]


def trust_uids(db: Database) -> list[tuple[str, str]]:
    """(UID, name) of every trust in the database, to offer in the import dialog."""
    with db.read() as session:
        rows = session.execute(
            select(Organisation.trust_uid, Organisation.name)
            .where(Organisation.kind == OrgKind.TRUST, Organisation.trust_uid.is_not(None))
            .order_by(Organisation.name)
        )
        return [(uid, name) for uid, name in rows]
