"""What the request import's plan needs from the database (``plan.Known``), read in a few queries.

Organisations and jobs are read whole (a trust has ~30,000 jobs); requests already held and cover
days already authorised only for the jobs the file names, in chunks.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.cover_limits import effective_limit
from db.models import AcademicPeriod, CpdActivity, Job, Level, Organisation, PartnershipState, Person, UserGrant
from db.periods import period_containing, start_month
from db.request_import.plan import Known, KnownJob, KnownOrg, jobs_named
from db.request_import.records import RequestRecord
from db.scope import Scope, central_action_refusals, own_person_id
from db.services.request_rules import CPD, central_entry_refusal
from db.services.signoff import _chunks

#: finishes "You may not …" in the D6 sentences
DOING = "enter CPD requests"


def load_known(session: Session, scope: Scope, records: tuple[RequestRecord, ...]) -> Known:
    orgs = {
        row.id: KnownOrg(row.id, row.name, row.urn or "")
        for row in session.execute(select(Organisation.id, Organisation.name, Organisation.urn))
    }
    j, p = Job, Person
    jobs = {
        row[0]: KnownJob(row[0], row[1], row[2], row[3] or "", row[4] or "", bool(row[5]), row[6], f"{row[7]} {row[8]}")
        for row in session.execute(
            select(
                j.id, j.person_id, j.organisation_id, j.staff_code, j.email, j.active, j.line_manager_job_id,
                p.first_name, p.last_name,
            ).join(p, p.id == j.person_id)
        )
    }  # fmt: skip
    entry_refusals: dict[int, str] = {}
    central = _holds_central_grant(session, scope.user_id)
    for org_id in orgs:
        # D6: a grant held at the trust stops at a school that does not share group actions; say so
        # to whoever holds one, and to everyone else that they have no CPD right there
        refusal = central_entry_refusal(session, scope, org_id, DOING)
        if not scope.can_act(CPD, org_id, Level.COMMENT) and (refusal is None or not central):
            refusal = (
                "you may not enter CPD requests for this person: it needs CPD at comment level or above at their "
                "organisation"
            )
        if refusal is not None:
            entry_refusals[org_id] = refusal
    may_decide = scope.orgs(CPD, Level.DECIDE)
    # deciding at a layer is a central action: a grant held at the trust needs the school's group actions (D6)
    refused = central_action_refusals(session, scope, CPD, may_decide, "decide CPD")
    deciding = frozenset(org for org in may_decide if org not in refused)
    limits = scope.job_limits.get(CPD, {})
    known = Known(
        orgs=orgs,
        jobs=jobs,
        entry_refusals=entry_refusals,
        job_limits=limits,
        deciding=deciding,
        deciding_limits=limits,
        own_person_id=own_person_id(session, scope),
        own_job_id=scope.own_job_id,
        existing=frozenset(),
        cover_limits={},
        cover_used={},
    )
    named = sorted(jobs_named(records, known))
    starts = [r.details.starts_on for r in records if r.details is not None]
    month = start_month(session)
    periods = {day: period_containing(day, month) for day in set(starts)}
    existing: set[tuple[int, str, date]] = set()
    cover_limits: dict[int, float] = {}
    cover_used: dict[tuple[int, date], float] = {}
    if named and starts:
        low, high = min(starts), max(starts)
        a = CpdActivity
        for chunk in _chunks(named):
            existing.update(
                (job_id, " ".join(title.casefold().split()), on)
                for job_id, title, on in session.execute(
                    select(a.job_id, a.title, a.starts_on).where(
                        a.job_id.in_(chunk), a.starts_on >= low, a.starts_on <= high
                    )
                )
            )
            cover_limits.update(
                (job_id, float(limit))
                for job_id, limit in session.execute(select(Job.id, effective_limit()).where(Job.id.in_(chunk)))
            )
            for job_id, period_start, used in session.execute(
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
    return replace(
        known,
        existing=frozenset(existing),
        cover_limits=cover_limits,
        cover_used=cover_used,
        period_of={day: (period.starts_on, period.label) for day, period in periods.items()},
    )


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
