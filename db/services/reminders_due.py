"""What is due to be reminded today, and to whom (``db.services.reminders`` runs the day and sends).

* A request starting within the trust's N days waits for its line manager (a TrustDesk user, or
  someone with an e-mail address), the school's CPD deciders and the trust's partnership deciders,
  as ``db.queries.inbox.deciding_layers`` answers for My inbox.
* A pending data sharing request is due on the schedule's days after it was sent (the k-th reminder
  once the k-th day has come), unless it was reminded today.

People who opted out of reminders are left out of both.  Reading only: nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from db.models import (
    AcademicPeriod,
    AppUser,
    CpdActivity,
    CpdTeamState,
    DataSharingRequest,
    Job,
    Level,
    LineManagerState,
    Module,
    Organisation,
    Person,
    SharingRequestState,
    UserGrant,
)
from db.queries.inbox import OPEN_STATES, DecidingLayers, InboxGroup, deciding_layers

SHARING_KIND = "data_sharing"


@dataclass
class Recipient:
    """One person to remind, however they are reached (a user, a job's or a request's address)."""

    key: str  # "user:12", "job:345" or "email:…": the person, as reminders_sent names them
    name: str
    user_id: int | None = None
    job_id: int | None = None
    email: str | None = None


@dataclass
class Due:
    """One thing one person is due to be reminded of today (``kind``: the layer, or data sharing)."""

    recipient: Recipient
    kind: str
    item_id: int
    line: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def requests_due(session: Session, today: date, days: int, opted_out: set[int]) -> list[Due]:
    """Each open request starting within ``days``, once per layer still to decide it: its line
    manager's, and each CPD team and partnership decider's who reaches it (never their own)."""
    last = today + timedelta(days=days)
    periods = list(
        session.scalars(
            select(AcademicPeriod.id).where(AcademicPeriod.starts_on <= last, AcademicPeriod.ends_on >= today)
        )
    )
    rows = session.execute(
        select(
            CpdActivity.id,
            CpdActivity.title,
            CpdActivity.starts_on,
            CpdActivity.organisation_id,
            Organisation.name,
            CpdActivity.job_id,
            Job.line_manager_job_id,
            Job.person_id,
            Person.first_name,
            Person.last_name,
            CpdActivity.line_manager_state,
            CpdActivity.cpd_team_state,
        )
        .join(Job, Job.id == CpdActivity.job_id)
        .join(Person, Person.id == Job.person_id)
        .join(Organisation, Organisation.id == CpdActivity.organisation_id)
        .where(
            CpdActivity.period_id.in_(periods),
            CpdActivity.starts_on >= today,
            CpdActivity.starts_on <= last,
            CpdActivity.partnership_state.in_(OPEN_STATES),
            CpdActivity.withdrawn_at.is_(None),
        )
        .order_by(CpdActivity.starts_on, CpdActivity.id)
    ).all()
    if not rows:
        return []
    due: list[Due] = []
    managers = _line_managers(session, {r.line_manager_job_id for r in rows if r.line_manager_job_id}, opted_out)
    for r in rows:
        line = f"{r.title} — {r.first_name} {r.last_name} ({r.name}), starts {r.starts_on:%d %b %Y}"
        manager = managers.get(r.line_manager_job_id or 0)
        if manager is not None and LineManagerState(r.line_manager_state) is LineManagerState.PENDING:
            person_of_manager, recipient = manager
            if person_of_manager != r.person_id:
                due.append(Due(recipient, InboxGroup.LINE_MANAGER.value, r.id, line))
    for recipient, layers in _deciders(session, opted_out):
        for r in rows:
            if r.job_id in layers.own_job_ids:
                continue
            line = f"{r.title} — {r.first_name} {r.last_name} ({r.name}), starts {r.starts_on:%d %b %Y}"
            lm_state, team_state = LineManagerState(r.line_manager_state), CpdTeamState(r.cpd_team_state)
            if (
                _decides(layers, layers.cpd_team_orgs, r.organisation_id, r.job_id)
                and team_state is CpdTeamState.PENDING
                and lm_state is not LineManagerState.DENIED
            ):
                due.append(Due(recipient, InboxGroup.CPD_TEAM.value, r.id, line))
            if (
                _decides(layers, layers.partnership_orgs, r.organisation_id, r.job_id)
                and lm_state is not LineManagerState.DENIED
                and team_state is not CpdTeamState.DECLINED
            ):
                due.append(Due(recipient, InboxGroup.PARTNERSHIP.value, r.id, line))
    return due


def _decides(layers: DecidingLayers, orgs: frozenset[int], org_id: int, job_id: int) -> bool:
    if org_id not in orgs:
        return False
    limit = layers.job_limits.get(org_id)
    return limit is None or job_id in limit


def _line_managers(session: Session, job_ids: Iterable[int], opted_out: set[int]) -> dict[int, tuple[int, Recipient]]:
    """Manager job → (their person, how to reach them): a TrustDesk user of that job, else the job's or
    the person's e-mail address; managers who are neither, or who opted out, are left out."""
    wanted = sorted(set(job_ids))
    found: dict[int, tuple[int, Recipient]] = {}
    for start in range(0, len(wanted), 1000):
        rows = session.execute(
            select(
                Job.id,
                Job.person_id,
                Job.email,
                Person.email,
                Person.first_name,
                Person.last_name,
                AppUser.id,
                AppUser.email,
            )
            .join(Person, Person.id == Job.person_id)
            .outerjoin(AppUser, and_(AppUser.job_id == Job.id, AppUser.active.is_(True)))
            .where(Job.id.in_(wanted[start : start + 1000]), Job.active.is_(True))
        ).all()
        for job_id, person_id, job_email, person_email, first, last, user, user_email in rows:
            if person_id in opted_out:
                continue
            email = job_email or person_email or user_email
            name = f"{first} {last}"
            if user is not None:
                found[job_id] = (person_id, Recipient(f"user:{user}", name, user_id=user, job_id=job_id, email=email))
            elif email:
                found[job_id] = (person_id, Recipient(f"job:{job_id}", name, job_id=job_id, email=email))
    return found


def _deciders(session: Session, opted_out: set[int]) -> list[tuple[Recipient, DecidingLayers]]:
    """Every active user who decides Partnership CPD somewhere, with where (their layers)."""
    rows = session.execute(
        select(AppUser.id, AppUser.display_name, AppUser.email, AppUser.job_id, Job.person_id, Job.email)
        .outerjoin(Job, Job.id == AppUser.job_id)
        .where(
            AppUser.active.is_(True),
            AppUser.id.in_(
                select(UserGrant.user_id).where(
                    UserGrant.module == Module.PARTNERSHIP_CPD, UserGrant.level >= int(Level.DECIDE)
                )
            ),
        )
        .order_by(AppUser.id)
    ).all()
    deciders = []
    for user_id, name, email, job_id, person_id, job_email in rows:
        if person_id is not None and person_id in opted_out:
            continue
        layers = deciding_layers(session, user_id)
        if layers.cpd_team_orgs or layers.partnership_orgs:
            recipient = Recipient(f"user:{user_id}", name, user_id=user_id, job_id=job_id, email=email or job_email)
            deciders.append((recipient, layers))
    return deciders


# -- data sharing requests on the trust's schedule ---------------------------------------------------


def sharing_due(session: Session, today: date, schedule: Sequence[int], opted_out: set[int]) -> list[Due]:
    """Pending requests whose next scheduled reminder day has come and that were not reminded today."""
    if not schedule:
        return []
    rows = session.execute(
        select(DataSharingRequest, Organisation.name, Job.person_id)
        .join(Organisation, Organisation.id == DataSharingRequest.organisation_id)
        .outerjoin(Job, Job.id == DataSharingRequest.recipient_job_id)
        .where(DataSharingRequest.state == SharingRequestState.PENDING)
        .order_by(DataSharingRequest.id)
    ).all()
    due = []
    for request, school, person_id in rows:
        if person_id is not None and person_id in opted_out:
            continue
        step = request.reminder_count
        if step >= len(schedule) or today < request.sent_at.date() + timedelta(days=schedule[step]):
            continue
        if request.reminded_at is not None and request.reminded_at.date() >= today:
            continue
        key = f"job:{request.recipient_job_id}" if request.recipient_job_id else f"email:{request.recipient_email}"
        recipient = Recipient(
            key.lower(),
            request.recipient_name or request.recipient_email,
            job_id=request.recipient_job_id,
            email=request.recipient_email,
        )
        due.append(
            Due(
                recipient,
                SHARING_KIND,
                request.id,
                extra={"organisation_id": request.organisation_id, "school": school},
            )
        )
    return due
