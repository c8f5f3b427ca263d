"""Reading a GIAS import before it is applied (O2): which trusts there are, and what importing the
files would change, planned against the database as it is now. Writes nothing; the service
``db.services.gias_import.apply_gias_import`` applies the plan."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.errors import NotFound, PermissionDenied
from db.gias.plan import ExistingOrg, ImportPlan, plan_import
from db.gias.reader import read_extract, read_grades_file
from db.models import Module, Organisation, OrgKind
from db.scope import scope_for


def trust_named(session: Session, trust_uid: str) -> Organisation:
    trust = session.scalar(
        select(Organisation).where(Organisation.trust_uid == trust_uid.strip(), Organisation.kind == OrgKind.TRUST)
    )
    if trust is None:
        raise NotFound(f"There is no trust with the UID “{trust_uid}” in TrustDesk (check the Trusts (code) column).")
    return trust


def existing_organisations(session: Session) -> list[ExistingOrg]:
    """Every organisation with a URN as the plan compares it (the apply checks them again)."""
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
        trust = trust_named(session, trust_uid)
        if not scope_for(session, user_id).can_act(Module.ORGANISATIONS, trust.id):
            raise PermissionDenied(f"You may not add or change the organisations of {trust.name}.")
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
            existing_organisations(session),
            found.establishments,
            grade_rows,
            other_trust_rows=found.other_trust_rows,
        )
        return replace(plan, read_as=tuple(read_as))


def trust_uids(db: Database) -> list[tuple[str, str]]:
    """(UID, name) of every trust in the database, to offer in the import dialog."""
    with db.read() as session:
        rows = session.execute(
            select(Organisation.trust_uid, Organisation.name)
            .where(Organisation.kind == OrgKind.TRUST, Organisation.trust_uid.is_not(None))
            .order_by(Organisation.name)
        )
        return [(uid, name) for uid, name in rows]
