"""Reading a request import before it is applied (C1, X2): the file, the saved column mappings, and
what importing it would do, planned against the database as it is now. Writes nothing; the service
``db.services.request_import.apply_request_import`` applies the plan."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy.orm import Session

from db.engine import Database
from db.errors import PermissionDenied
from db.import_files import mappings
from db.import_files.table import FileShape, FileTable
from db.models import Level
from db.progress import NullProgress, Progress
from db.request_import.fields import recognise
from db.request_import.known import load_known
from db.request_import.plan import RequestPlan, plan_requests
from db.request_import.reading import make_records, read_request_file
from db.request_import.records import RequestRecord
from db.scope import Scope, scope_for
from db.services.request_rules import CPD

#: ``import_mappings.kind`` of a request file's column mapping
MAPPING_KIND = "requests"


def request_file_shape(path: Path, sheet: str | None = None, progress: Progress | None = None) -> FileShape:
    """Read the file (refusing it whole if it cannot be a list of requests) and recognise its columns."""
    found = read_request_file(Path(path), sheet, progress)
    return FileShape.of(found, recognise(found.headers))


def mapping_names(db: Database) -> list[str]:
    return mappings.mapping_names(db, MAPPING_KIND)


def saved_mapping(db: Database, name: str) -> dict[str, str]:
    return mappings.saved_mapping(db, MAPPING_KIND, name, what="request")


def require_request_importer(scope: Scope) -> None:
    if scope.best_level(CPD) < Level.COMMENT:
        raise PermissionDenied("You may not import CPD requests: that needs CPD at comment level or above at a school.")


def plan_records(
    session: Session, scope: Scope, found: FileTable, mapping: Mapping[str, str], records: tuple[RequestRecord, ...]
) -> RequestPlan:
    """The plan for records already read (the service plans again with these inside its transaction)."""
    rows = plan_requests(records, load_known(session, scope, records))
    return RequestPlan(
        file_name=found.name,
        read_as=found.read_as,
        mapping=dict(mapping),
        records=records,
        rows=rows,
        ignored=found.ignored(mapping),
    )


def preview_request_import(
    db: Database,
    user_id: int,
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    mapping_name: str | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
) -> RequestPlan:
    """Read the file and say what importing it would do, row by row; writes nothing.

    The mapping is the one given, else the one saved as ``mapping_name``, else what TrustDesk recognises.
    """
    progress = progress or NullProgress()
    with db.read() as session:
        require_request_importer(scope_for(session, user_id))
    if mapping is None and mapping_name:
        mapping = saved_mapping(db, mapping_name)
    found = read_request_file(Path(path), sheet, progress)
    checked, records = make_records(found, recognise(found.headers) if mapping is None else mapping)
    progress.report(0, 0, "Matching rows with TrustDesk…")
    with db.read() as session:
        return plan_records(session, scope_for(session, user_id), found, checked, records)
