"""Jobs: bringing a school job up into the partnership (P2), and who sees an
organisation's staff (P3).

Bringing up creates the person's partnership job (at the trust) from one of
their school jobs, optionally with a unique ID and pay scale.  A person holds
at most one job per organisation, so a second bring-up is refused, not merged.
Restricting staff visibility hides an organisation's staff from users outside
it (``db.scope`` honours the flag); only someone who may decide about the
organisation itself may change it.
"""

from __future__ import annotations

from sqlalchemy import select

from db.engine import Database
from db.errors import NotFound, PermissionDenied, StaleData, ValidationError
from db.models import AuditEntry, Job, Level, Module, Organisation, OrgKind, Person
from db.scope import require_central_action, scope_for

MAX_FIELD = 40


def _optional(text: str | None, what: str) -> str | None:
    value = (text or "").strip()
    if len(value) > MAX_FIELD:
        raise ValidationError(f"The {what} is longer than {MAX_FIELD} characters; shorten it.")
    return value or None


def bring_up_job(
    db: Database, user_id: int, job_id: int, *, unique_id: str | None = None, pay_scale: str | None = None
) -> int:
    """Create the partnership job for this school job; returns the new job's id."""
    unique = _optional(unique_id, "unique ID")
    scale = _optional(pay_scale, "pay scale")
    with db.transaction() as session:
        job = session.get(Job, job_id)
        if job is None:
            raise NotFound("That job no longer exists; the list has been refreshed.")
        org = session.get(Organisation, job.organisation_id)
        scope = scope_for(session, user_id)
        if org.kind == OrgKind.TRUST or org.trust_id is None:
            raise ValidationError("This is already a partnership job.")
        # The school's agreement first (D6): the sentence names the school and what it does not share.
        require_central_action(
            session, scope, Module.STAFF, [org.id], "bring staff up into the partnership", then="Nothing was changed."
        )
        if not scope.can_act(Module.STAFF, org.trust_id, Level.DECIDE):
            raise PermissionDenied("Only someone who may decide about staff at the trust can bring a job up.")
        name = session.scalar(select(Person.first_name + " " + Person.last_name).where(Person.id == job.person_id))
        already = session.scalar(
            select(Job.id).where(Job.person_id == job.person_id, Job.organisation_id == org.trust_id)
        )
        if already is not None:
            raise ValidationError(f"{name} already has a partnership job; nothing was changed.")
        new = Job(
            person_id=job.person_id,
            organisation_id=org.trust_id,
            role=job.role,
            email=job.email,
            brought_up_from_job_id=job.id,
            unique_id=unique,
            pay_scale=scale,
        )
        session.add(new)
        session.flush()
        session.add(
            AuditEntry(
                user_id=user_id,
                db_identity=db.identity,
                action="job_brought_up",
                entity="job",
                entity_id=new.id,
                after={"from_job_id": job.id, "organisation": org.name, "unique_id": unique, "pay_scale": scale},
            )
        )
        return new.id


def set_staff_visibility(db: Database, user_id: int, organisation_id: int, restricted: bool, shown_version: int) -> int:
    """Restrict (or open up) an organisation's staff to the partnership; returns its new version."""
    with db.transaction() as session:
        org = session.get(Organisation, organisation_id)
        if org is None:
            raise NotFound("That organisation no longer exists.")
        if not scope_for(session, user_id).can_act(Module.ORGANISATIONS, organisation_id, Level.DECIDE):
            raise PermissionDenied(f"You may not change who sees the staff of {org.name}.")
        if org.version != shown_version:
            raise StaleData(f"{org.name} was changed by someone else since it was shown; nothing was changed.")
        if org.staff_visibility_restricted == restricted:
            return org.version
        org.staff_visibility_restricted = restricted
        session.flush()
        session.add(
            AuditEntry(
                user_id=user_id,
                db_identity=db.identity,
                action="staff_visibility_restricted" if restricted else "staff_visibility_opened",
                entity="organisation",
                entity_id=organisation_id,
                before={"staff_visibility_restricted": not restricted},
                after={"staff_visibility_restricted": restricted},
            )
        )
        return org.version
