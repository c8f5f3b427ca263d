"""Data sharing agreements: the trust requests and reminds, the school approves or declines (D1-D6).

This module holds the trust's side; approving and declining are in
``db.services.sharing_decisions`` (re-exported here, so importers are unchanged).

* Sending and reminding is the central team's: Data sharing at decide level
  over the trust ("administer institution details", D5).  A request goes to
  chosen people with an e-mail address; someone with an outstanding request is
  not asked again (D1); reminders are counted (D2).
* Approving or declining is the school's: Data sharing at decide level held at
  that school itself, not at the trust (D3), and only at the level requested.
  Once approved the school cannot change it.
* A level is only ever raised, by a new request (D4): a request at or below
  the agreed level is refused here, and the database refuses any lowering
  (migration 0006).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from db.actions import Action, begin
from db.engine import Database
from db.errors import NotFound, PermissionDenied, ValidationError
from db.models import (
    DataSharingAgreement,
    DataSharingContact,
    DataSharingRequest,
    Level,
    Module,
    Organisation,
    OrgKind,
    SharingLevel,
    SharingRecipientRole,
    SharingRequestState,
    utcnow,
)
from db.queries.data_sharing import (
    DATA_SHARING,
    LEVEL_WORDS,
    ROLE_LABELS,
    Candidate,
    candidates_at,
    member_schools,
)
from db.scope import deciding_grants
from db.services.sharing_decisions import approve, decline
from db.services.users import EMAIL_PATTERN

__all__ = ["NOTHING_SENT", "RequestsSent", "add_contact", "approve", "decline", "remind", "request_sharing"]

NOTHING_SENT = "Nothing was sent."


@dataclass(frozen=True, slots=True)
class RequestsSent:
    requests: int
    schools: int


def _schools(act: Action, org_ids: Iterable[int], doing: str, then: str = NOTHING_SENT) -> list[Organisation]:
    """The open member schools named, each reached centrally with Data sharing at decide level (D5)."""
    wanted = set(org_ids)
    if not wanted:
        raise ValidationError(f"Tick at least one school to {doing}.")
    schools = member_schools(act.session, wanted)
    if len(schools) != len(wanted):
        raise NotFound(f"One of these schools is closed or no longer a member of the trust. {then}")
    _held, central = deciding_grants(act.session, act.user_id, Module.DATA_SHARING)
    for school in schools:
        if school.id not in central or not act.scope.can_act(Module.DATA_SHARING, school.id, Level.DECIDE):
            raise PermissionDenied(
                f"You may not {doing} {school.name}: that needs Data sharing at decide level over the trust "
                f"(administer institution details). {then}"
            )
    return schools


def _levels(session: Any, org_ids: Iterable[int]) -> dict[int, SharingLevel]:
    return {
        org: SharingLevel(level)
        for org, level in session.execute(
            select(DataSharingAgreement.organisation_id, DataSharingAgreement.level).where(
                DataSharingAgreement.organisation_id.in_(sorted(set(org_ids)))
            )
        )
    }


def _trust_name(act: Action) -> str:
    return act.session.scalar(select(Organisation.name).where(Organisation.kind == OrgKind.TRUST)) or "The trust"


def _chosen(
    schools: list[Organisation],
    candidates: list[Candidate],
    roles: frozenset[SharingRecipientRole] | None,
    keys: Sequence[str] | None,
) -> dict[int, list[Candidate]]:
    """Who receives the request at each school, or the one sentence why the choice cannot be sent."""
    by_school: dict[int, list[Candidate]] = {school.id: [] for school in schools}
    if keys is not None:
        known = {c.key: c for c in candidates}
        for key in dict.fromkeys(keys):
            found = known.get(key)
            if found is None:
                raise ValidationError(
                    f"“{key}” is not someone who may receive a request at the ticked schools. {NOTHING_SENT}"
                )
            by_school[found.organisation_id].append(found)
    else:
        wanted = roles or frozenset()
        if not wanted:
            raise ValidationError(f"Choose who receives the request: at least one role. {NOTHING_SENT}")
        for candidate in candidates:
            if candidate.role in wanted and not candidate.outstanding:
                by_school[candidate.organisation_id].append(candidate)
    names = {school.id: school.name for school in schools}
    for org_id, chosen in by_school.items():
        for candidate in chosen:
            if candidate.outstanding:
                raise ValidationError(
                    f"{candidate.name} at {names[org_id]} already has an outstanding request from the trust; "
                    f"remind them from the Pending tab instead. {NOTHING_SENT}"
                )
            if not candidate.email:
                raise ValidationError(
                    f"{candidate.name} ({ROLE_LABELS[candidate.role]} at {names[org_id]}, from {candidate.source}) "
                    f"has no e-mail address; add them as a contact with one first. {NOTHING_SENT}"
                )
        if not chosen:
            asked = " or ".join(ROLE_LABELS[r] for r in ROLE_LABELS if roles and r in roles) or "recipient"
            raise ValidationError(
                f"Nobody at {names[org_id]} can receive the request: no {asked} with an e-mail address who has "
                f"not already been asked. Add a contact or choose another role. {NOTHING_SENT}"
            )
        unique: dict[str, Candidate] = {}
        for candidate in chosen:
            unique.setdefault((candidate.email or "").lower(), candidate)
        by_school[org_id] = list(unique.values())
    return by_school


def request_sharing(
    db: Database,
    user_id: int,
    org_ids: Iterable[int],
    level: SharingLevel,
    *,
    roles: Iterable[SharingRecipientRole] | None = None,
    recipients: Sequence[str] | None = None,
) -> RequestsSent:
    """Send a request for ``level`` to each ticked school (D1), or a raise to an approved one (D4).

    Recipients are chosen by role (everyone at each school with one of ``roles``, an e-mail address
    and no outstanding request) or named by their keys (``Candidate.key``). All or nothing.
    """
    level = SharingLevel(level)
    if level == SharingLevel.NONE:
        raise ValidationError(f"Choose the level to request: institution data or more. {NOTHING_SENT}")
    with begin(db, user_id) as act:
        schools = _schools(act, org_ids, "send data sharing requests to")
        current = _levels(act.session, (s.id for s in schools))
        for school in schools:
            agreed = current.get(school.id, SharingLevel.NONE)
            if level <= agreed:
                raise ValidationError(
                    f"{school.name} already shares {LEVEL_WORDS[agreed]}: a request can only raise the level, "
                    f"never lower it (D4). {NOTHING_SENT}"
                )
        chosen = _chosen(
            schools,
            candidates_at(act.session, (s.id for s in schools)),
            frozenset(roles) if roles is not None else None,
            recipients,
        )
        now, trust = utcnow(), _trust_name(act)
        audits: list[dict[str, Any]] = []
        notes: list[dict[str, Any]] = []
        count = 0
        for school in schools:
            raising = current.get(school.id, SharingLevel.NONE) > SharingLevel.NONE
            for candidate in chosen[school.id]:
                request = DataSharingRequest(
                    organisation_id=school.id,
                    level=level,
                    state=SharingRequestState.PENDING,
                    recipient_role=candidate.role,
                    recipient_job_id=candidate.job_id,
                    recipient_contact_id=candidate.contact_id,
                    recipient_name=candidate.name,
                    recipient_email=candidate.email,
                    sent_by_user_id=user_id,
                    sent_at=now,
                    reminder_count=0,
                )
                act.session.add(request)
                act.session.flush()
                count += 1
                audits.append(
                    {
                        "action": "data_sharing_raise_requested" if raising else "data_sharing_requested",
                        "entity": "organisation",
                        "entity_id": school.id,
                        "after": {
                            "request_id": request.id,
                            "sharing": LEVEL_WORDS[level],
                            "recipient": candidate.label,
                            "email": candidate.email,
                        },
                    }
                )
                notes.append(
                    {
                        "recipient_job_id": candidate.job_id,
                        "recipient_email": candidate.email,
                        "kind": "data_sharing_request",
                        "subject": f"{trust} asks {school.name} to share {LEVEL_WORDS[level]}",
                        "body": (
                            f"Dear {candidate.name},\n\n{trust} asks {school.name} to share {LEVEL_WORDS[level]} "
                            "with the trust. Approve or decline it in TrustDesk under Data sharing; only someone "
                            "with the school's own Data sharing permission (the head teacher by default) can."
                        ),
                    }
                )
        act.audit_rows(audits)
        act.notify_rows(notes)
        act.changed(DATA_SHARING, [s.id for s in schools])
        return RequestsSent(requests=count, schools=len(schools))


def remind(db: Database, user_id: int, org_ids: Iterable[int]) -> int:
    """Remind everyone with an outstanding request at the ticked schools (D2); returns how many were reminded."""
    with begin(db, user_id) as act:
        schools = _schools(act, org_ids, "remind")
        pending = list(
            act.session.scalars(
                select(DataSharingRequest)
                .where(
                    DataSharingRequest.organisation_id.in_([s.id for s in schools]),
                    DataSharingRequest.state == SharingRequestState.PENDING,
                )
                .order_by(DataSharingRequest.id)
            )
        )
        waiting = {r.organisation_id for r in pending}
        for school in schools:
            if school.id not in waiting:
                raise ValidationError(f"{school.name} has no outstanding request to remind. {NOTHING_SENT}")
        names = {s.id: s.name for s in schools}
        now, trust = utcnow(), _trust_name(act)
        for request in pending:
            request.reminder_count += 1
            request.reminded_at = now
        act.audit_rows(
            [
                {
                    "action": "data_sharing_reminded",
                    "entity": "organisation",
                    "entity_id": r.organisation_id,
                    "after": {
                        "request_id": r.id,
                        "sharing": LEVEL_WORDS[SharingLevel(r.level)],
                        "recipient": r.recipient_name or r.recipient_email,
                        "reminders": r.reminder_count,
                    },
                }
                for r in pending
            ]
        )
        act.notify_rows(
            [
                {
                    "recipient_job_id": r.recipient_job_id,
                    "recipient_email": r.recipient_email,
                    "kind": "data_sharing_reminder",
                    "subject": f"Reminder: {trust} asks {names[r.organisation_id]} to share "
                    f"{LEVEL_WORDS[SharingLevel(r.level)]}",
                    "body": (
                        f"{trust} sent this request on {r.sent_at:%d %b %Y} and it is still waiting. Approve or "
                        "decline it in TrustDesk under Data sharing."
                    ),
                }
                for r in pending
            ]
        )
        act.changed(DATA_SHARING, [s.id for s in schools])
        return len(pending)


def add_contact(
    db: Database, user_id: int, organisation_id: int, name: str, role: SharingRecipientRole, email: str
) -> int:
    """Add a school leader by hand, so a request can reach them before any staff import (D1)."""
    name = " ".join(name.split())
    email = email.strip()
    if not name:
        raise ValidationError("Enter the contact's name.")
    if len(name) > 200:
        raise ValidationError("The name is too long: at most 200 characters.")
    if not email:
        raise ValidationError(f"Enter {name}’s e-mail address: a request reaches them by e-mail.")
    if len(email) > 200 or not EMAIL_PATTERN.match(email):
        raise ValidationError(f"“{email}” is not an e-mail address.")
    role = SharingRecipientRole(role)
    with begin(db, user_id) as act:
        (school,) = _schools(act, [organisation_id], "add data sharing contacts at", "Nothing was added.")
        taken = act.session.scalar(
            select(DataSharingContact.name).where(
                DataSharingContact.organisation_id == school.id,
                func.lower(DataSharingContact.email) == email.lower(),
            )
        )
        if taken is not None:
            raise ValidationError(f"{taken} is already a contact at {school.name} with the address {email}.")
        contact = DataSharingContact(
            organisation_id=school.id, name=name, role=role, email=email, added_by_user_id=user_id, added_at=utcnow()
        )
        act.session.add(contact)
        act.session.flush()
        act.audit(
            "data_sharing_contact_added",
            "organisation",
            school.id,
            after={"name": name, "role": ROLE_LABELS[role], "email": email},
        )
        act.changed(DATA_SHARING, school.id)
        return contact.id
