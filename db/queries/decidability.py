"""Which listed activities the acting user may decide, and why not the others (C3, C4, D6).

The Partnership CPD list shows every activity the user may *see*; only some of
them may be *decided* by this user.  The panel asks these rules per row so that
a row nobody would let this user decide shows no usable checkbox (with the
reason as its tooltip), and "tick all N matching" takes only decidable rows.
The sign-off service applies the same rules again inside its transaction: the
UI only saves the user a surprise, it does not replace the check.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import (
    DataSharingAgreement,
    Job,
    Level,
    Module,
    SharingLevel,
)
from db.scope import Scope, deciding_in, scope_for

OWN_REQUEST = "your own request"
OUTSIDE_SCOPE = "outside your scope"
NOT_SHARED = "the school does not share group actions"
OUTSIDE_GROUPS = "outside the groups you may decide for"


@dataclass(frozen=True)
class DecideRules:
    """Enough to answer "may I decide this row?" for any row of the list without another query."""

    decidable_orgs: frozenset[int] = frozenset()
    #: organisations the user would decide for if their agreement shared group actions (D6)
    unshared_orgs: frozenset[int] = frozenset()
    own_person_id: int | None = None
    own_job_ids: frozenset[int] = frozenset()  # every job of that person (nobody decides any of their own)
    #: decidable organisations where the user's grant is restricted to groups: the jobs it reaches
    job_limits: Mapping[int, frozenset[int]] = field(default_factory=dict)

    def why_not(self, organisation_id: int, person_id: int, job_id: int) -> str | None:
        """None when the user may decide the row; otherwise the reason in a few words."""
        if organisation_id not in self.decidable_orgs:
            return NOT_SHARED if organisation_id in self.unshared_orgs else OUTSIDE_SCOPE
        if self.own_person_id is not None and person_id == self.own_person_id:
            return OWN_REQUEST
        return self._outside_groups(organisation_id, job_id)

    def why_not_job(self, organisation_id: int, job_id: int) -> str | None:
        """The same answer from the row's job (no join to people needed)."""
        if organisation_id not in self.decidable_orgs:
            return NOT_SHARED if organisation_id in self.unshared_orgs else OUTSIDE_SCOPE
        return OWN_REQUEST if job_id in self.own_job_ids else self._outside_groups(organisation_id, job_id)

    def _outside_groups(self, organisation_id: int, job_id: int) -> str | None:
        limit = self.job_limits.get(organisation_id)
        return OUTSIDE_GROUPS if limit is not None and job_id not in limit else None


def decide_rules_in(session: Session, scope: Scope) -> DecideRules:
    """Read with every first page: at most two small queries beside the (kept) scope."""
    decidable = scope.orgs(Module.PARTNERSHIP_CPD, at_least=Level.DECIDE)
    _held, central = deciding_in(session, scope, Module.PARTNERSHIP_CPD)
    connection = session.connection()
    unshared: set[int] = set()
    if central - decidable:
        shared = dict(
            connection.execute(select(DataSharingAgreement.organisation_id, DataSharingAgreement.level)).tuples().all()
        )
        unshared = {
            org
            for org in central
            if org not in decidable and SharingLevel(shared.get(org, SharingLevel.NONE)) < SharingLevel.GROUP_ACTIONS
        }
    person: int | None = None
    own_jobs: list[int] = []
    if scope.own_job_id is not None:
        # the person behind the user's job and every job of theirs, in one read (C3: none of them is theirs to decide)
        mine = select(Job.person_id).where(Job.id == scope.own_job_id).scalar_subquery()
        rows = connection.execute(select(Job.id, Job.person_id).where(Job.person_id == mine)).all()
        own_jobs = [job_id for job_id, _person in rows]
        person = rows[0][1] if rows else None
    limits = scope.job_limits.get(Module.PARTNERSHIP_CPD, {})
    return DecideRules(
        frozenset(decidable),
        frozenset(unshared),
        person,
        frozenset(own_jobs),
        {org: jobs for org, jobs in limits.items() if org in decidable},
    )


def decide_rules(db: Database, user_id: int) -> DecideRules:
    with db.read() as session:
        return decide_rules_in(session, scope_for(session, user_id))


@dataclass(frozen=True)
class DecidableMatch:
    """What "tick all N matching" found: the decidable rows (id → version) and how many were left out, by reason."""

    versions: Mapping[int, int]
    left_out: dict[str, int]
    ceiling: int | None = None  # the highest id ticked (None: none, or not read)
    #: while the versions are still being read (``versions`` empty): how many rows are ticked
    expected: int | None = None

    @property
    def ticked(self) -> int:
        return self.expected if self.expected is not None else len(self.versions)

    @property
    def left_out_count(self) -> int:
        return sum(self.left_out.values())


def split_decidable(rules: DecideRules, rows: Iterable[tuple[int, int, int, int]]) -> DecidableMatch:
    """Rows are (id, version, organisation id, job id)."""
    versions: dict[int, int] = {}
    left_out: dict[str, int] = {}
    decidable, own, limited = rules.decidable_orgs, rules.own_job_ids, rules.job_limits
    for activity_id, version, organisation_id, job_id in rows:
        if organisation_id in decidable and job_id not in own and organisation_id not in limited:
            # the common case, kept cheap for 200,000 rows
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
