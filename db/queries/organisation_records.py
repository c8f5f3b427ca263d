"""What the organisation editor needs (O1): who may manage the trust's organisations, one record to edit,
the phases and clusters to choose from."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from db.engine import Database
from db.errors import NotFound
from db.models import Level, Module, Organisation, OrgKind, OrgStatus
from db.scope import scope_for

#: phases GIAS uses, offered even before any school has one
STANDARD_PHASES = ("Nursery", "Primary", "Middle deemed primary", "Secondary", "All-through", "16 plus")


@dataclass(frozen=True, slots=True)
class ClusterRow:
    name: str
    organisations: int


@dataclass(frozen=True, slots=True)
class OrganisationChoices:
    """Whether the user may add, edit and close organisations, and what the editor's boxes offer."""

    may_manage: bool
    phases: tuple[str, ...]
    clusters: tuple[ClusterRow, ...]


@dataclass(frozen=True, slots=True)
class OrganisationRecord:
    id: int
    name: str
    kind: OrgKind
    urn: str | None
    phase: str | None
    cluster: str | None
    status: OrgStatus
    leader: str | None
    version: int


def organisation_choices(db: Database, user_id: int) -> OrganisationChoices:
    with db.read() as session:
        scope = scope_for(session, user_id)
        trust = session.scalar(
            select(Organisation.id).where(Organisation.kind == OrgKind.TRUST).order_by(Organisation.id)
        )
        may = trust is not None and scope.can_act(Module.ORGANISATIONS, trust, Level.DECIDE)
        phases = [
            p for p in session.scalars(select(Organisation.phase).where(Organisation.phase.is_not(None)).distinct())
        ]
        clusters = session.execute(
            select(Organisation.cluster, func.count())
            .where(Organisation.cluster.is_not(None), Organisation.trust_id == trust)
            .group_by(Organisation.cluster)
            .order_by(Organisation.cluster)
        ).tuples()
        known = {p.casefold() for p in STANDARD_PHASES}
        return OrganisationChoices(
            may_manage=may,
            phases=(*STANDARD_PHASES, *sorted(p for p in phases if p and p.casefold() not in known)),
            clusters=tuple(ClusterRow(name, int(count)) for name, count in clusters if name),
        )


def organisation_record(db: Database, user_id: int, organisation_id: int) -> OrganisationRecord:
    """One organisation as the editor shows it (the user must be able to see it)."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        org = session.get(Organisation, organisation_id)
        if org is None or not scope.can_see(Module.ORGANISATIONS, organisation_id):
            raise NotFound("That organisation no longer exists.")
        return OrganisationRecord(
            org.id, org.name, org.kind, org.urn, org.phase, org.cluster, org.status, org.leader_name, org.version
        )
