"""Flood-fill history (F3, F6)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, aliased

from db.activity_types import ACTIVITY_TYPES
from db.changes import ChangeKind
from db.engine import Database
from db.models import (
    AppUser,
    FloodFillBatch,
    Group,
    GroupCategory,
    GroupMembership,
    Job,
    LearningModule,
    Level,
    Module,
    Organisation,
    OrgKind,
    OrgStatus,
    Person,
    TrainingEvent,
)
from db.queries.lookups import Choice
from db.scope import scope_for

#: what a new flood fill is called on the data bus (db.actions)
FLOOD_FILLS: ChangeKind = "flood_fills"


@dataclass(frozen=True, slots=True)
class FloodFillRow:
    id: int
    created_at: datetime
    title: str
    activity_count: int
    run_by: str
    creator: str
    pre_authorised: bool


def recent_flood_fills(db: Database, limit: int = 200) -> list[FloodFillRow]:
    creator_job = aliased(Job)
    creator = aliased(Person)
    with db.read() as session:
        rows = session.execute(
            select(
                FloodFillBatch.id,
                FloodFillBatch.created_at,
                FloodFillBatch.title,
                FloodFillBatch.activity_count,
                AppUser.display_name,
                creator.first_name + " " + creator.last_name,
                FloodFillBatch.pre_authorised,
            )
            .join(AppUser, AppUser.id == FloodFillBatch.run_by_user_id)
            .join(creator_job, creator_job.id == FloodFillBatch.creator_job_id)
            .join(creator, creator.id == creator_job.person_id)
            .order_by(FloodFillBatch.created_at.desc())
            .limit(limit)
        )
        return [FloodFillRow(*row) for row in rows]


QUICK_KINDS = ("organisation", "group", "role", "phase")


@dataclass(frozen=True, slots=True)
class FloodFillOptions:
    """Everything the wizard's pickers offer, read once when it opens."""

    organisations: list[Choice]
    groups: list[Choice]
    roles: list[str]
    phases: list[str]
    creators: list[Choice]
    training_events: list[Choice]
    learning_modules: list[Choice]
    activity_types: tuple[str, ...] = ACTIVITY_TYPES


def _fillable_orgs(session: Session, user_id: int) -> list[int]:
    return sorted(scope_for(session, user_id).orgs(Module.FLOOD_FILL, Level.DECIDE))


def flood_fill_options(db: Database, user_id: int) -> FloodFillOptions:
    with db.read() as session:
        scope = scope_for(session, user_id)
        orgs = sorted(scope.orgs(Module.FLOOD_FILL, Level.DECIDE))
        organisations = [
            Choice(*row)
            for row in session.execute(
                select(Organisation.id, Organisation.name)
                .where(Organisation.id.in_(orgs), Organisation.status != OrgStatus.CLOSED)  # a picker (O1)
                .order_by(Organisation.name)
            )
        ]
        groups = [
            Choice(gid, f"{category} › {name}")
            for gid, category, name in session.execute(
                select(Group.id, GroupCategory.name, Group.name)
                .join(GroupCategory, GroupCategory.id == Group.category_id)
                .order_by(GroupCategory.name, Group.name)
            )
        ]
        roles = list(
            session.scalars(select(Job.role).where(Job.organisation_id.in_(orgs)).distinct().order_by(Job.role))
        )
        phases: list[str] = list(
            session.scalars(
                select(Organisation.phase)
                .where(Organisation.id.in_(orgs), Organisation.phase.is_not(None))
                .distinct()
                .order_by(Organisation.phase)
            )
        )
        seen = sorted(scope.orgs(Module.FLOOD_FILL))
        primary_jobs = select(AppUser.job_id).where(AppUser.is_primary.is_(True), AppUser.active.is_(True))
        creators = [
            Choice(job_id, f"{name} — {role}, {org}")
            for job_id, name, role, org in session.execute(
                select(Job.id, Person.first_name + " " + Person.last_name, Job.role, Organisation.name)
                .join(Person, Person.id == Job.person_id)
                .join(Organisation, Organisation.id == Job.organisation_id)
                .where(
                    Job.active.is_(True),
                    or_(Job.id.in_(primary_jobs), and_(Job.is_line_manager.is_(True), Job.organisation_id.in_(seen))),
                )
                .order_by(Job.id.not_in(primary_jobs), Person.last_name, Person.first_name, Organisation.name)
            )
        ]
        events = [
            Choice(ev_id, f"{title} ({day:%d %b %Y})")
            for ev_id, title, day in session.execute(
                select(TrainingEvent.id, TrainingEvent.title, TrainingEvent.starts_on).order_by(
                    TrainingEvent.starts_on.desc()
                )
            )
        ]
        modules = [
            Choice(*row)
            for row in session.execute(select(LearningModule.id, LearningModule.title).order_by(LearningModule.title))
        ]
        return FloodFillOptions(organisations, groups, roles, phases, creators, events, modules)


def quick_select(
    db: Database, user_id: int, kind: str, value: int | str, *, within: Collection[int] | None = None
) -> list[int]:
    """Ids of the active jobs that match one quick choice (F1) at the organisations the user may
    flood-fill, or at ``within`` (training bookings pass the schools they may book staff at)."""
    with db.read() as session:
        orgs = sorted(within) if within is not None else _fillable_orgs(session, user_id)
        query = select(Job.id).where(Job.active.is_(True), Job.organisation_id.in_(orgs))
        if kind == "organisation":
            query = query.where(Job.organisation_id == int(value))
        elif kind == "group":
            query = query.join(GroupMembership, GroupMembership.job_id == Job.id).where(
                GroupMembership.group_id == int(value)
            )
        elif kind == "role":
            query = query.where(Job.role == str(value))
        elif kind == "phase":
            query = query.join(Organisation, Organisation.id == Job.organisation_id).where(
                Organisation.phase == str(value)
            )
        else:
            raise ValueError(f"unknown quick select {kind!r}")
        return list(session.scalars(query.order_by(Job.id)))


@dataclass(frozen=True, slots=True)
class OrganisationShare:
    organisation: str
    jobs: int
    names: tuple[str, ...]  # the first few, for the review


def selection_by_organisation(db: Database, job_ids: Sequence[int], sample: int = 6) -> list[OrganisationShare]:
    """The review step (F4): the chosen jobs split by organisation."""
    counts: dict[str, int] = {}
    names: dict[str, list[str]] = {}
    ids = sorted(set(job_ids))
    with db.read() as session:
        for start in range(0, len(ids), 2000):
            for org, name in session.execute(
                select(Organisation.name, Person.first_name + " " + Person.last_name)
                .join(Job, Job.organisation_id == Organisation.id)
                .join(Person, Person.id == Job.person_id)
                .where(Job.id.in_(ids[start : start + 2000]))
                .order_by(Person.last_name, Person.first_name)
            ):
                counts[org] = counts.get(org, 0) + 1
                if len(names.setdefault(org, [])) < sample:
                    names[org].append(name)
    return [OrganisationShare(org, counts[org], tuple(names[org])) for org in sorted(counts)]


@dataclass(frozen=True, slots=True)
class RepeatedPeople:
    """People the selection holds more than one job of (a school job and its partnership job, P1/P2).

    ``drop`` is what "one activity per person" leaves out: each such person
    keeps their school job (their job at a school rather than at the trust;
    between two schools, the first by name), so the activity lands where the
    person works day to day.
    """

    people: int = 0
    drop: tuple[int, ...] = ()
    partnership_jobs_dropped: int = 0
    examples: tuple[str, ...] = ()  # "Ann Lee: keeps Oak Primary, leaves out the partnership job"


def repeated_people(db: Database, job_ids: Sequence[int], sample: int = 3) -> RepeatedPeople:
    """For the review (F4): who would get the activity twice, and which job each keeps by default."""
    ids = sorted(set(job_ids))
    jobs: dict[int, list[tuple[bool, str, int, str]]] = {}
    with db.read() as session:
        for start in range(0, len(ids), 2000):
            for person_id, job_id, name, org, kind in session.execute(
                select(
                    Job.person_id,
                    Job.id,
                    Person.first_name + " " + Person.last_name,
                    Organisation.name,
                    Organisation.kind,
                )
                .join(Person, Person.id == Job.person_id)
                .join(Organisation, Organisation.id == Job.organisation_id)
                .where(Job.id.in_(ids[start : start + 2000]))
            ):
                jobs.setdefault(person_id, []).append((kind == OrgKind.TRUST, org, job_id, name))
    repeated = [sorted(held) for _person, held in sorted(jobs.items()) if len(held) > 1]
    drop = [job_id for held in repeated for _trust, _org, job_id, _name in held[1:]]
    partnership = sum(1 for held in repeated for is_trust, *_ in held[1:] if is_trust)
    examples = tuple(
        f"{held[0][3]}: keeps {held[0][1]}, leaves out "
        + ", ".join("the partnership job" if is_trust else org for is_trust, org, _j, _n in held[1:])
        for held in repeated[:sample]
    )
    return RepeatedPeople(len(repeated), tuple(sorted(drop)), partnership, examples)
