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

from db.actions import begin
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import Job, Module, Organisation, OrgKind, Person
from db.queries.organisations import ORGANISATIONS
from db.queries.staff import JOBS

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
    with begin(db, user_id) as act:
        session = act.session
        job = act.fetch(Job, job_id, missing="That job no longer exists; the list has been refreshed.")
        org = act.fetch(Organisation, job.organisation_id, missing="That job's organisation no longer exists.")
        if org.kind == OrgKind.TRUST or org.trust_id is None:
            raise ValidationError("This is already a partnership job.")
        # The school's agreement first (D6): the sentence names the school and what it does not share.
        act.require_central(Module.STAFF, [org.id], "bring staff up into the partnership", then="Nothing was changed.")
        if not act.scope.can_act(Module.STAFF, org.trust_id):
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
        act.audit(
            "job_brought_up",
            "job",
            new.id,
            after={"from_job_id": job.id, "organisation": org.name, "unique_id": unique, "pay_scale": scale},
        )
        act.changed(JOBS, (job.id, new.id))
        return new.id


def set_staff_visibility(db: Database, user_id: int, organisation_id: int, restricted: bool, shown_version: int) -> int:
    """Restrict (or open up) an organisation's staff to the partnership; returns its new version."""
    with begin(db, user_id) as act:
        org = act.fetch(Organisation, organisation_id, missing="That organisation no longer exists.")
        act.require(Module.ORGANISATIONS, organisation_id, what=f"change who sees the staff of {org.name}")
        act.check_version(org, shown_version, org.name)
        if org.staff_visibility_restricted == restricted:
            return org.version
        org.staff_visibility_restricted = restricted
        act.session.flush()
        act.audit(
            "staff_visibility_restricted" if restricted else "staff_visibility_opened",
            "organisation",
            organisation_id,
            before={"staff_visibility_restricted": not restricted},
            after={"staff_visibility_restricted": restricted},
        )
        # Who sees the organisation's staff changes every staff list that shows them.
        act.changed(ORGANISATIONS, organisation_id)
        act.changed(JOBS)
        return org.version
