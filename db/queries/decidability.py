"""Which listed activities the acting user may decide, and why not the others (C3, C4, D6).

The Partnership CPD list shows every activity the user may *see*; only some of
them may be *decided* by this user.  The panel asks these rules per row so that
a row nobody would let this user decide shows no usable checkbox (with the
reason as its tooltip), and "tick all N matching" takes only decidable rows.
The sign-off service applies the same rules again inside its transaction: the
UI only saves the user a surprise, it does not replace the check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import (
    DataSharingAgreement,
    Job,
    Level,
    Module,
    Organisation,
    RoleAssignment,
    RolePermission,
    SharingLevel,
)
from db.scope import Scope, own_person_id, scope_for

OWN_REQUEST = "your own request"
OUTSIDE_SCOPE = "outside your scope"
NOT_SHARED = "the school does not share group actions"


@dataclass(frozen=True)
class DecideRules:
    """Enough to answer "may I decide this row?" for any row of the list without another query."""

    decidable_orgs: frozenset[int] = frozenset()
    #: organisations the user would decide for if their agreement shared group actions (D6)
    unshared_orgs: frozenset[int] = frozenset()
    own_person_id: int | None = None
    own_job_ids: frozenset[int] = frozenset()  # every job of that person (nobody decides any of their own)

    def why_not(self, organisation_id: int, person_id: int) -> str | None:
        """None when the user may decide the row; otherwise the reason in a few words."""
        if organisation_id not in self.decidable_orgs:
            return NOT_SHARED if organisation_id in self.unshared_orgs else OUTSIDE_SCOPE
        if self.own_person_id is not None and person_id == self.own_person_id:
            return OWN_REQUEST
        return None

    def why_not_job(self, organisation_id: int, job_id: int) -> str | None:
        """The same answer from the row's job (no join to people needed)."""
        if organisation_id not in self.decidable_orgs:
            return NOT_SHARED if organisation_id in self.unshared_orgs else OUTSIDE_SCOPE
        return OWN_REQUEST if job_id in self.own_job_ids else None


def decide_rules_in(session: Session, scope: Scope) -> DecideRules:
    decidable = scope.orgs(Module.PARTNERSHIP_CPD, at_least=Level.DECIDE)
    deciding_trusts = set(
        session.scalars(
            select(RoleAssignment.organisation_id)
            .join(RolePermission, RolePermission.role_id == RoleAssignment.role_id)
            .where(
                RoleAssignment.user_id == scope.user_id,
                RolePermission.module == Module.PARTNERSHIP_CPD,
                RolePermission.level >= Level.DECIDE,
            )
        )
    )
    unshared: set[int] = set()
    if deciding_trusts:
        shared = dict(
            session.execute(select(DataSharingAgreement.organisation_id, DataSharingAgreement.level)).tuples().all()
        )
        members = session.execute(
            select(Organisation.id).where(Organisation.trust_id.in_(sorted(deciding_trusts)))
        ).scalars()
        unshared = {
            org
            for org in members
            if org not in decidable and SharingLevel(shared.get(org, SharingLevel.NONE)) < SharingLevel.GROUP_ACTIONS
        }
    person = own_person_id(session, scope)
    own_jobs = session.scalars(select(Job.id).where(Job.person_id == person)).all() if person is not None else []
    return DecideRules(frozenset(decidable), frozenset(unshared), person, frozenset(own_jobs))


def decide_rules(db: Database, user_id: int) -> DecideRules:
    with db.read() as session:
        return decide_rules_in(session, scope_for(session, user_id))


@dataclass(frozen=True)
class DecidableMatch:
    """What "tick all N matching" found: the decidable rows (id → version) and how many were left out, by reason."""

    versions: dict[int, int]
    left_out: dict[str, int]

    @property
    def left_out_count(self) -> int:
        return sum(self.left_out.values())


def split_decidable(rules: DecideRules, rows: Iterable[tuple[int, int, int, int]]) -> DecidableMatch:
    """Rows are (id, version, organisation id, job id)."""
    versions: dict[int, int] = {}
    left_out: dict[str, int] = {}
    decidable, own = rules.decidable_orgs, rules.own_job_ids
    for activity_id, version, organisation_id, job_id in rows:
        if organisation_id in decidable and job_id not in own:  # the common case, kept cheap for 200,000 rows
            versions[activity_id] = version
            continue
        why = rules.why_not_job(organisation_id, job_id)
        if why is None:
            versions[activity_id] = version
        else:
            left_out[why] = left_out.get(why, 0) + 1
    return DecidableMatch(versions, left_out)


def left_out_text(left_out: dict[str, int]) -> str:
    """Like "12: 10 your own request, 2 outside your scope" — most common reason first."""
    parts = ", ".join(f"{count:,} {why}" for why, count in sorted(left_out.items(), key=lambda kv: -kv[1]))
    return f"{sum(left_out.values()):,}: {parts}" if left_out else ""
