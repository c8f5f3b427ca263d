"""What a GIAS import would change, worked out before anything is written (O2).

The plan is a pure function of the files and of the organisations as they
are now, so the preview a user approves is exactly what is applied; the
service re-plans inside its transaction and refuses if anything moved.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from db.gias.reader import Establishment, GiasFileError, Grade
from db.models import OrgStatus

STATUSES: Mapping[str, OrgStatus] = {
    "open": OrgStatus.OPEN,
    "open, but proposed to close": OrgStatus.OPEN,
    "proposed to open": OrgStatus.PROPOSED,
    "closed": OrgStatus.CLOSED,
}
#: the organisation fields an import may set, in the order they are shown
FIELDS = ("name", "phase", "status", "leader_name", "inspection_grade", "inspection_date")
LABELS = {
    "name": "name",
    "phase": "phase",
    "status": "status",
    "leader_name": "leader",
    "inspection_grade": "inspection grade",
    "inspection_date": "inspection date",
}


class Action(enum.StrEnum):
    ADD = "added"
    UPDATE = "updated"
    UNCHANGED = "unchanged"
    SKIP = "skipped"


@dataclass(frozen=True, slots=True)
class ExistingOrg:
    id: int
    urn: str
    trust_id: int | None
    name: str
    phase: str | None
    status: OrgStatus
    leader_name: str | None
    inspection_grade: int | None
    inspection_date: date | None
    version: int

    def value(self, name: str) -> object:
        return getattr(self, name)


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    before: object
    after: object

    @property
    def text(self) -> str:
        return f"{LABELS[self.field]}: {_show(self.before)} → {_show(self.after)}"


@dataclass(frozen=True, slots=True)
class PlanEntry:
    urn: str
    name: str
    action: Action
    reason: str = ""
    organisation_id: int | None = None
    version: int | None = None
    values: Mapping[str, object] = field(default_factory=dict)
    changes: tuple[Change, ...] = ()

    @property
    def detail(self) -> str:
        if self.action is Action.SKIP:
            return self.reason
        if self.action is Action.ADD:
            return "new organisation" + (f" ({self.values.get('phase')})" if self.values.get("phase") else "")
        return "; ".join(change.text for change in self.changes) if self.changes else "no change"


@dataclass(frozen=True)
class ImportPlan:
    trust_id: int
    trust_uid: str
    trust_name: str
    entries: tuple[PlanEntry, ...]
    other_trust_rows: int = 0
    #: how each file was read, e.g. "establishments.csv: UTF-8", shown with the preview
    read_as: tuple[str, ...] = ()

    def count(self, action: Action) -> int:
        return sum(1 for entry in self.entries if entry.action is action)

    @property
    def to_apply(self) -> list[PlanEntry]:
        return [e for e in self.entries if e.action in (Action.ADD, Action.UPDATE)]

    @property
    def summary(self) -> str:
        return (
            f"{self.count(Action.ADD)} added, {self.count(Action.UPDATE)} updated, "
            f"{self.count(Action.UNCHANGED)} unchanged, {self.count(Action.SKIP)} skipped"
        )


def _show(value: object) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return f"{value:%d-%m-%Y}"
    if isinstance(value, OrgStatus):
        return value.value
    return str(value)


def _phase(row: Establishment) -> str | None:
    if (row.phase or "").lower() == "not applicable" and "special" in row.establishment_type.lower():
        return "Special"
    return row.phase


def plan_import(
    trust_id: int,
    trust_uid: str,
    trust_name: str,
    existing: Iterable[ExistingOrg],
    establishments: Sequence[Establishment],
    grades: Sequence[Grade] = (),
    other_trust_rows: int = 0,
) -> ImportPlan:
    """Decide, row by row, what importing these establishments and grades would do."""
    by_urn = {org.urn: org for org in existing}
    trust_urns = {org.urn for org in by_urn.values() if org.trust_id == trust_id}
    extract_urns = {row.urn for row in establishments}
    strangers = sorted({g.urn for g in grades} - trust_urns - extract_urns)
    if strangers:
        shown = ", ".join(strangers[:8]) + (f" and {len(strangers) - 8} more" if len(strangers) > 8 else "")
        raise GiasFileError(
            f"The grade file lists URNs that are not in {trust_name}: {shown}. "
            "Remove them (or import their establishments first); nothing was imported."
        )
    graded = {g.urn: g for g in grades if g.grade is not None}

    entries: list[PlanEntry] = []
    for row in establishments:
        entries.append(_plan_row(row, by_urn.get(row.urn), graded.get(row.urn), trust_id, trust_name))
    for urn in sorted(set(graded) - extract_urns):
        org = by_urn[urn]
        wanted = {"inspection_grade": graded[urn].grade, "inspection_date": graded[urn].inspected_on}
        entries.append(_update(org, wanted))
    return ImportPlan(trust_id, trust_uid, trust_name, tuple(entries), other_trust_rows)


def _plan_row(
    row: Establishment, org: ExistingOrg | None, grade: Grade | None, trust_id: int, trust_name: str
) -> PlanEntry:
    status = STATUSES.get(row.status.lower())
    if status is None:
        return PlanEntry(
            row.urn, row.name, Action.SKIP, f"line {row.line}: status “{row.status}” is not one TrustDesk knows"
        )
    if not row.name:
        return PlanEntry(row.urn, row.name, Action.SKIP, f"line {row.line}: no EstablishmentName")
    if org is not None and org.trust_id != trust_id:
        return PlanEntry(
            row.urn, row.name, Action.SKIP, f"URN already used by {org.name}, which is not in {trust_name}"
        )
    wanted: dict[str, object] = {"name": row.name, "phase": _phase(row), "status": status}
    if row.leader:
        wanted["leader_name"] = row.leader
    if grade is not None:
        wanted["inspection_grade"] = grade.grade
        wanted["inspection_date"] = grade.inspected_on
    if org is None:
        if status is OrgStatus.CLOSED:
            return PlanEntry(row.urn, row.name, Action.SKIP, "closed, and not in TrustDesk: nothing to import")
        return PlanEntry(row.urn, row.name, Action.ADD, values=wanted)
    return _update(org, wanted)


def _update(org: ExistingOrg, wanted: Mapping[str, object]) -> PlanEntry:
    changes = tuple(
        Change(name, org.value(name), wanted[name])
        for name in FIELDS
        if name in wanted and org.value(name) != wanted[name]
    )
    action = Action.UPDATE if changes else Action.UNCHANGED
    values = {change.field: change.after for change in changes}
    return PlanEntry(
        org.urn, org.name, action, organisation_id=org.id, version=org.version, values=values, changes=changes
    )
