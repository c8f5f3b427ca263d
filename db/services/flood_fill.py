"""Flood fill: one activity pushed onto many jobs at once (F1-F6).

One call is one transaction.  Either every chosen job gets its activity, the
batch is recorded and audited, or nothing changes: a fill with even one job the
user may not act on is refused as a whole, naming the organisations, because
quietly leaving some staff out would be a guess.  The rows go in with one Core
``executemany`` per chunk (the ORM's ``add_all`` is ten times slower, see
PLATFORM.md).  A batch is never edited afterwards (F6), so it has no version.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from typing import cast as typed

from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.orm import Session

from db.actions import Action, begin
from db.engine import Database
from db.errors import PermissionDenied, ValidationError
from db.models import (
    AppUser,
    CompletionState,
    CpdActivity,
    CpdTeamState,
    DecisionBatch,
    FloodFillBatch,
    Job,
    LearningModule,
    Level,
    LineManagerState,
    Module,
    Organisation,
    PartnershipState,
    Person,
    TrainingEvent,
    utcnow,
)
from db.periods import ensure_period
from db.progress import NullProgress, Progress
from db.queries.activities import ACTIVITIES
from db.queries.flood_fill import FLOOD_FILLS
from db.scope import Scope
from db.services.job_selection import (
    CHUNK,
    MAX_NAMED,
    Target,
    check_pre_authorise,
    check_present_and_active,
    load_targets,
    named,
)
from db.services.signoff import Decided, record_decisions_of

PRE_AUTHORISED = "Pre-authorised by flood fill"
# The partnership layer of a new activity before its pre-authorisation: what an undo restores.
UNDECIDED_BEFORE = {
    "partnership_state": PartnershipState.PENDING.value,
    "version": None,
    "partnership_decided_at": None,
    "partnership_user_id": None,
    "partnership_reason": None,
    "decision_batch_id": None,
    "charged_organisation_id": None,
}


@dataclass(frozen=True)
class FloodFillSpec:
    """The activity every chosen job receives (C1 fields, F2 links, F3 creator, F5)."""

    title: str
    activity_type: str
    provider: str
    starts_on: date
    ends_on: date
    creator_job_id: int
    course_fee_pence: int = 0
    cover_cost_pence: int = 0
    travel_cost_pence: int = 0
    other_cost_pence: int = 0
    cover_days: float = 0.0
    training_event_id: int | None = None
    learning_module_id: int | None = None
    pre_authorise: bool = False


@dataclass(frozen=True)
class FloodFillResult:
    batch_id: int
    activity_count: int
    by_organisation: dict[str, int]


def validate_spec(spec: FloodFillSpec) -> FloodFillSpec:
    """Check what can be checked without the database; returns the spec with text trimmed."""
    title, activity_type, provider = spec.title.strip(), spec.activity_type.strip(), spec.provider.strip()
    if not title:
        raise ValidationError("Give the activity a title.")
    if len(title) > 200:
        raise ValidationError("The title is longer than 200 characters; shorten it.")
    if not activity_type:
        raise ValidationError("Choose the type of activity.")
    if spec.ends_on < spec.starts_on:
        raise ValidationError(
            f"The activity ends ({spec.ends_on:%d %b %Y}) before it starts ({spec.starts_on:%d %b %Y})."
        )
    costs = {
        "course fee": spec.course_fee_pence,
        "cover/supply cost": spec.cover_cost_pence,
        "travel cost": spec.travel_cost_pence,
        "other cost": spec.other_cost_pence,
    }
    negative = [name for name, pence in costs.items() if pence < 0]
    if negative:
        raise ValidationError(f"A cost cannot be negative: check the {', '.join(negative)}.")
    if spec.cover_days < 0:
        raise ValidationError("Cover days cannot be negative.")
    return FloodFillSpec(**{**asdict(spec), "title": title, "activity_type": activity_type, "provider": provider})


def create_flood_fill(
    db: Database,
    user_id: int,
    spec: FloodFillSpec,
    job_ids: Sequence[int],
    *,
    progress: Progress | None = None,
    chosen_by: Sequence[Mapping[str, Any]] = (),
) -> FloodFillResult:
    """Create one activity per chosen job, record the batch, optionally pre-authorise (F5).

    ``chosen_by`` optionally records how the wizard picked the jobs (its quick
    selects, e.g. ``{"kind": "group", "id": 3, "label": "KS2"}``) with the batch.
    """
    progress = progress or NullProgress()
    spec = validate_spec(spec)
    chosen = sorted(set(job_ids))
    if not chosen:
        raise ValidationError("No staff are chosen, so there is nothing to flood-fill.")
    total = len(chosen)

    with begin(db, user_id) as act:
        session, scope = act.session, act.scope
        if scope.best_level(Module.FLOOD_FILL) < Level.DECIDE:
            raise PermissionDenied("You may not run flood fills.")
        targets = load_targets(session, chosen, progress, total)
        _check_targets(act, spec, chosen, targets)
        _check_links(session, scope, spec)
        period_id = ensure_period(session, spec.starts_on)
        now = utcnow()
        by_org = Counter(target.organisation for target in targets.values())

        decision_batch_id = None
        if spec.pre_authorise:
            decision = DecisionBatch(
                decided_at=now,
                user_id=user_id,
                decision=PartnershipState.AUTHORISED,
                reason=PRE_AUTHORISED,
                activity_count=total,
                source="flood_fill",
            )
            session.add(decision)
            session.flush()
            decision_batch_id = decision.id
        batch = FloodFillBatch(
            created_at=now,
            run_by_user_id=user_id,
            creator_job_id=spec.creator_job_id,
            title=spec.title,
            parameters=_parameters(spec, chosen, targets, chosen_by),
            activity_count=total,
            pre_authorised=spec.pre_authorise,
        )
        session.add(batch)
        session.flush()

        _insert_activities(session, user_id, spec, chosen, targets, (period_id, batch.id, decision_batch_id), progress)
        if decision_batch_id is not None:
            decided = Decided(now, PartnershipState.AUTHORISED, PRE_AUTHORISED, decision_batch_id)
            _record_pre_authorisation(act, decided, batch.id)
        progress.report(total * 2, total * 2, f"Recording the flood fill of {total:,} activities…")
        act.audit_rows(
            [
                {
                    "at": now,
                    "action": "flood_fill_created",
                    "entity": "flood_fill_batch",
                    "entity_id": batch.id,
                    "before": None,
                    "after": {
                        "title": spec.title,
                        "activity_count": total,
                        "pre_authorised": spec.pre_authorise,
                        "by_organisation": dict(by_org),
                    },
                    "reason": None,
                    "decision_batch_id": decision_batch_id,
                }
            ]
        )
        # The new activities are known only by their batch: every activity list reloads.
        act.changed(ACTIVITIES)
        act.changed(FLOOD_FILLS, batch.id)
        progress.check_cancelled()
        return FloodFillResult(batch_id=batch.id, activity_count=total, by_organisation=dict(sorted(by_org.items())))


def _check_targets(act: Action, spec: FloodFillSpec, chosen: Sequence[int], targets: dict[int, Target]) -> None:
    session, scope = act.session, act.scope
    check_present_and_active(chosen, targets, "Nothing was created.")
    _check_visible(session, scope, targets)
    orgs = {t.organisation_id for t in targets.values()}
    refused = act.central_refusals(Module.FLOOD_FILL, orgs, "flood-fill staff")
    if refused:
        count = sum(1 for t in targets.values() if t.organisation_id in refused)
        raise PermissionDenied(
            f"{count:,} of the chosen jobs cannot be flood-filled. {' '.join(list(refused.values())[:MAX_NAMED])}"
            f"{f' (and {len(refused) - MAX_NAMED:,} more organisations)' if len(refused) > MAX_NAMED else ''} "
            "Remove them from the selection; nothing was created."
        )
    if spec.pre_authorise:
        person_ids = {t.person_id for t in targets.values()}
        check_pre_authorise(act, orgs, person_ids, "This fill", "nothing was created.")


def _check_visible(session: Session, scope: Scope, targets: dict[int, Target]) -> None:
    """P3: staff a school hides from the partnership are refused by name of the school, not as "outside".

    The scope already hides them (db/scope.py); this says why, for a selection made before the school hid them.
    """
    outside_groups = sum(
        1
        for job_id, t in targets.items()
        if scope.can_act(Module.FLOOD_FILL, t.organisation_id)
        and not scope.reaches_job(Module.FLOOD_FILL, t.organisation_id, job_id, Level.DECIDE)
    )
    if outside_groups:
        raise PermissionDenied(
            f"{outside_groups:,} of the chosen staff {'is' if outside_groups == 1 else 'are'} outside the groups "
            "you may flood-fill for. Remove them from the selection; nothing was created."
        )
    unreachable = {
        t.organisation_id for t in targets.values() if not scope.can_act(Module.FLOOD_FILL, t.organisation_id)
    }
    if not unreachable:
        return
    hidden = list(
        session.scalars(
            select(Organisation.name)
            .where(Organisation.id.in_(sorted(unreachable)), Organisation.staff_visibility_restricted.is_(True))
            .order_by(Organisation.name)
        )
    )
    if hidden:
        raise PermissionDenied(
            f"{named(hidden)} {'hides its' if len(hidden) == 1 else 'hide their'} staff from the partnership, "
            "so they cannot be flood-filled. Remove them from the selection; nothing was created."
        )


def creator_allowed(session: Session, scope: Scope, job_id: int) -> bool:
    """F3: the creator is a partnership primary user's job, or a line manager the user can see."""
    row = session.execute(select(Job.organisation_id, Job.is_line_manager, Job.active).where(Job.id == job_id)).first()
    if row is None or not row.active:
        return False
    if row.is_line_manager and scope.can_see(Module.FLOOD_FILL, row.organisation_id):
        return True
    primary = session.scalar(
        select(AppUser.id).where(AppUser.job_id == job_id, AppUser.is_primary.is_(True), AppUser.active.is_(True))
    )
    return primary is not None


def _check_links(session: Session, scope: Scope, spec: FloodFillSpec) -> None:
    if not creator_allowed(session, scope, spec.creator_job_id):
        name = session.scalar(
            select(Person.first_name + " " + Person.last_name)
            .join(Job, Job.person_id == Person.id)
            .where(Job.id == spec.creator_job_id)
        )
        who = f"{name} is" if name else "The chosen creator is"
        raise ValidationError(
            f"{who} not a partnership primary user or a line manager you can see; choose another creator."
        )
    if spec.training_event_id is not None and session.get(TrainingEvent, spec.training_event_id) is None:
        raise ValidationError("The chosen training event no longer exists; choose another or none.")
    if spec.learning_module_id is not None and session.get(LearningModule, spec.learning_module_id) is None:
        raise ValidationError("The chosen learning module no longer exists; choose another or none.")


def _parameters(
    spec: FloodFillSpec, chosen: Sequence[int], targets: dict[int, Target], chosen_by: Sequence[Mapping[str, Any]]
) -> dict:
    """What the wizard was given, kept with the batch (F3) in plain JSON types."""
    values = asdict(spec)
    values["starts_on"] = spec.starts_on.isoformat()
    values["ends_on"] = spec.ends_on.isoformat()
    values["job_ids"] = list(chosen)
    values["organisation_ids"] = sorted({t.organisation_id for t in targets.values()})
    values["chosen_by"] = [dict(item) for item in chosen_by]
    values["group_ids"] = sorted({int(item["id"]) for item in chosen_by if item.get("kind") == "group"})
    return values


def _insert_activities(
    session: Session,
    user_id: int,
    spec: FloodFillSpec,
    chosen: Sequence[int],
    targets: dict[int, Target],
    ids: tuple[int, int, int | None],
    progress: Progress,
) -> None:
    period_id, batch_id, decision_batch_id = ids
    now = utcnow()
    authorised = spec.pre_authorise
    common = {
        "version": 1,
        "title": spec.title,
        "activity_type": spec.activity_type,
        "provider": spec.provider,
        "starts_on": spec.starts_on,
        "ends_on": spec.ends_on,
        "period_id": period_id,
        "course_fee_pence": spec.course_fee_pence,
        "cover_cost_pence": spec.cover_cost_pence,
        "travel_cost_pence": spec.travel_cost_pence,
        "other_cost_pence": spec.other_cost_pence,
        "cover_days": spec.cover_days,
        "training_event_id": spec.training_event_id,
        "learning_module_id": spec.learning_module_id,
        "created_by_job_id": spec.creator_job_id,
        "created_at": now,
        "flood_fill_batch_id": batch_id,
        # a flood fill carries no request's justification (migration 0007's columns are NOT NULL)
        "intended_outcome": "",
        "impact_measure": "",
        "sharing_plan": "",
        "line_manager_state": LineManagerState.PENDING,
        "cpd_team_state": CpdTeamState.PENDING,
        "partnership_state": PartnershipState.AUTHORISED if authorised else PartnershipState.PENDING,
        "partnership_decided_at": now if authorised else None,
        "partnership_user_id": user_id if authorised else None,
        "partnership_reason": PRE_AUTHORISED if authorised else None,
        "decision_batch_id": decision_batch_id,
        "completion_state": CompletionState.NOT_COMPLETED,
    }
    table = typed(Table, CpdActivity.__table__)
    total = len(chosen)
    for start in range(0, total, CHUNK):
        rows = []
        for job_id in chosen[start : start + CHUNK]:
            target = targets[job_id]
            org = target.organisation_id
            rows.append((job_id, org, org if authorised else None, target.last_name, target.organisation))
        varying = ("job_id", "organisation_id", "charged_organisation_id", "individual_sort", "organisation_sort")
        _executemany(session, table, common, varying, rows)
        done = min(start + CHUNK, total)
        progress.report(total + done, total * 2, f"Creating {done:,} of {total:,} activities…")


def _record_pre_authorisation(act: Action, decided: Decided, batch_id: int) -> None:
    """F5 is a partnership decision like any other: each activity gets its decision audit row and
    notification, written by sign-off's own ``record_decisions_of``, so the individual hears of it
    and "Recent decisions" can undo it row by row."""
    made = select(CpdActivity.id, CpdActivity.job_id, CpdActivity.title).where(
        CpdActivity.flood_fill_batch_id == batch_id
    )
    record_decisions_of(act, decided, made, UNDECIDED_BEFORE, 1)


def _executemany(
    session: Session, table: Table, common: dict[str, Any], varying: Sequence[str], rows: Sequence[tuple]
) -> None:
    """A Core INSERT run as one driver ``executemany``, converting the shared values once.

    Every row of a flood fill shares all but five values (three integers and two sort keys).
    Letting SQLAlchemy process each row's parameters costs three times the
    insert itself; here the column types' bind processors run once for the
    shared values, and the compiled statement goes to the driver as it is.
    """
    connection = session.connection()
    dialect = connection.dialect
    shared: dict[str, Any] = {}
    for name, value in common.items():
        processor = table.c[name].type._cached_bind_processor(dialect)
        shared[name] = processor(value) if processor is not None and value is not None else value
    names = [*varying, *common]
    compiled = insert(table).values({name: bindparam(name) for name in names}).compile(dialect=dialect)
    if compiled.positional:
        order = list(compiled.positiontup or ())
        template = [shared.get(name) for name in order]
        slots = [order.index(name) for name in varying]
        params: list[Any] = []
        for row in rows:
            values = template.copy()
            for slot, value in zip(slots, row, strict=True):
                values[slot] = value
            params.append(tuple(values))
    else:
        params = [{**shared, **dict(zip(varying, row, strict=True))} for row in rows]
    connection.exec_driver_sql(str(compiled), params)
