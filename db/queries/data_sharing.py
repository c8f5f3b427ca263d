"""Data sharing agreements as the central team and each school's head see them (D1-D6).

Each open member school is in one of three places: no agreement, pending (a
request is outstanding) or approved (a level is agreed; it may also have a
pending request to raise it).  Who may receive a request is institution data,
known before any agreement and before any staff import: the leader GIAS names
(without an e-mail address), the leadership contacts the central team adds by
hand, and once staff are imported the jobs whose role is one of the four
(executive head, head, deputy head, data manager).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.changes import ChangeKind
from db.engine import Database
from db.models import (
    AppUser,
    DataSharingAgreement,
    DataSharingContact,
    DataSharingRequest,
    Job,
    Level,
    Module,
    Organisation,
    OrgKind,
    OrgStatus,
    Person,
    SharingLevel,
    SharingRecipientRole,
    SharingRequestState,
    UserGrant,
)
from db.scope import deciding_grants, scope_for

#: what a change to agreements, requests or contacts is called on the data bus; panels whose reach
#: depends on the agreements (organisations, CPD, the dashboard) watch it too
DATA_SHARING: ChangeKind = "data_sharing"

#: the levels as the panel and the command line offer them (D5)
LEVEL_LABELS = {
    SharingLevel.NONE: "No agreement",
    SharingLevel.INSTITUTION: "Institution data",
    SharingLevel.MIS: "+ MIS data",
    SharingLevel.GROUP_ACTIONS: "+ MIS data and group actions",
}
#: the levels in a sentence ("asked Larkwell to share …")
LEVEL_WORDS = {
    SharingLevel.NONE: "no data",
    SharingLevel.INSTITUTION: "institution data",
    SharingLevel.MIS: "institution and MIS data",
    SharingLevel.GROUP_ACTIONS: "institution and MIS data with group actions",
}
#: what each level hides from and allows the central team (D6), for an organisation's page
LEVEL_EFFECTS = {
    SharingLevel.NONE: (
        "No data sharing agreement: the trust sees only this school's institution details. Its staff and "
        "activities are hidden at trust level, and no central action (sign-off, flood fill, bring-up) touches it."
    ),
    SharingLevel.INSTITUTION: (
        "Shares institution data only: its staff and activities are hidden at trust level, and no central "
        "action (sign-off, flood fill, bring-up) touches it."
    ),
    SharingLevel.MIS: (
        "Shares MIS data: the trust sees its staff and activities and may comment, but no central action "
        "(sign-off, flood fill, bring-up) touches it until it also shares group actions."
    ),
    SharingLevel.GROUP_ACTIONS: (
        "Shares MIS data and group actions: the trust sees its staff and activities and may act on them "
        "centrally (sign-off, flood fill, bring-up)."
    ),
}
ROLE_LABELS = {
    SharingRecipientRole.EXECUTIVE_HEAD: "Executive Head Teacher",
    SharingRecipientRole.HEAD: "Head Teacher",
    SharingRecipientRole.DEPUTY_HEAD: "Deputy Head Teacher",
    SharingRecipientRole.DATA_MANAGER: "Data Manager",
}
#: a job's role text, lower case and without spaces or punctuation → the recipient role it is
_JOB_ROLES = {
    "executiveheadteacher": SharingRecipientRole.EXECUTIVE_HEAD,
    "executivehead": SharingRecipientRole.EXECUTIVE_HEAD,
    "headteacher": SharingRecipientRole.HEAD,
    "head": SharingRecipientRole.HEAD,
    "deputyheadteacher": SharingRecipientRole.DEPUTY_HEAD,
    "deputyhead": SharingRecipientRole.DEPUTY_HEAD,
    "datamanager": SharingRecipientRole.DATA_MANAGER,
}
#: the same role texts as SQL compares them (lower case, single spaces)
_JOB_ROLE_TEXTS = sorted(
    {
        "executive headteacher",
        "executive head teacher",
        "executive head",
        "headteacher",
        "head teacher",
        "head",
        "deputy headteacher",
        "deputy head teacher",
        "deputy head",
        "data manager",
    }
)


def recipient_role_of(job_role: str) -> SharingRecipientRole | None:
    """The recipient role a job's role text names ("Head teacher", "Data manager"), if any."""
    return _JOB_ROLES.get(re.sub(r"[^a-z]", "", job_role.lower()))


@dataclass(frozen=True, slots=True)
class SchoolSharingRow:
    organisation_id: int
    name: str
    urn: str | None
    cluster: str | None
    level: SharingLevel
    requested_level: SharingLevel | None  # the highest level an outstanding request asks for
    sent_to: str  # the outstanding requests' recipients, "Name (role)", comma-separated
    sent_at: datetime | None  # the latest outstanding request
    reminders: int
    last_reminded: datetime | None
    approved_at: datetime | None
    approved_by: str | None
    note: str  # the last decline, if the school declined and nothing is outstanding
    pending_request_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ApprovalRow:
    """An outstanding request the user may decide for their own school (D3)."""

    request_id: int
    organisation_id: int
    organisation: str
    level: SharingLevel
    current_level: SharingLevel
    sent_to: str
    sent_by: str
    sent_at: datetime
    reminders: int


@dataclass(frozen=True, slots=True)
class SharingOverview:
    no_agreement: list[SchoolSharingRow]
    pending: list[SchoolSharingRow]
    approved: list[SchoolSharingRow]
    #: the schools this user may send requests to (Data sharing at decide level over the trust, D5)
    can_send_to: frozenset[int]
    approvals: list[ApprovalRow] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Candidate:
    """Someone at a school who may receive a request; ``key`` names them to the services."""

    key: str  # "job:12", "contact:3" or "leader:7" (the GIAS leader of organisation 7)
    organisation_id: int
    organisation: str
    name: str
    role: SharingRecipientRole
    email: str | None
    source: str  # "staff", "contact" or "GIAS"
    job_id: int | None = None
    contact_id: int | None = None
    outstanding: bool = False  # already has an outstanding request from the trust (D1)

    @property
    def label(self) -> str:
        return f"{self.name} ({ROLE_LABELS[self.role]})"


@dataclass(frozen=True, slots=True)
class SharingSummary:
    """How many of the schools a central user reaches do not share MIS data (D6), for a banner."""

    hidden: int
    total: int

    @property
    def text(self) -> str:
        # "1 of 11 schools has not …", "3 of 14 schools have not …"
        verb, whose = ("has", "its") if self.hidden == 1 else ("have", "their")
        return (
            f"{self.hidden} of {self.total} school{'' if self.total == 1 else 's'} {verb} not shared data with "
            f"the trust — {whose} staff and activities are hidden."
        )


def member_schools(session: Session, org_ids: Iterable[int] | None = None) -> list[Organisation]:
    """Open members of the trust that sign agreements (not the trust, not a central team)."""
    query = select(Organisation).where(
        Organisation.kind.not_in((OrgKind.TRUST, OrgKind.CENTRAL)),
        Organisation.trust_id.is_not(None),
        Organisation.status == OrgStatus.OPEN,
    )
    if org_ids is not None:
        query = query.where(Organisation.id.in_(sorted(set(org_ids))))
    return list(session.scalars(query.order_by(Organisation.name)))


def _recipient_label(request: DataSharingRequest) -> str:
    name = request.recipient_name or request.recipient_email
    return f"{name} ({ROLE_LABELS[SharingRecipientRole(request.recipient_role)]})"


def sharing_overview(db: Database, user_id: int) -> SharingOverview:
    """The three tabs for the schools the user sees in Data sharing, and what awaits their own decision."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        schools = member_schools(session, scope.orgs(Module.DATA_SHARING))
        ids = [school.id for school in schools]
        agreements = {
            a.organisation_id: a
            for a in session.scalars(select(DataSharingAgreement).where(DataSharingAgreement.organisation_id.in_(ids)))
        }
        requests = list(
            session.scalars(
                select(DataSharingRequest)
                .where(DataSharingRequest.organisation_id.in_(ids))
                .order_by(DataSharingRequest.sent_at, DataSharingRequest.id)
            )
        )
        names = _user_names(session, {r.decided_by_user_id for r in requests} | {r.sent_by_user_id for r in requests})
        held, central = deciding_grants(session, user_id, Module.DATA_SHARING)
        rows: dict[str, list[SchoolSharingRow]] = {"none": [], "pending": [], "approved": []}
        approvals: list[ApprovalRow] = []
        for school in schools:
            mine = [r for r in requests if r.organisation_id == school.id]
            pending = [r for r in mine if r.state == SharingRequestState.PENDING]
            agreement = agreements.get(school.id)
            level = SharingLevel(agreement.level if agreement else SharingLevel.NONE)
            declined = [r for r in mine if r.state == SharingRequestState.DECLINED]
            note = ""
            if declined and not pending:
                last = declined[-1]
                by = names.get(last.decided_by_user_id or 0, "the school")
                when = f"{last.decided_at:%d %b %Y}" if last.decided_at else ""
                note = f"Declined {when} by {by}: {last.decline_reason or 'no reason given'}"
            row = SchoolSharingRow(
                organisation_id=school.id,
                name=school.name,
                urn=school.urn,
                cluster=school.cluster,
                level=level,
                requested_level=SharingLevel(max(r.level for r in pending)) if pending else None,
                sent_to=", ".join(dict.fromkeys(_recipient_label(r) for r in pending)),
                sent_at=max((r.sent_at for r in pending), default=None),
                reminders=sum(r.reminder_count for r in pending),
                last_reminded=max((r.reminded_at for r in pending if r.reminded_at), default=None),
                approved_at=agreement.approved_at if agreement and level > SharingLevel.NONE else None,
                approved_by=agreement.approved_by_name if agreement and level > SharingLevel.NONE else None,
                note=note,
                pending_request_ids=tuple(r.id for r in pending),
            )
            if pending:
                rows["pending"].append(row)
            if level > SharingLevel.NONE:
                rows["approved"].append(row)
            elif not pending:
                rows["none"].append(row)
            if school.id in held:
                approvals.extend(
                    ApprovalRow(
                        request_id=r.id,
                        organisation_id=school.id,
                        organisation=school.name,
                        level=SharingLevel(r.level),
                        current_level=level,
                        sent_to=_recipient_label(r),
                        sent_by=names.get(r.sent_by_user_id, "?"),
                        sent_at=r.sent_at,
                        reminders=r.reminder_count,
                    )
                    for r in pending
                )
        return SharingOverview(
            no_agreement=rows["none"],
            pending=rows["pending"],
            approved=rows["approved"],
            can_send_to=frozenset(central & set(ids)),
            approvals=approvals,
        )


def _user_names(session: Session, user_ids: set[int | None]) -> dict[int, str]:
    wanted = sorted(u for u in user_ids if u is not None)
    if not wanted:
        return {}
    return dict(session.execute(select(AppUser.id, AppUser.display_name).where(AppUser.id.in_(wanted))).tuples().all())


def candidates_at(session: Session, org_ids: Iterable[int]) -> list[Candidate]:
    """Everyone who may receive a request at these schools, with or without an e-mail address.

    Staff whose job role is one of the four, the contacts added by hand, and the GIAS leader
    unless a contact or a job already names them; ``outstanding`` marks who has a request waiting.
    """
    schools = {school.id: school for school in member_schools(session, org_ids)}
    if not schools:
        return []
    ids = sorted(schools)
    waiting = session.execute(
        select(
            DataSharingRequest.organisation_id,
            DataSharingRequest.recipient_job_id,
            DataSharingRequest.recipient_contact_id,
            func.lower(DataSharingRequest.recipient_email),
        ).where(DataSharingRequest.organisation_id.in_(ids), DataSharingRequest.state == SharingRequestState.PENDING)
    ).all()
    waiting_jobs = {job for _org, job, _contact, _email in waiting if job is not None}
    waiting_contacts = {contact for _org, _job, contact, _email in waiting if contact is not None}
    waiting_emails = {(org, email) for org, _job, _contact, email in waiting}

    def outstanding(org_id: int, email: str | None, job_id: int | None = None, contact_id: int | None = None) -> bool:
        return (
            job_id in waiting_jobs
            or contact_id in waiting_contacts
            or (email is not None and (org_id, email.lower()) in waiting_emails)
        )

    found: list[Candidate] = []
    named: set[tuple[int, str]] = set()
    for contact in session.scalars(
        select(DataSharingContact)
        .where(DataSharingContact.organisation_id.in_(ids))
        .order_by(DataSharingContact.name, DataSharingContact.id)
    ):
        school = schools[contact.organisation_id]
        named.add((school.id, contact.name.casefold()))
        found.append(
            Candidate(
                f"contact:{contact.id}",
                school.id,
                school.name,
                contact.name,
                SharingRecipientRole(contact.role),
                contact.email,
                "contact",
                contact_id=contact.id,
                outstanding=outstanding(school.id, contact.email, contact_id=contact.id),
            )
        )
    staff = session.execute(
        select(Job.id, Job.organisation_id, Job.role, Job.email, Person.email, Person.first_name, Person.last_name)
        .join(Person, Person.id == Job.person_id)
        .where(
            Job.organisation_id.in_(ids),
            Job.active.is_(True),
            func.lower(func.trim(Job.role)).in_(_JOB_ROLE_TEXTS),
        )
        .order_by(Person.last_name, Person.first_name, Job.id)
    ).all()
    for job_id, org_id, role_text, job_email, person_email, first, last in staff:
        role = recipient_role_of(role_text)
        if role is None:
            continue
        name = f"{first} {last}"
        email = job_email or person_email
        named.add((org_id, name.casefold()))
        found.append(
            Candidate(
                f"job:{job_id}",
                org_id,
                schools[org_id].name,
                name,
                role,
                email,
                "staff",
                job_id=job_id,
                outstanding=outstanding(org_id, email, job_id=job_id),
            )
        )
    for school in schools.values():
        leader = " ".join((school.leader_name or "").split())
        if leader and (school.id, leader.casefold()) not in named:
            found.append(
                Candidate(
                    f"leader:{school.id}", school.id, school.name, leader, SharingRecipientRole.HEAD, None, "GIAS"
                )
            )
    return sorted(found, key=lambda c: (c.organisation, list(ROLE_LABELS).index(c.role), c.name.casefold()))


def recipient_choices(db: Database, user_id: int, org_ids: Iterable[int]) -> list[Candidate]:
    """Who the request dialog offers at these schools: everyone without an outstanding request (D1)."""
    with db.read() as session:
        reach = scope_for(session, user_id).orgs(Module.DATA_SHARING)
        return [c for c in candidates_at(session, set(org_ids) & reach) if not c.outstanding]


def sharing_summary(db: Database, user_id: int) -> SharingSummary | None:
    """For a central user, how many reached schools keep their staff and activities from the trust (D6).

    None when the user holds nothing at the trust (a school's own user) or every school shares MIS data.
    """
    with db.read() as session:
        trust = session.scalar(select(Organisation.id).where(Organisation.kind == OrgKind.TRUST))
        central = session.scalar(
            select(func.count())
            .select_from(UserGrant)
            .where(UserGrant.user_id == user_id, UserGrant.organisation_id == trust, UserGrant.level > int(Level.NONE))
        )
        if trust is None or not central:
            return None
        reach = scope_for(session, user_id).orgs(Module.ORGANISATIONS)
        schools = [school.id for school in member_schools(session, reach)]
        if not schools:
            return None
        sharing = session.scalar(
            select(func.count())
            .select_from(DataSharingAgreement)
            .where(
                DataSharingAgreement.organisation_id.in_(schools),
                DataSharingAgreement.level >= int(SharingLevel.MIS),
            )
        )
        hidden = len(schools) - int(sharing or 0)
        return SharingSummary(hidden, len(schools)) if hidden else None
