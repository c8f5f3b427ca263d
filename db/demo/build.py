"""``build_demo``: the whole demo trust in one transaction, in a fixed order.

The order matters because later steps use what earlier ones made: staff need
the organisations, data sharing requests need the heads and users, activities
need everything.  Only ``random.Random(seed)`` and ``today`` decide what is
written, so the same seed and day give the same database (timings aside).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.demo import activity_plan, names
from db.demo.activities import ActivityFactory
from db.demo.budgets import build_budgets
from db.demo.bulk import (
    BulkWriter,
    IdAllocator,
    Progress,
    advance_sequences,
    analyze,
    compact_totals,
    sqlite_bulk_pragmas,
    without_activity_indexes,
)
from db.demo.context import BuildContext, PeriodInfo, table_of
from db.demo.evaluations import build_evaluations
from db.demo.flood_fill import build_flood_fills
from db.demo.groups import build_groups
from db.demo.organisations import build_data_sharing, build_organisations
from db.demo.scales import scale_named
from db.demo.staff import build_staff
from db.demo.training import build_learning_modules, build_training_events
from db.engine import Database
from db.errors import ValidationError
from db.models import (
    AcademicPeriod,
    AppUser,
    Budget,
    CpdActivity,
    DataSharingRequest,
    FloodFillBatch,
    Group,
    GroupCategory,
    Job,
    LearningModule,
    Organisation,
    Person,
    TrainingEvent,
    TrustSetting,
    UserGrant,
)
from db.periods import ensure_period, period_containing, start_month
from db.queries.trust import DEMO_TRUST_KEY
from db.services.activity_totals import fold_where_due
from db.standard_roles import create_trust, ensure_standard_roles

# Tables whose ids the builders choose themselves (see bulk.IdAllocator).
ALLOCATED = (
    Organisation, Person, Job, AppUser, UserGrant, GroupCategory, Group, LearningModule, TrainingEvent,
    FloodFillBatch, CpdActivity, Budget, DataSharingRequest,
)  # fmt: skip


@dataclass(frozen=True)
class DemoSummary:
    """What was built, for the CLI's and the GUI's closing message."""

    organisations: int
    people: int
    jobs: int
    activities: int
    users: int
    elapsed_seconds: float


def build_demo(
    db: Database,
    scale: str = "small",
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> DemoSummary:
    """Fill an empty database with a fictional trust, its schools, staff and CPD.

    ``scale`` is ``"small"`` (about 1,000 jobs, for trying the app and for
    tests) or ``"large"`` (150 organisations, 30,000 jobs, 1,000,000
    activities: the benchmark reference).  Refuses a database that already has
    organisations, so demo data never mixes with real data.
    """
    started = time.perf_counter()
    spec = scale_named(scale)
    today = today or date.today()
    reporter = Progress(progress, spec.jobs + spec.activities + spec.activities // 4 + 10)
    reporter.advance(0, "Checking the database is empty")
    with db.transaction() as session:
        _refuse_non_empty(session)
        trust_id = create_trust(session, names.TRUST_NAME, names.TRUST_UID)
        # Marked in the database itself: the demo's sample users sign in without passwords (A3).
        session.add(TrustSetting(key=DEMO_TRUST_KEY, value="1"))
        roles = ensure_standard_roles(session)
        periods = _periods(session, today, spec.periods_before)
        conn = session.connection()
        tables = [table_of(model) for model in ALLOCATED]
        ctx = BuildContext(
            session=session,
            conn=conn,
            rng=random.Random(seed),
            today=today,
            scale=spec,
            ids=IdAllocator(conn, tables),
            writer=BulkWriter(conn),
            progress=reporter,
            trust_id=trust_id,
            periods=periods,
            roles=roles,
        )
        with sqlite_bulk_pragmas(conn):
            build_organisations(ctx)
            reporter.advance(5, "Organisations")
            build_staff(ctx)
            build_data_sharing(ctx)
            build_groups(ctx)
            reporter.advance(spec.jobs, f"Staff: {len(ctx.jobs):,} jobs")
            build_learning_modules(ctx)
            build_training_events(ctx)
            _activities(ctx)
            build_evaluations(ctx)
            reporter.advance(spec.activities // 4, "Indexes built")
            build_budgets(ctx)
            analyze(conn)
            advance_sequences(conn, tables)
    fold_where_due(db)  # PostgreSQL: the load's many rows of changes to the dashboard's totals, one per key
    compact_totals(db)  # … and the space those rows took given back
    summary = DemoSummary(
        organisations=len(ctx.orgs),
        people=ctx.people,
        jobs=len(ctx.jobs),
        activities=ctx.activities,
        users=len(ctx.users),
        elapsed_seconds=time.perf_counter() - started,
    )
    reporter.finish(f"Demo trust built: {summary.activities:,} activities")
    return summary


def _refuse_non_empty(session: Session) -> None:
    if session.scalar(select(func.count()).select_from(Organisation)):
        raise ValidationError(
            "This database already has organisations, so the demo trust was not added. "
            "Build the demo into a new, empty database."
        )


def _periods(session: Session, today: date, before: int) -> list[PeriodInfo]:
    """``before`` finished periods, the current one and the next, oldest first."""
    month = start_month(session)
    current = period_containing(today, month)
    spans = [current]
    for _ in range(before):
        spans.insert(0, period_containing(spans[0].starts_on - timedelta(days=1), month))
    spans.append(period_containing(current.ends_on + timedelta(days=1), month))
    result = []
    for span in spans:
        period_id = ensure_period(session, span.starts_on, month)
        result.append(PeriodInfo(period_id, span.label, span.starts_on, span.ends_on))
    assert (session.scalar(select(func.count()).select_from(AcademicPeriod)) or 0) >= len(result)
    return result


def _activities(ctx: BuildContext) -> None:
    """All activity rows, written with the activity indexes dropped and rebuilt after."""
    factory = ActivityFactory(ctx)
    with without_activity_indexes(ctx.conn, enabled=True):
        activity_plan.every_state(ctx, factory)
        activity_plan.event_attendance(ctx, factory)
        activity_plan.users_own(ctx, factory)
        build_flood_fills(ctx, factory)
        made = factory.next_id - factory.first_id
        activity_plan.everyday(ctx, factory, max(0, ctx.scale.activities - made))
        factory.flush()
        ctx.progress.advance(0, "Building indexes")
