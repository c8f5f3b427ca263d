"""What the request import's plan needs from the database (``plan.Known``), read in a few queries.

Organisations and jobs are read whole (a trust has ~30,000 jobs) through Core, without the ORM's
per-row cost; the user's right to enter requests (CPD and D6), requests already held and cover days
already authorised only for the schools and jobs the file names.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.cover_limits import effective_limit
from db.models import AcademicPeriod, CpdActivity, Job, Level, Organisation, PartnershipState, Person, UserGrant
from db.periods import period_containing, start_month
from db.request_import.plan import Known, KnownJob, KnownOrg, jobs_named
from db.request_import.records import RequestRecord
from db.scope import Scope, central_action_refusals, own_person_id
from db.services.request_rules import CPD, central_entry_refusals
from db.services.signoff import _chunks

#: finishes "You may not …" in the D6 sentences
DOING = "enter CPD requests"
NO_RIGHT = (
    "you may not enter CPD requests for this person: it needs CPD at comment level or above at their organisation"
)


def load_known(session: Session, scope: Scope, records: tuple[RequestRecord, ...]) -> Known:
    connection = session.connection()
    orgs = {
        org_id: KnownOrg(org_id, name, urn or "")
        for org_id, name, urn in connection.execute(select(Organisation.id, Organisation.name, Organisation.urn))
    }
    j, p = Job, Person
    jobs = {
        row[0]: KnownJob(row[0], row[1], row[2], row[3] or "", row[4] or "", bool(row[5]), row[6], f"{row[7]} {row[8]}")
        for row in connection.execute(
            select(
                j.id, j.person_id, j.organisation_id, j.staff_code, j.email, j.active, j.line_manager_job_id,
                p.first_name, p.last_name,
            ).join(p, p.id == j.person_id)
        )
    }  # fmt: skip
    known = Known(
        orgs=orgs,
        jobs=jobs,
        entry_refusals={},
        job_limits=scope.job_limits.get(CPD, {}),
        deciding=frozenset(),
        deciding_limits=scope.job_limits.get(CPD, {}),
        own_person_id=own_person_id(session, scope),
        own_job_id=scope.own_job_id,
        existing=frozenset(),
        cover_limits={},
        cover_used={},
    )
    named = sorted(jobs_named(records, known))
    schools = sorted({jobs[job].organisation_id for job in named})
    may_decide = scope.orgs(CPD, Level.DECIDE) & set(schools)
    # deciding at a layer is a central action: a grant held at the trust needs the school's group actions (D6)
    refused = central_action_refusals(session, scope, CPD, may_decide, "decide CPD")
    starts = [r.details.starts_on for r in records if r.details is not None]
    month = start_month(session)
    periods = {day: period_containing(day, month) for day in set(starts)}
    existing, cover_limits, cover_used = _held(connection, named, starts, periods)
    return replace(
        known,
        entry_refusals=_entry_refusals(session, scope, schools),
        deciding=frozenset(org for org in may_decide if org not in refused),
        existing=frozenset(existing),
        cover_limits=cover_limits,
        cover_used=cover_used,
        period_of={day: (period.starts_on, period.label) for day, period in periods.items()},
    )


def _entry_refusals(session: Session, scope: Scope, schools: list[int]) -> dict[int, str]:
    """school → why the user may not enter requests there. D6 first, to whoever holds a grant at the
    trust (it says why that grant stops at this school); to everyone else, that they have no CPD right there."""
    central = _holds_central_grant(session, scope.user_id)
    refusals: dict[int, str] = {}
    agreements = central_entry_refusals(session, scope, schools, DOING)
    for org_id in schools:
        refusal = agreements.get(org_id)
        if not scope.can_act(CPD, org_id, Level.COMMENT) and (refusal is None or not central):
            refusal = NO_RIGHT
        if refusal is not None:
            refusals[org_id] = refusal
    return refusals


def _held(
    connection: Any, named: list[int], starts: list[date], periods: dict[date, Any]
) -> tuple[set[tuple[int, str, date]], dict[int, float], dict[tuple[int, date], float]]:
    """Requests already held for the named jobs within the file's dates, their cover limits, and the
    cover days already authorised in the file's periods."""
    existing: set[tuple[int, str, date]] = set()
    cover_limits: dict[int, float] = {}
    cover_used: dict[tuple[int, date], float] = {}
    if not named or not starts:
        return existing, cover_limits, cover_used
    low, high = min(starts), max(starts)
    a = CpdActivity
    for chunk in _chunks(named):
        existing.update(
            (job_id, " ".join(title.casefold().split()), on)
            for job_id, title, on in connection.execute(
                select(a.job_id, a.title, a.starts_on).where(
                    a.job_id.in_(chunk), a.starts_on >= low, a.starts_on <= high
                )
            )
        )
        cover_limits.update(
            (job_id, float(limit))
            for job_id, limit in connection.execute(select(Job.id, effective_limit()).where(Job.id.in_(chunk)))
        )
        for job_id, period_start, used in connection.execute(
            select(a.job_id, AcademicPeriod.starts_on, func.sum(a.cover_days))
            .join(AcademicPeriod, AcademicPeriod.id == a.period_id)
            .where(
                a.job_id.in_(chunk),
                a.partnership_state == PartnershipState.AUTHORISED,
                a.cover_days > 0,
                AcademicPeriod.starts_on >= periods[low].starts_on,
                AcademicPeriod.starts_on <= periods[high].starts_on,
            )
            .group_by(a.job_id, AcademicPeriod.starts_on)
        ):
            cover_used[(job_id, period_start)] = float(used or 0)
    return existing, cover_limits, cover_used


def _holds_central_grant(session: Session, user_id: int) -> bool:
    """A CPD grant at comment level or above held at the trust (or one of its clusters)."""
    found = session.scalar(
        select(UserGrant.id)
        .join(Organisation, Organisation.id == UserGrant.organisation_id)
        .where(
            UserGrant.user_id == user_id,
            UserGrant.module == CPD,
            UserGrant.level >= int(Level.COMMENT),
            Organisation.trust_id.is_(None),
        )
        .limit(1)
    )
    return found is not None
