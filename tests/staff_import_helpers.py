"""A fresh trust as a real one starts: the trust and its primary user, its schools from the GIAS
fixtures, and data sharing agreements; and small staff files written for one test."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from db.engine import Database
from db.models import DataSharingAgreement, Organisation, OrgKind, SharingLevel
from db.services.gias_import import import_gias
from db.services.trust_setup import create_new_trust

FIXTURES = Path(__file__).parent / "fixtures"
MIS = FIXTURES / "staff" / "mis_staff.csv"
HR = FIXTURES / "staff" / "hr_staff_cp1252.csv"
XLSX = FIXTURES / "staff" / "staff_export.xlsx"
GIAS = FIXTURES / "gias" / "establishments.csv"
TRUST_UID = "TR09471"
MIS_HEADER = (
    "Staff Code,Title,Legal Forename,Legal Surname,Work Email,School URN,Role,Start Date,Line Manager,"
    "Teacher Reference Number,Pay Scale"
)


def fresh_trust(db: Database, sharing: SharingLevel = SharingLevel.GROUP_ACTIONS) -> int:
    """The trust, its primary user (returned) and its six schools, each sharing ``sharing`` (D6)."""
    made = create_new_trust(db, "Oakfield Learning Trust", TRUST_UID, "Sam Lead", "sam.lead")
    import_gias(db, made.user_id, GIAS, TRUST_UID)
    share(db, sharing)
    return made.user_id


def share(db: Database, level: SharingLevel, urn: str | None = None) -> None:
    """Record the agreement the school approved (the data sharing module's outcome, D3)."""
    with db.transaction() as session:
        schools = select(Organisation.id).where(Organisation.kind != OrgKind.TRUST)
        if urn is not None:
            schools = schools.where(Organisation.urn == urn)
        for org_id in session.scalars(schools):
            found = session.get(DataSharingAgreement, org_id)
            if found is None:
                session.add(DataSharingAgreement(organisation_id=org_id, level=int(level)))
            else:
                found.level = int(level)


def school_id(db: Database, urn: str) -> int:
    with db.read() as session:
        found = session.scalar(select(Organisation.id).where(Organisation.urn == urn))
    assert found is not None
    return found


def write_csv(folder: Path, lines: list[str], name: str = "staff.csv", header: str = MIS_HEADER) -> Path:
    path = folder / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path
