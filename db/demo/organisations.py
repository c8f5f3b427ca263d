"""The trust and its members (O1), and their data sharing agreements (D1-D6).

Most members share everything ("group actions"), but a few are deliberately
set up to exercise D6 and P3: one school shares only MIS data, one only
institution data (with a request to raise it outstanding), one has no
agreement yet (the proposed academy), and one restricts its staff list.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import update

from db.demo import names
from db.demo.context import BuildContext, OrgInfo
from db.models import (
    DataSharingAgreement,
    DataSharingRequest,
    Organisation,
    OrgKind,
    OrgStatus,
    SharingLevel,
    SharingRecipientRole,
    SharingRequestState,
)

# One cycle of phases; repeated, it gives the trust's mix (mostly primaries).
PHASE_CYCLE = (
    "Primary",
    "Primary",
    "Secondary",
    "Primary",
    "Primary",
    "Secondary",
    "All-through",
    "Primary",
    "Special",
    "Primary",
    "Secondary",
    "Nursery",
)
ORG_COLUMNS = (
    "id", "kind", "trust_id", "name", "urn", "phase", "cluster", "status", "inspection_grade",
    "inspection_date", "leader_name", "expertise", "staff_visibility_restricted",
)  # fmt: skip


def _leader(ctx: BuildContext) -> tuple[str, str]:
    rng = ctx.rng
    while True:
        pair = (rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES))
        if pair not in names.RESERVED_NAMES:
            return pair


def _full(pair: tuple[str, str]) -> str:
    return f"{pair[0]} {pair[1]}"


def _slug(name: str) -> str:
    words = [w for w in name.lower().replace("'", "").split() if w not in {"of", "and", "the"}]
    return "-".join(words[:3])


def build_organisations(ctx: BuildContext) -> None:
    """Complete the trust (made by ``create_trust``) and add its central team, SCITT and schools."""
    rng, scale = ctx.rng, ctx.scale
    ceo = _leader(ctx)
    ctx.conn.execute(
        update(ctx.table(Organisation))
        .where(ctx.table(Organisation).c.id == ctx.trust_id)
        .values(leader_name=_full(ceo), expertise="School improvement; Leadership development")
    )
    ctx.add_org(OrgInfo(ctx.trust_id, OrgKind.TRUST, names.TRUST_NAME, names.EMAIL_DOMAIN, leader=ceo))

    places = [prefix + suffix for prefix in names.PLACE_PREFIXES for suffix in names.PLACE_SUFFIXES]
    rng.shuffle(places)
    urns = sorted(rng.sample(range(940_001, 999_999), scale.schools + 1))
    first_id = ctx.take_ids(Organisation, scale.schools + 2)

    central = OrgInfo(first_id, OrgKind.CENTRAL, f"{names.TRUST_NAME} central team", f"central.{names.EMAIL_DOMAIN}")
    central.leader = ceo
    scitt = OrgInfo(
        first_id + 1, OrgKind.SCITT, "Oakfield SCITT", f"scitt.{names.EMAIL_DOMAIN}", phase="Not applicable"
    )
    scitt.leader = _leader(ctx)
    rows: list[tuple[object, ...]] = [
        (central.id, OrgKind.CENTRAL, ctx.trust_id, central.name, None, None, None, OrgStatus.OPEN,
         None, None, _full(ceo), "Finance; HR; Estates; School improvement", False),
        (scitt.id, OrgKind.SCITT, ctx.trust_id, scitt.name, str(urns[0]), scitt.phase, None, OrgStatus.OPEN,
         2, ctx.today - timedelta(days=rng.randrange(200, 1400)), _full(scitt.leader),
         "Initial teacher training; Early career teacher mentoring", False),
    ]  # fmt: skip
    ctx.add_org(central)
    ctx.add_org(scitt)

    schools = [_school(ctx, first_id + 2 + n, n, places[n], urns[n + 1]) for n in range(scale.schools)]
    _assign_special_schools(ctx, schools)
    grades = _inspection_grades(ctx, schools)
    for school, urn, (grade, graded_on) in zip(schools, urns[1:], grades, strict=True):
        expertise = "; ".join(rng.sample(names.EXPERTISE, rng.randrange(0, 4)))
        rows.append(
            (school.id, OrgKind.SCHOOL, ctx.trust_id, school.name, str(urn), school.phase,
             names.CLUSTERS[rng.randrange(len(names.CLUSTERS))], school.status, grade, graded_on,
             _full(school.leader), expertise, school.restricted)
        )  # fmt: skip
        ctx.add_org(school)
    ctx.insert(Organisation, ORG_COLUMNS, rows)


def _school(ctx: BuildContext, org_id: int, index: int, place: str, urn: int) -> OrgInfo:
    phase = PHASE_CYCLE[index % len(PHASE_CYCLE)]
    name = names.school_name(place, phase, ctx.rng.randrange(8))
    return OrgInfo(
        org_id, OrgKind.SCHOOL, name, f"{_slug(name)}.{names.EMAIL_DOMAIN}", phase=phase, leader=_leader(ctx)
    )


def coordinator_school(ctx: BuildContext) -> OrgInfo:
    """The school where the demo's school CPD coordinator works: the first primary, kept ordinary."""
    return next(org for org in ctx.members(OrgKind.SCHOOL) if org.phase == "Primary")


def _assign_special_schools(ctx: BuildContext, schools: list[OrgInfo]) -> None:
    """Pick, deterministically and without overlap, the schools that exercise D6, P3 and C7.

    The first primary is kept ordinary: it is where the school CPD coordinator works.
    """
    scale = ctx.scale
    coordinator = next(s for s in schools if s.phase == "Primary")
    others = [s for s in schools if s is not coordinator]
    ctx.rng.shuffle(others)
    picks = iter(others)

    def take(count: int) -> list[OrgInfo]:
        return [next(picks) for _ in range(count)]

    for school in take(scale.proposed):
        school.status, school.sharing = OrgStatus.PROPOSED, SharingLevel.NONE
    for school in take(scale.closed):
        school.status = OrgStatus.CLOSED
    for school in take(scale.mis_only):
        school.sharing = SharingLevel.MIS
    for school in take(scale.institution_only):
        school.sharing = SharingLevel.INSTITUTION
    for school in take(max(0, scale.no_agreement - scale.proposed)):
        school.sharing = SharingLevel.NONE
    for school in take(scale.restricted):
        school.restricted = True
    for school in take(scale.over_budget):
        school.over_budget = True


def _inspection_grades(ctx: BuildContext, schools: list[OrgInfo]) -> list[tuple[int | None, date | None]]:
    """Every grade 1-4 appears at least once; a proposed academy has not been inspected."""
    rng = ctx.rng
    result: list[tuple[int | None, date | None]] = []
    forced = [1, 2, 3, 4]
    for school in schools:
        if school.status == OrgStatus.PROPOSED:
            result.append((None, None))
            continue
        grade = forced.pop(0) if forced else rng.choices((1, 2, 3, 4), weights=(20, 60, 15, 5))[0]
        result.append((grade, ctx.today - timedelta(days=rng.randrange(60, 6 * 365))))
    return result


def build_data_sharing(ctx: BuildContext) -> None:
    """Agreements for every member that has one, and the request history behind them.

    Needs the staff (heads receive the requests) and the users (who sent them).
    """
    rng = ctx.rng
    sender = ctx.users["alex.morgan"].user_id
    agreements: list[tuple[object, ...]] = []
    requests: list[tuple[object, ...]] = []
    request_id = ctx.take_ids(DataSharingRequest, 0)

    def request(org: OrgInfo, level: SharingLevel, state: SharingRequestState, sent_days_ago: int) -> None:
        nonlocal request_id
        head = org.head_job_id
        email = f"head@{org.domain}"
        reminded = ctx.moment(max(sent_days_ago - 7, 1), 10 * 60) if state == SharingRequestState.PENDING else None
        requests.append(
            (request_id, org.id, int(level), state, SharingRecipientRole.HEAD, head, _full(org.leader), email,
             sender, ctx.moment(sent_days_ago, 9 * 60 + 30), reminded, 1 if reminded else 0)
        )  # fmt: skip
        request_id += 1

    for org in ctx.members():
        if org.sharing == SharingLevel.NONE:
            continue
        approved_days_ago = rng.randrange(120, 900)
        leader = _full(org.leader)
        agreements.append((org.id, int(org.sharing), ctx.moment(approved_days_ago, 14 * 60), leader))
        if org.kind == OrgKind.SCHOOL:
            request(org, org.sharing, SharingRequestState.APPROVED, approved_days_ago + rng.randrange(3, 30))
        if org.sharing == SharingLevel.INSTITUTION:
            request(org, SharingLevel.GROUP_ACTIONS, SharingRequestState.PENDING, rng.randrange(10, 40))
    ctx.take_ids(DataSharingRequest, len(requests))
    ctx.insert(DataSharingAgreement, ("organisation_id", "level", "approved_at", "approved_by_name"), agreements)
    ctx.insert(
        DataSharingRequest,
        ("id", "organisation_id", "level", "state", "recipient_role", "recipient_job_id", "recipient_name",
         "recipient_email", "sent_by_user_id", "sent_at", "reminded_at", "reminder_count"),
        requests,
    )  # fmt: skip
