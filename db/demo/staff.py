"""People, their jobs and line managers (P1, P2), and the app users (A1).

Staffing follows each organisation's size and phase: a head, deputies and
assistant heads, a SENCo, subject leads, teachers, assistants and support
staff, each with a line manager above them in the same organisation (heads
answer to the trust's director of school improvement).  A share of people hold
jobs in two or three organisations (P1), and a few school jobs are brought up
into the partnership (P2).  Jobs are numbered so that a manager's id is always
lower than their reports', which lets rows go in with the foreign keys on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import update

from db.demo import names
from db.demo.context import ASSISTANT, LEADER, SUPPORT, TEACHER, BuildContext, DemoUser, JobInfo, OrgInfo
from db.demo.organisations import coordinator_school
from db.demo.roster import central_roles, school_roles, scitt_roles
from db.models import AppUser, Job, Module, Organisation, OrgKind, OrgStatus, Person, UserGrant
from db.standard_roles import (
    CPD_LEAD,
    CPD_TEAM_MEMBER,
    FINANCE_OFFICER,
    PRIMARY_USER,
    SCHOOL_CPD_COORDINATOR,
    STANDARD_ROLES,
)

PHASE_WEIGHT = {"Primary": 45, "Secondary": 120, "All-through": 150, "Special": 60, "Nursery": 20}

# username, first, last, standard role, the job they hold, and where (central team or the coordinator's school).
DEMO_USERS: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("alex.morgan", "Alex", "Morgan", PRIMARY_USER, "Director of education", True),
    ("sam.patel", "Sam", "Patel", CPD_LEAD, "CPD lead", True),
    ("jo.evans", "Jo", "Evans", CPD_TEAM_MEMBER, "CPD administrator", True),
    ("chris.lee", "Chris", "Lee", SCHOOL_CPD_COORDINATOR, "Assistant headteacher", False),
    ("pat.kim", "Pat", "Kim", FINANCE_OFFICER, "Finance officer", True),
)

# Which roles may be held by someone who already works elsewhere, and how likely (x the scale's share).
SHARED_ROLES = {
    "Class teacher": 1.0,
    "Teaching assistant": 1.0,
    "SENCo": 2.0,
    "Administrator": 1.0,
    "Course tutor": 8.0,
    "School improvement adviser": 5.0,
}
MAX_JOBS_PER_PERSON = 3
# Roles held by the organisation's named leader (Organisation.leader_name).
LEADER_ROLES = frozenset({"Headteacher", "Executive headteacher", "Chief executive officer", "SCITT director"})


@dataclass
class _Person:
    id: int
    first: str
    last: str
    email: str
    orgs: list[int] = field(default_factory=list)


class _Staffing:
    """Assigns people and ids to the roles of each organisation in turn."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self.people: list[_Person] = []
        self.pool: dict[str, list[_Person]] = {LEADER: [], TEACHER: [], ASSISTANT: [], SUPPORT: []}
        self.next_job = ctx.take_ids(Job, 0)
        self.next_person = ctx.take_ids(Person, 0)
        self.leaders: dict[tuple[str, str], _Person] = {}
        #: (first, last) of everyone with a job at each organisation: no two people there share a name
        self.names_at: dict[int, set[tuple[str, str]]] = {}

    def new_person(self, first: str, last: str, email: str, kind: str, pooled: bool = True) -> _Person:
        person = _Person(self.next_person, first, last, email)
        self.next_person += 1
        self.people.append(person)
        if pooled:
            self.pool[kind].append(person)
        return person

    def leader(self, org: OrgInfo, role: str, kind: str) -> _Person:
        """The organisation's named leader; an executive head is one person across schools."""
        known = self.leaders.get(org.leader)
        if known is not None and role == "Executive headteacher":
            return known
        person = self.new_person(*org.leader, "", kind)
        self.leaders[org.leader] = person
        return person

    def random_name(self) -> tuple[str, str]:
        rng = self.ctx.rng
        while True:
            pair = (rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES))
            if pair not in names.RESERVED_NAMES:
                return pair

    def free_name(self, org_id: int, first: str, last: str) -> tuple[str, str]:
        """(first, last), or if someone at the organisation has it, the next surname in the list nobody there has.

        No random draw: the rest of the demo (and the activity counts the
        benchmarks rely on) comes out the same whatever names change here.
        """
        taken = self.names_at.get(org_id, set())
        surnames = names.LAST_NAMES
        start = surnames.index(last) if last in surnames else -1
        for step in range(len(surnames) + 1):
            candidate = (first, last) if step == 0 else (first, surnames[(start + step) % len(surnames)])
            if candidate not in taken and candidate not in names.RESERVED_NAMES:
                return candidate
        raise ValueError(f"every surname is taken for {first} at organisation {org_id}")

    def new_colleague(self, org: OrgInfo, kind: str, reused: _Person | None) -> _Person:
        """Someone reused from elsewhere, or a new person, never with the name of someone already here."""
        if reused is None:
            return self.new_person(*self.free_name(org.id, *self.random_name()), "", kind)
        if (reused.first, reused.last) in self.names_at.get(org.id, set()):
            # another person here already has that name: a new person instead (no extra random draw)
            return self.new_person(*self.free_name(org.id, reused.first, reused.last), "", kind)
        return reused

    def reuse(self, org: OrgInfo, role: str, kind: str) -> _Person | None:
        """Someone from another organisation taking this job too (P1), or None."""
        rng = self.ctx.rng
        weight = SHARED_ROLES.get(role, 0.0) * self.ctx.scale.shared_job_share
        pool = self.pool[LEADER if role == "School improvement adviser" else kind]
        if not pool or rng.random() >= weight:
            return None
        for _ in range(4):
            person = pool[rng.randrange(len(pool))]
            if org.id not in person.orgs and len(person.orgs) < MAX_JOBS_PER_PERSON:
                return person
        return None

    def add_job(self, org: OrgInfo, role: str, kind: str, person: _Person, manager: int | None) -> JobInfo:
        job = JobInfo(
            id=self.next_job,
            person_id=person.id,
            org_id=org.id,
            role=role,
            kind=kind,
            first=person.first,
            last=person.last,
            email=f"{names.email_local(person.first, person.last)}@{org.domain}",
            line_manager_id=manager,
            active=org.status != OrgStatus.CLOSED,
        )
        assert manager is None or manager < job.id, "managers are numbered before their reports"
        self.next_job += 1
        person.orgs.append(org.id)
        self.names_at.setdefault(org.id, set()).add((person.first, person.last))
        self.ctx.jobs.append(job)
        return job

    def staff(self, org: OrgInfo, roles: list[tuple[str, str, tuple[str, ...]]], external: dict[str, int]) -> None:
        """Fill one organisation; ``external`` maps a role to a manager outside it (heads)."""
        rng = self.ctx.rng
        by_role: dict[str, list[int]] = {}
        reserved = dict(_users_for(org, self.ctx))
        for role, kind, managers in roles:
            manager = external.get(role)
            for candidate in managers:
                if by_role.get(candidate):
                    ids = by_role[candidate]
                    manager = ids[rng.randrange(len(ids))]
                    break
            user = reserved.pop(role, None)
            if user is not None:
                person = self.new_person(user.first, user.last, "", kind, pooled=False)
            elif role in LEADER_ROLES:
                person = self.leader(org, role, kind)
            else:
                person = self.new_colleague(org, kind, self.reuse(org, role, kind))
            job = self.add_job(org, role, kind, person, manager)
            person.email = person.email or job.email
            if user is not None:
                user.job_id, user.org_id = job.id, org.id
            if role in ("Headteacher", "Executive headteacher") and org.head_job_id is None:
                org.head_job_id = job.id
            by_role.setdefault(role, []).append(job.id)


def _users_for(org: OrgInfo, ctx: BuildContext) -> list[tuple[str, DemoUser]]:
    """(job role, user) for the demo users whose own job is in ``org``."""
    found = []
    for username, _first, _last, _role, job_role, central in DEMO_USERS:
        at_central = central and org.kind == OrgKind.CENTRAL
        at_school = not central and org.id == coordinator_school(ctx).id
        if at_central or at_school:
            found.append((job_role, ctx.users[username]))
    return found


def _headcounts(ctx: BuildContext, schools: list[OrgInfo]) -> list[int]:
    """Split the scale's jobs over the schools by phase, exactly (largest remainder)."""
    scale, rng = ctx.scale, ctx.rng
    total = scale.jobs - scale.central_staff - scale.scitt_staff - scale.partnership_jobs
    weights = [PHASE_WEIGHT[s.phase or "Primary"] * rng.uniform(0.8, 1.25) for s in schools]
    shares = [total * w / sum(weights) for w in weights]
    counts = [int(share) for share in shares]
    by_fraction = sorted(range(len(schools)), key=lambda i: counts[i] - shares[i])
    for i in by_fraction[: total - sum(counts)]:
        counts[i] += 1
    return counts


def build_staff(ctx: BuildContext) -> None:
    """People, jobs (with line managers and partnership jobs) and the five app users."""
    for username, first, last, role, *_ in DEMO_USERS:
        ctx.users[username] = DemoUser(username, first, last, role)
    staffing = _Staffing(ctx)
    central = ctx.members(OrgKind.CENTRAL)[0]
    staffing.staff(central, central_roles(ctx.scale.central_staff), {})
    director_of_education = _job_with_role(ctx, central, "Director of education")
    improvement = _job_with_role(ctx, central, "Director of school improvement")
    schools = ctx.members(OrgKind.SCHOOL)
    executive = _executive_pairs(ctx, schools)
    for school, count in zip(schools, _headcounts(ctx, schools), strict=True):
        head = "Executive headteacher" if school.id in executive else "Headteacher"
        roles = school_roles(school.phase or "Primary", count, ctx.rng, head, school is coordinator_school(ctx))
        staffing.staff(school, roles, {head: improvement})
    scitt = ctx.members(OrgKind.SCITT)[0]
    staffing.staff(scitt, scitt_roles(ctx.scale.scitt_staff), {"SCITT director": director_of_education})
    _bring_up(ctx, staffing, improvement)
    _insert_people_and_jobs(ctx, staffing.people)
    _insert_users(ctx)


def _job_with_role(ctx: BuildContext, org: OrgInfo, role: str) -> int:
    return next(job.id for job in ctx.jobs if job.org_id == org.id and job.role == role)


def _executive_pairs(ctx: BuildContext, schools: list[OrgInfo]) -> set[int]:
    """Schools led by an executive head who also leads another (the same leader for both)."""
    candidates = [s for s in schools if s.status == OrgStatus.OPEN and s is not coordinator_school(ctx)]
    chosen: set[int] = set()
    for n in range(min(ctx.scale.executive_heads, len(candidates) // 2)):
        first, second = candidates[2 * n], candidates[2 * n + 1]
        second.leader = first.leader
        ctx.conn.execute(
            update(ctx.table(Organisation))
            .where(ctx.table(Organisation).c.id == second.id)
            .values(leader_name=f"{first.leader[0]} {first.leader[1]}")
        )
        chosen.update((first.id, second.id))
    return chosen


def _bring_up(ctx: BuildContext, staffing: _Staffing, improvement_job: int) -> None:
    """P2: heads and specialist leaders brought up into the partnership, with IDs and pay scales."""
    rng = ctx.rng
    trust = ctx.org(ctx.trust_id)
    user_jobs = {user.job_id for user in ctx.users.values()}
    eligible = [
        job
        for job in ctx.jobs
        if ctx.org(job.org_id).kind == OrgKind.SCHOOL
        and ctx.org(job.org_id).central_actions
        and job.active
        and job.id not in user_jobs
    ]
    heads = [job for job in eligible if job.role in ("Headteacher", "Executive headteacher")]
    leaders = [job for job in eligible if job.role in ("Deputy headteacher", "Assistant headteacher", "Subject lead")]
    rng.shuffle(heads)
    rng.shuffle(leaders)
    people = {person.id: person for person in staffing.people}
    taken: set[int] = set()
    for source in heads + leaders:
        if len(taken) == ctx.scale.partnership_jobs:
            break
        person = people[source.person_id]
        if source.person_id in taken or (person.first, person.last) in staffing.names_at.get(trust.id, set()):
            continue  # one partnership job per person, and never two people of one name at the trust
        taken.add(source.person_id)
        is_head = source in heads
        role = "Headteacher" if is_head else "Specialist leader of education"
        job = staffing.add_job(trust, role, LEADER, person, improvement_job)
        job.email = source.email
        job.brought_up_from = source.id
        job.unique_id = f"{names.TRUST_SHORT}-{len(taken):04d}"
        job.pay_scale = f"Leadership L{rng.randint(18, 28)}" if is_head else f"UPS {rng.randint(1, 3)}"


def _insert_people_and_jobs(ctx: BuildContext, people: list[_Person]) -> None:
    ctx.take_ids(Person, len(people))
    ctx.take_ids(Job, len(ctx.jobs))
    ctx.people = len(people)
    ctx.insert(Person, ("id", "first_name", "last_name", "email"), ((p.id, p.first, p.last, p.email) for p in people))
    managers = {job.line_manager_id for job in ctx.jobs}
    cover_limit = {LEADER: 8.0, TEACHER: 5.0, ASSISTANT: 3.0, SUPPORT: 2.0}
    for job in ctx.jobs:
        job.is_line_manager = job.id in managers
    ctx.insert(
        Job,
        ("id", "person_id", "organisation_id", "role", "email", "line_manager_job_id", "is_line_manager",
         "brought_up_from_job_id", "unique_id", "pay_scale", "cover_limit_days", "active"),
        ((j.id, j.person_id, j.org_id, j.role, j.email, j.line_manager_id, j.is_line_manager, j.brought_up_from,
          j.unique_id, j.pay_scale, cover_limit[j.kind], j.active) for j in ctx.jobs),
    )  # fmt: skip


# Report permissions the demo's primary user gave the CPD lead (A1: only a primary user gives them).
LEAD_REPORTS = (Module.REPORTS, Module.AUDIT)


def _insert_users(ctx: BuildContext) -> None:
    """Each user is linked to their own job, so nobody can decide their own request (C3), and holds
    the grants their standard role fills in, where the role belongs."""
    first_user = ctx.take_ids(AppUser, len(ctx.users))
    templates = {role.name: role for role in STANDARD_ROLES}
    users: list[tuple[object, ...]] = []
    grants: list[tuple[object, ...]] = []
    now = ctx.moment(400)  # from the demo's own day, so builds repeat exactly
    primary_id = None
    for n, user in enumerate(ctx.users.values()):
        user.user_id = first_user + n
        where = user.org_id if user.role == SCHOOL_CPD_COORDINATOR else ctx.trust_id
        users.append((user.user_id, user.username, f"{user.first} {user.last}", user.job_id, user.role == PRIMARY_USER))
        if user.role == PRIMARY_USER:
            primary_id = user.user_id
        for module, level in templates[user.role].permissions:
            grants.append((user.user_id, module, int(level), where, user.role, ctx.roles[user.role], now))
        if user.role == CPD_LEAD:
            grants.extend((user.user_id, module, 1, where, "Reports", None, now) for module in LEAD_REPORTS)
    ctx.insert(AppUser, ("id", "username", "display_name", "job_id", "is_primary"), users)
    first_grant = ctx.take_ids(UserGrant, len(grants))
    columns = ("id", "user_id", "module", "level", "organisation_id", "title", "role_id", "granted_at")
    ctx.insert(
        UserGrant,
        (*columns, "granted_by_user_id"),
        ((first_grant + n, *row, primary_id) for n, row in enumerate(grants)),
    )
