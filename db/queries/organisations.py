"""The trust's organisations index (O1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, and_, func, select

from db.changes import ChangeKind
from db.engine import Database
from db.models import DataSharingAgreement, Job, Module, Organisation, OrgKind, OrgStatus, SharingLevel
from db.queries.text_search import any_contains
from db.scope import scope_for

#: what a change to organisations is called on the data bus (db.actions)
ORGANISATIONS: ChangeKind = "organisations"
#: what a change to budgets is called on the data bus
BUDGETS: ChangeKind = "budgets"


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    id: int
    name: str
    kind: OrgKind
    urn: str | None
    phase: str | None
    cluster: str | None
    status: OrgStatus
    inspection_grade: int | None
    inspection_date: date | None
    leader: str | None
    staff_count: int | None  # None when the user may not see this organisation's staff
    expertise: str
    sharing_level: SharingLevel
    version: int


@dataclass(frozen=True, slots=True)
class OrganisationFilter:
    search: str = ""
    include_closed: bool = False
    phase: str | None = None
    cluster: str | None = None
    status: OrgStatus | None = None  # a chosen status shows closed or proposed ones even without include_closed
    grade: int | None = None  # 1–4; 0 means "not inspected"


@dataclass(frozen=True, slots=True)
class OrganisationFacets:
    """The values the filter boxes offer, from the organisations the user may see."""

    phases: list[str]
    clusters: list[str]


def list_organisations(db: Database, user_id: int, filt: OrganisationFilter | None = None) -> list[OrganisationRow]:
    """Organisations the user may see; closed and proposed ones only when asked for."""
    filt = filt or OrganisationFilter()
    with db.read() as session:
        scope = scope_for(session, user_id)
        staff_counts = (
            select(Job.organisation_id, func.count().label("staff"))
            .where(Job.active.is_(True))
            .group_by(Job.organisation_id)
            .subquery()
        )
        conditions: list[ColumnElement[bool]] = [Organisation.id.in_(sorted(scope.orgs(Module.ORGANISATIONS)))]
        if filt.status is not None:
            conditions.append(Organisation.status == filt.status)
        elif not filt.include_closed:
            conditions.append(Organisation.status == OrgStatus.OPEN)
        if filt.grade == 0:
            conditions.append(Organisation.inspection_grade.is_(None))
        elif filt.grade is not None:
            conditions.append(Organisation.inspection_grade == filt.grade)
        if filt.phase:
            conditions.append(Organisation.phase == filt.phase)
        if filt.cluster:
            conditions.append(Organisation.cluster == filt.cluster)
        if filt.search.strip():
            conditions.append(any_contains(filt.search, Organisation.name, Organisation.urn, Organisation.leader_name))
        query = (
            select(Organisation, staff_counts.c.staff, DataSharingAgreement.level)
            .outerjoin(staff_counts, staff_counts.c.organisation_id == Organisation.id)
            .outerjoin(DataSharingAgreement, DataSharingAgreement.organisation_id == Organisation.id)
            .where(and_(*conditions))
            .order_by(Organisation.kind != OrgKind.TRUST, Organisation.name)
        )
        staff_visible = scope.orgs(Module.STAFF)
        return [
            OrganisationRow(
                id=org.id,
                name=org.name,
                kind=org.kind,
                urn=org.urn,
                phase=org.phase,
                cluster=org.cluster,
                status=org.status,
                inspection_grade=org.inspection_grade,
                inspection_date=org.inspection_date,
                leader=org.leader_name,
                staff_count=(staff or 0) if org.id in staff_visible else None,
                expertise=org.expertise,
                sharing_level=SharingLevel(level or 0),
                version=org.version,
            )
            for org, staff, level in session.execute(query)
        ]


def organisation_facets(db: Database, user_id: int) -> OrganisationFacets:
    with db.read() as session:
        visible = sorted(scope_for(session, user_id).orgs(Module.ORGANISATIONS))

        def distinct(column):
            query = select(column).where(Organisation.id.in_(visible), column.is_not(None)).distinct().order_by(column)
            return list(session.scalars(query))

        return OrganisationFacets(phases=distinct(Organisation.phase), clusters=distinct(Organisation.cluster))
