"""Reading a staff import before it is applied (P1, X2): the file, the saved column mappings, and
what importing it would do, planned against the database as it is now. Writes nothing; the service
``db.services.staff_import.apply_staff_import`` applies the plan."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.errors import PermissionDenied
from db.import_files import mappings
from db.import_files.table import FileShape
from db.models import Job, Level, Module, Organisation, OrgKind, Person, SharingLevel
from db.progress import NullProgress, Progress
from db.scope import Scope, central_action_refusals, scope_for
from db.staff_import.fields import check_mapping, recognise
from db.staff_import.matching import plan_staff
from db.staff_import.plan import Existing, ExistingJob, ExistingOrg, ExistingPerson, StaffPlan
from db.staff_import.reader import StaffTable, read_staff_file
from db.staff_import.records import StaffRecord, make_record

#: ``import_mappings.kind`` of a staff file's column mapping
MAPPING_KIND = "staff"
#: finishes "You may not …" and the D6 sentences of ``central_action_refusals``
DOING = "import staff"


def staff_file_shape(path: Path, sheet: str | None = None, progress: Progress | None = None) -> FileShape:
    """Read the file (refusing it whole if it is not a staff list we can read) and recognise its columns."""
    table = read_staff_file(Path(path), sheet, progress)
    return FileShape.of(table, recognise(table.headers))


def mapping_names(db: Database) -> list[str]:
    return mappings.mapping_names(db, MAPPING_KIND)


def saved_mapping(db: Database, name: str) -> dict[str, str]:
    return mappings.saved_mapping(db, MAPPING_KIND, name, what="staff")


def require_staff_importer(scope: Scope) -> None:
    if scope.best_level(Module.STAFF) < Level.DECIDE:
        raise PermissionDenied("You may not import staff: that needs the staff permission to decide at a school.")


def existing_staff(session: Session, scope: Scope) -> Existing:
    """Every organisation, person and job as the plan compares them, and where the user may not import."""
    orgs = {
        row.id: ExistingOrg(row.id, row.name, row.urn, row.kind == OrgKind.TRUST)
        for row in session.execute(select(Organisation.id, Organisation.name, Organisation.urn, Organisation.kind))
    }
    p = Person
    people = {
        row[0]: ExistingPerson(*row)
        for row in session.execute(select(p.id, p.first_name, p.last_name, p.title, p.email, p.trn, p.version))
    }
    j = Job
    jobs = {
        row[0]: ExistingJob(*row)
        for row in session.execute(
            select(
                j.id, j.person_id, j.organisation_id, j.role, j.email, j.staff_code, j.started_on, j.ended_on,
                j.active, j.pay_scale, j.line_manager_job_id, j.is_line_manager, j.version,
            )
        )
    }  # fmt: skip
    members = [org.id for org in orgs.values() if not org.is_trust]
    # Bringing a school's own staff records in needs its MIS data shared (D6), not group actions.
    refusals = central_action_refusals(session, scope, Module.STAFF, members, DOING, needs=SharingLevel.MIS)
    return Existing(orgs, people, jobs, refusals)


def plan_table(
    session: Session,
    scope: Scope,
    table: StaffTable,
    mapping: Mapping[str, str],
    *,
    whole_list: bool,
    today: date,
) -> StaffPlan:
    """The plan for an already read file (the service plans again with this inside its transaction)."""
    checked = check_mapping(mapping, table.headers, f"“{table.name}”")
    columns = {field: table.headers.index(header) for field, header in checked.items()}
    records = tuple(make_record(row, values, columns) for row, values in table.rows)
    return plan_records(session, scope, table, checked, records, whole_list=whole_list, today=today)


def plan_records(
    session: Session,
    scope: Scope,
    table: StaffTable,
    mapping: Mapping[str, str],
    records: tuple[StaffRecord, ...],
    *,
    whole_list: bool,
    today: date,
) -> StaffPlan:
    existing = existing_staff(session, scope)
    entries = plan_staff(records, existing, set(mapping), whole_list=whole_list, today=today)
    return StaffPlan(
        file_name=table.name,
        read_as=table.read_as,
        mapping=dict(mapping),
        whole_list=whole_list,
        today=today,
        records=records,
        entries=entries,
        ignored=table.ignored(mapping),
    )


def preview_staff_import(
    db: Database,
    user_id: int,
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    mapping_name: str | None = None,
    sheet: str | None = None,
    whole_list: bool = False,
    today: date | None = None,
    progress: Progress | None = None,
) -> StaffPlan:
    """Read the file and say what importing it would do, row by row; writes nothing.

    The mapping is the one given, else the one saved as ``mapping_name``, else what TrustDesk recognises.
    """
    progress = progress or NullProgress()
    with db.read() as session:
        require_staff_importer(scope_for(session, user_id))
    if mapping is None and mapping_name:
        mapping = saved_mapping(db, mapping_name)
    table = read_staff_file(Path(path), sheet, progress)
    if mapping is None:
        mapping = recognise(table.headers)
    progress.report(0, 0, "Matching rows with TrustDesk…")
    with db.read() as session:
        scope = scope_for(session, user_id)
        return plan_table(session, scope, table, mapping, whole_list=whole_list, today=today or date.today())
