"""Organisations the trust adds and keeps by hand (O1): a central team, a SCITT, a school GIAS does not list yet.

Add, edit, close and rename a cluster, each one audited, version-checked
action.  Only someone who decides about organisations at the trust itself (a
primary user, an organisation administrator) may: these are the trust's own
records, not a school's.  A closed organisation is never deleted: its staff,
activities and budgets stay in history and reports; pickers leave it out.

A cluster is a name the schools share, and a cluster grant (``UserGrant.cluster``)
reaches the schools by that name, so renaming a cluster renames it in those
grants too, in the same transaction; folding one cluster into another would
widen such grants, so it is refused while any grant names either cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select

from db.actions import Action, begin
from db.engine import Database
from db.errors import ValidationError
from db.models import Module, Organisation, OrgKind, OrgStatus, UserGrant
from db.queries.organisations import ORGANISATIONS
from db.queries.users import USERS
from db.services import record_fields as fields
from db.services.record_fields import FieldError
from db.services.sort_keys import refresh_organisation_sort

#: the kinds a trust adds by hand; the trust itself is made once, with the database
KINDS_BY_HAND = (OrgKind.SCHOOL, OrgKind.SCITT, OrgKind.CENTRAL)
#: the fields a GIAS import writes over (db.gias.plan.FIELDS), shown as a warning when editing
GIAS_FIELDS_WORDS = "name, phase, status and leader"


@dataclass(frozen=True, slots=True)
class OrganisationFields:
    """What the organisation editor sends: the same shape for adding and editing."""

    name: str
    phase: str | None = None
    cluster: str | None = None
    status: OrgStatus = OrgStatus.OPEN
    leader: str | None = None
    kind: OrgKind = OrgKind.SCHOOL  # adding only
    urn: str | None = None  # adding only


@dataclass(frozen=True, slots=True)
class CleanFields:
    name: str
    phase: str | None
    cluster: str | None
    status: OrgStatus
    leader: str | None
    kind: OrgKind
    urn: str | None


def clean(record: OrganisationFields) -> CleanFields:
    """The fields as they will be stored, or a FieldError naming the first one that will not do."""
    if record.kind not in KINDS_BY_HAND:
        raise FieldError("kind", "Choose a school, a SCITT or a central team.")
    return CleanFields(
        name=fields.text(record.name, "name", "name", 200, required=True) or "",
        phase=fields.text(record.phase, "phase", "phase", 40),
        cluster=fields.text(record.cluster, "cluster", "cluster", 80),
        status=OrgStatus(record.status),
        leader=fields.text(record.leader, "leader", "leader's name", 200),
        kind=OrgKind(record.kind),
        urn=fields.urn(record.urn),
    )


def _trust(act: Action) -> Organisation:
    trust = act.session.scalar(select(Organisation).where(Organisation.kind == OrgKind.TRUST).order_by(Organisation.id))
    if trust is None:
        raise ValidationError("This database has no trust yet; create it first.")
    return trust


def _require_manager(act: Action, trust: Organisation, what: str) -> None:
    act.require(
        Module.ORGANISATIONS, trust.id, what=f"{what}: only someone who decides about the trust's organisations may"
    )


def _existing_cluster(act: Action, trust: Organisation, cluster: str | None) -> str | None:
    """An existing cluster's own spelling for ``cluster`` ("north" joins "North"), else ``cluster`` as typed."""
    if cluster is None:
        return None
    found = act.session.scalar(
        select(Organisation.cluster)
        .where(Organisation.trust_id == trust.id, func.lower(Organisation.cluster) == cluster.casefold())
        .limit(1)
    )
    return found or cluster


def _refuse_taken_name(act: Action, trust: Organisation, name: str, other_than: int | None = None) -> None:
    query = select(Organisation.name).where(
        or_(Organisation.trust_id == trust.id, Organisation.id == trust.id),
        func.lower(Organisation.name) == name.casefold(),
    )
    if other_than is not None:
        query = query.where(Organisation.id != other_than)
    taken = act.session.scalar(query.limit(1))
    if taken is not None:
        raise FieldError("name", f"There is already an organisation called “{taken}”; give this one another name.")


def add_organisation(db: Database, user_id: int, record: OrganisationFields) -> int:
    """Add a member organisation of the trust by hand; returns its id."""
    values = clean(record)
    with begin(db, user_id) as act:
        trust = _trust(act)
        _require_manager(act, trust, "add an organisation")
        _refuse_taken_name(act, trust, values.name)
        if values.urn is not None:
            holder = act.session.scalar(select(Organisation.name).where(Organisation.urn == values.urn))
            if holder is not None:
                raise FieldError("urn", f"URN {values.urn} is already {holder}'s; check the number.")
        org = Organisation(
            kind=values.kind,
            trust_id=trust.id,
            name=values.name,
            urn=values.urn,
            phase=values.phase,
            cluster=_existing_cluster(act, trust, values.cluster),
            status=values.status,
            leader_name=values.leader,
            expertise="",
        )
        act.session.add(org)
        act.session.flush()
        act.audit(
            "organisation_added",
            "organisation",
            org.id,
            after={
                "name": org.name,
                "kind": org.kind.value,
                "urn": org.urn,
                "phase": org.phase,
                "cluster": org.cluster,
                "status": org.status.value,
                "leader_name": org.leader_name,
            },
        )
        act.changed(ORGANISATIONS, org.id)
        return org.id


def edit_organisation(
    db: Database, user_id: int, organisation_id: int, shown_version: int, record: OrganisationFields
) -> int:
    """Save the name, phase, cluster, status and leader; returns the organisation's new version."""
    values = clean(record)
    with begin(db, user_id) as act:
        org = act.fetch(Organisation, organisation_id, missing="That organisation no longer exists.")
        trust = _trust(act)
        _require_manager(act, trust, f"change {org.name}")
        if org.kind == OrgKind.TRUST:
            raise ValidationError("The trust's own record is kept in Trust settings, not here.")
        act.check_version(
            org,
            shown_version,
            org.name,
            message=f"{org.name} was changed by someone else since you opened it; reopen it.",
        )
        _refuse_taken_name(act, trust, values.name, other_than=org.id)
        before = _editable(org)
        org.name, org.phase, org.status, org.leader_name = values.name, values.phase, values.status, values.leader
        org.cluster = _existing_cluster(act, trust, values.cluster)
        after = _editable(org)
        if before == after:
            return org.version
        act.session.flush()
        if before["name"] != after["name"]:
            refresh_organisation_sort(act.session, [org.id])  # the Partnership CPD list sorts by the new name
        changed = [key for key in after if before[key] != after[key]]
        act.audit(
            "organisation_edited",
            "organisation",
            org.id,
            before={key: before[key] for key in changed} | {"version": shown_version},
            after={key: after[key] for key in changed} | {"version": org.version},
        )
        act.changed(ORGANISATIONS, org.id)
        return org.version


def _editable(org: Organisation) -> dict[str, str | None]:
    return {
        "name": org.name,
        "phase": org.phase,
        "cluster": org.cluster,
        "status": org.status.value,
        "leader_name": org.leader_name,
    }


def close_organisation(db: Database, user_id: int, organisation_id: int, shown_version: int) -> int:
    """Mark the organisation closed (it stays in history and reports); returns its new version."""
    with begin(db, user_id) as act:
        org = act.fetch(Organisation, organisation_id, missing="That organisation no longer exists.")
        trust = _trust(act)
        _require_manager(act, trust, f"close {org.name}")
        if org.kind == OrgKind.TRUST:
            raise ValidationError("The trust itself cannot be closed.")
        act.check_version(org, shown_version, org.name)
        if org.status == OrgStatus.CLOSED:
            raise ValidationError(f"{org.name} is already closed.")
        before = org.status.value
        org.status = OrgStatus.CLOSED
        act.session.flush()
        act.audit(
            "organisation_closed",
            "organisation",
            org.id,
            before={"status": before, "version": shown_version},
            after={"status": OrgStatus.CLOSED.value, "version": org.version},
        )
        act.changed(ORGANISATIONS, org.id)
        return org.version


def rename_cluster(db: Database, user_id: int, old_name: str, new_name: str) -> int:
    """Rename a cluster on every school in it and in every grant that names it; returns how many schools."""
    new = fields.text(new_name, "cluster", "new cluster name", 80, required=True) or ""
    with begin(db, user_id) as act:
        trust = _trust(act)
        _require_manager(act, trust, "rename a cluster")
        schools = list(
            act.session.scalars(
                select(Organisation).where(Organisation.trust_id == trust.id, Organisation.cluster == old_name)
            )
        )
        if not schools:
            raise ValidationError(f"No organisation is in a cluster called “{old_name}” any more; nothing was changed.")
        if new == old_name:
            return 0
        joining = act.session.scalar(
            select(Organisation.cluster)
            .where(
                Organisation.trust_id == trust.id,
                Organisation.cluster != old_name,
                func.lower(Organisation.cluster) == new.casefold(),
            )
            .limit(1)
        )
        grants = list(
            act.session.scalars(
                select(UserGrant).where(UserGrant.organisation_id == trust.id, UserGrant.cluster == old_name)
            )
        )
        if joining is not None:
            held = act.session.scalar(
                select(func.count())
                .select_from(UserGrant)
                .where(UserGrant.organisation_id == trust.id, UserGrant.cluster.in_([old_name, joining]))
            )
            if held:
                raise FieldError(
                    "cluster",
                    f"“{joining}” is already a cluster and {held} grant(s) name one of the two: joining them would "
                    "widen those grants. Move schools one by one instead; nothing was changed.",
                )
            new = joining
        for school in schools:
            school.cluster = new
        for grant in grants:
            grant.cluster = new
        act.session.flush()
        act.audit(
            "cluster_renamed",
            "organisation",
            trust.id,
            before={"cluster": old_name},
            after={"cluster": new, "renamed_from": old_name, "organisations": len(schools), "grants": len(grants)},
        )
        act.changed(ORGANISATIONS, [school.id for school in schools])
        if grants:
            act.changed(USERS)
        return len(schools)
