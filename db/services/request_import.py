"""Import CPD requests from a spreadsheet (C1, C2, X2, A2, N1): preview first, then one transaction.

``db.queries.request_import.preview_request_import`` reads the file and plans against the database as
it is (no writes). ``apply_request_import`` plans again inside one transaction, refuses if any row
would now do something else, and adds every request to add as ``enter_request`` would — the same
checks (``validate_request`` per row, CPD rights and D6 per row), the entered-by user recorded, one
audit row and one notification per request (the outbox sends each person one e-mail for the whole
import) — together with any line-manager or CPD-team answer the file carries in. A row that is already
in TrustDesk (same job, title and start date) is skipped, so importing the same file twice adds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from db.actions import Action, begin
from db.engine import Database
from db.errors import StaleData
from db.import_files import mappings
from db.import_files.fields import listed
from db.models import (
    AppUser,
    CpdActivity,
    CpdTeamState,
    Job,
    LineManagerState,
    Organisation,
    PartnershipState,
    Person,
    utcnow,
)
from db.periods import ensure_period, start_month
from db.progress import NullProgress, Progress
from db.queries.activities import ACTIVITIES
from db.queries.request_import import MAPPING_KIND, preview_request_import, require_request_importer
from db.request_import.fields import REQUEST_FIELDS
from db.request_import.known import load_known
from db.request_import.plan import PlanRow, RequestPlan, RowAction, plan_requests, skipped
from db.services.requests import COLUMNS
from db.services.signoff import CHUNK, _chunks

ACTIVITY_TABLE = cast(Table, CpdActivity.__table__)
#: a job's organisation, its line manager's job, and the activity's two sort keys (last name, organisation name)
JobKeys = tuple[int, int | None, str, str]


@dataclass(frozen=True)
class RequestImportResult:
    added: int
    duplicates: int
    invalid: int
    activity_ids: tuple[int, ...]

    @property
    def summary(self) -> str:
        added = f"{self.added:,} request{'' if self.added == 1 else 's'} added"
        return f"{added}, {skipped(self.duplicates)}, {self.invalid:,} invalid"


def apply_request_import(
    db: Database, user_id: int, plan: RequestPlan, progress: Progress | None = None
) -> RequestImportResult:
    """Add the plan's requests in one transaction, or nothing if anything it relies on moved since."""
    progress = progress or NullProgress()
    with begin(db, user_id) as act:
        require_request_importer(act.scope)
        progress.report(0, 0, "Checking the rows against TrustDesk…")
        fresh = plan_requests(plan.records, load_known(act.session, act.scope, plan.records))
        if fresh != plan.rows:
            moved = sum(1 for old, new in zip(plan.rows, fresh, strict=False) if old != new)
            raise StaleData(
                f"{moved:,} of these rows would now do something else: requests, staff or permissions changed "
                "since the preview. Nothing was imported; preview the import again."
            )
        progress.check_cancelled()
        ids = _add(act, plan.file_name, plan.to_add, progress)
        if ids:
            act.changed(ACTIVITIES, ids)
    return RequestImportResult(
        added=len(ids),
        duplicates=plan.count(RowAction.DUPLICATE),
        invalid=plan.count(RowAction.INVALID),
        activity_ids=tuple(ids),
    )


def _add(act: Action, file_name: str, rows: tuple[PlanRow, ...], progress: Progress) -> list[int]:
    """One executemany of the new requests, their ids read back, then an audit row and a notification each.

    The ids are read back by (job, title, start) among the rows this action stamped (its own moment and
    user): the plan refused any two rows with that key, and one INSERT … RETURNING per row (what
    SQLAlchemy does on SQLite to keep the order) would take most of the time.
    """
    session, user_id = act.session, act.user_id
    now = utcnow()
    month = start_month(session)
    periods: dict[Any, int] = {}
    who = session.scalar(select(AppUser.display_name).where(AppUser.id == user_id)) or "Someone"
    jobs = _jobs(session, rows)
    connection = session.connection()
    for start in range(0, len(rows), CHUNK):
        values = []
        for row in rows[start : start + CHUNK]:
            details = row.details
            assert details is not None and row.job_id is not None
            on = details.starts_on
            if on not in periods:
                periods[on] = ensure_period(session, on, month)
            values.append(
                {
                    **{name: getattr(details, name) for name in COLUMNS},
                    "job_id": row.job_id,
                    "organisation_id": jobs[row.job_id][0],
                    "individual_sort": jobs[row.job_id][2],
                    "organisation_sort": jobs[row.job_id][3],
                    "period_id": periods[on],
                    "created_by_job_id": row.job_id,
                    "entered_by_user_id": user_id,
                    "created_at": now,
                    "version": 1,
                    **_layers(row, now, user_id, jobs, file_name),
                }
            )
        connection.execute(insert(ACTIVITY_TABLE), values)
        progress.report(start + len(values), len(rows) * 2, f"Added {start + len(values):,} of {len(rows):,} requests…")
        progress.check_cancelled()
    made = _made(connection, sorted(jobs), now, user_id)
    ids = [made[_key(row)] for row in rows]
    for start in range(0, len(rows), CHUNK):
        chunk = list(zip(rows[start : start + CHUNK], ids[start : start + CHUNK], strict=True))
        act.audit_rows([_audit(row, activity_id, file_name) for row, activity_id in chunk])
        act.notify_rows([_notice(row, activity_id, who, now) for row, activity_id in chunk])
        done = start + len(chunk)
        progress.report(len(rows) + done, len(rows) * 2, f"Recording {done:,} of {len(rows):,} in the audit log…")
        progress.check_cancelled()
    return ids


def _key(row: PlanRow) -> tuple[int, str, Any]:
    assert row.job_id is not None and row.details is not None
    return (row.job_id, row.details.title, row.details.starts_on)


def _made(connection: Any, jobs: list[int], now: Any, user_id: int) -> dict[tuple[int, str, Any], int]:
    """(job, title, start) → id of the requests this action inserted."""
    a = ACTIVITY_TABLE.c
    found: dict[tuple[int, str, Any], int] = {}
    for chunk in _chunks(jobs):
        for activity_id, job_id, title, on in connection.execute(
            select(a.id, a.job_id, a.title, a.starts_on).where(
                a.job_id.in_(chunk), a.created_at == now, a.entered_by_user_id == user_id
            )
        ):
            found[(job_id, title, on)] = activity_id
    return found


def _jobs(session: Session, rows: tuple[PlanRow, ...]) -> dict[int, JobKeys]:
    """job → (its organisation, its line manager's job, the person's last name and the organisation's name:
    the activity's sort keys)."""
    found: dict[int, JobKeys] = {}
    jobs = sorted({row.job_id for row in rows if row.job_id is not None})
    for chunk in _chunks(jobs):
        for job_id, org_id, manager, last_name, org_name in session.connection().execute(
            select(Job.id, Job.organisation_id, Job.line_manager_job_id, Person.last_name, Organisation.name)
            .join(Person, Person.id == Job.person_id)
            .join(Organisation, Organisation.id == Job.organisation_id)
            .where(Job.id.in_(chunk))
        ):
            found[job_id] = (org_id, manager, last_name, org_name)
    return found


def _layers(row: PlanRow, now: Any, user_id: int, jobs: Mapping[int, JobKeys], file_name: str) -> dict[str, Any]:
    """A line manager's or CPD team's answer carried in from the file, recorded by the importing user."""
    assert row.job_id is not None
    carried = row.line_manager_state is not LineManagerState.PENDING
    decided = row.cpd_team_state is not CpdTeamState.PENDING
    # every row names every column: one executemany needs one shape
    return {
        "line_manager_state": row.line_manager_state,
        "line_manager_decided_at": now if carried else None,
        "line_manager_user_id": user_id if carried else None,
        "line_manager_job_id": jobs[row.job_id][1] if carried else None,
        "line_manager_reason": _reason(row.line_manager_state is LineManagerState.DENIED, file_name),
        "cpd_team_state": row.cpd_team_state,
        "cpd_team_decided_at": now if decided else None,
        "cpd_team_user_id": user_id if decided else None,
        "cpd_team_reason": _reason(row.cpd_team_state is CpdTeamState.DECLINED, file_name),
        "partnership_state": PartnershipState.PENDING,
    }


def _reason(negative: bool, file_name: str) -> str | None:
    return f"As recorded in “{file_name}”" if negative else None


def _audit(row: PlanRow, activity_id: int, file_name: str) -> dict[str, Any]:
    details = row.details
    assert details is not None
    after: dict[str, Any] = {name: getattr(details, name) for name in COLUMNS}
    after.update(
        starts_on=details.starts_on.isoformat(),
        ends_on=details.ends_on.isoformat(),
        sessions=[],
        partnership_state=PartnershipState.PENDING.value,
        line_manager_state=row.line_manager_state.value,
        cpd_team_state=row.cpd_team_state.value,
        version=1,
        job_id=row.job_id,
        imported_from=file_name,
        file_row=row.row,
    )
    return {"action": "request_entered", "entity": "cpd_activity", "entity_id": activity_id, "after": after}


def _notice(row: PlanRow, activity_id: int, who: str, now: Any) -> dict[str, Any]:
    assert row.details is not None and row.job_id is not None
    return {
        "created_at": now,
        "recipient_job_id": row.job_id,
        "kind": "request_entered",
        "subject": f"{who} entered the CPD request “{row.details.title}” for you"[:300],
        "body": _waits_for(row),
        "activity_id": activity_id,
    }


def _waits_for(row: PlanRow) -> str:
    said = []
    if row.line_manager_state is not LineManagerState.PENDING:
        said.append(f"your line manager {row.line_manager_state.value} it")
    if row.cpd_team_state is not CpdTeamState.PENDING:
        said.append(f"the CPD team {row.cpd_team_state.value} it")
    waiting = [
        who
        for who, pending in (
            ("your line manager", row.line_manager_state is LineManagerState.PENDING),
            ("the CPD team", row.cpd_team_state is CpdTeamState.PENDING),
            ("the partnership", True),
        )
        if pending
    ]
    recorded = f"Recorded with it: {' and '.join(said)}. " if said else ""
    return f"{recorded}It waits for {listed(waiting)} to decide it."


def import_requests(
    db: Database, user_id: int, path: Path, *, mapping_name: str | None = None, sheet: str | None = None
) -> tuple[RequestPlan, RequestImportResult]:
    """Preview and apply in one go (the command line, once the user has seen ``--dry-run``)."""
    plan = preview_request_import(db, user_id, path, mapping_name=mapping_name, sheet=sheet)
    return plan, apply_request_import(db, user_id, plan)


def save_request_mapping(db: Database, user_id: int, name: str, mapping: Mapping[str, str]) -> int:
    """Keep a request file's column mapping by name for the next file of the same layout."""
    return mappings.save_mapping(
        db, user_id, MAPPING_KIND, REQUEST_FIELDS, name, mapping, require_request_importer,
        action="request_mapping_saved",
    )  # fmt: skip
