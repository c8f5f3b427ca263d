"""Which activities the demo holds, and for whom.

Four sources, in this order: one of every combination of states in each
period (so every filter has something to show), attendance at the published
training events, a few requests of the app users' own (to test that nobody
decides their own), and then everyday requests up to the scale's exact count,
spread over the periods and weighted towards teachers and leaders.  Flood
fills (``flood_fill``) run between the users' own and the everyday ones.
"""

from __future__ import annotations

from db.demo import catalogue
from db.demo.activities import (
    AGREED,
    ALL_STATES,
    APPROVED,
    AUTHORISED,
    COMPLETED,
    COMPLETIONS,
    CPD_PENDING,
    LM_PENDING,
    NOT_COMPLETED,
    P_PENDING,
    ActivityFactory,
)
from db.demo.bulk import CHUNK_ROWS
from db.demo.catalogue import Template
from db.demo.context import ASSISTANT, LEADER, SUPPORT, TEACHER, BuildContext, JobInfo, PeriodInfo
from db.models import OrgKind, OrgStatus

KIND_WEIGHT = {LEADER: 1.3, TEACHER: 1.2, ASSISTANT: 0.8, SUPPORT: 0.5}


def everyday_jobs(ctx: BuildContext, period: PeriodInfo) -> list[JobInfo]:
    """Jobs that make ordinary requests in ``period``.

    Not the partnership jobs (their school job makes the requests), not the app
    users (their few requests are made on purpose), not the chief executive
    (no line manager to agree them), and a closed school's staff only in the
    oldest period, before it closed.
    """
    oldest = period is ctx.periods[0]
    users = {user.job_id for user in ctx.users.values()}
    jobs = []
    for job in ctx.jobs:
        org = ctx.org(job.org_id)
        if org.kind == OrgKind.TRUST or job.id in users or job.line_manager_id is None:
            continue
        if org.status == OrgStatus.CLOSED and not oldest:
            continue
        jobs.append(job)
    return jobs


def every_state(ctx: BuildContext, factory: ActivityFactory) -> None:
    """Each line-manager x CPD-team x partnership combination in every period,
    and in finished periods with every completion state too."""
    rng = ctx.rng
    for period in ctx.periods:
        jobs = [job for job in everyday_jobs(ctx, period) if ctx.org(job.org_id).central_actions]
        finished = period.ends_on < ctx.today
        for states in ALL_STATES:
            for completion in COMPLETIONS if finished else (NOT_COMPLETED,):
                job = jobs[rng.randrange(len(jobs))]
                factory.make(job, period, factory.pick_day(period), factory.pick_template(job), states, completion)


def event_attendance(ctx: BuildContext, factory: ActivityFactory) -> None:
    """Staff of the opted-in organisations booked onto each published event."""
    rng = ctx.rng
    by_org: dict[int, list[JobInfo]] = {}
    for job in everyday_jobs(ctx, ctx.periods[0]):
        if job.kind != SUPPORT and job.active:
            by_org.setdefault(job.org_id, []).append(job)
    for event in ctx.events:
        if not event.published or not event.opted_in:
            continue
        spec = catalogue.EVENTS[event.template]
        cover = 0.0 if spec.activity_type == catalogue.INSET else float(spec.span_days)
        template = Template(
            spec.title, spec.activity_type, ctx.org(event.org_id).name, spec.cost_pence, spec.cost_pence,
            spec.span_days, (cover,), "LTA",
        )  # fmt: skip
        per_org = max(1, int(spec.places * 0.8) // len(event.opted_in))
        start = event.starts_on.toordinal()
        for org_id in event.opted_in:
            staff = by_org.get(org_id, [])
            for job in rng.sample(staff, min(per_org, len(staff))):
                states = factory.pick_states(start)
                completion = factory.pick_completion(states[2], start + spec.span_days - 1)
                factory.make(job, event.period, start, template, states, completion, event=event.id)


def users_own(ctx: BuildContext, factory: ActivityFactory) -> None:
    """Pending requests of the users' own (three for alex.morgan and sam.patel), and two authorised last year."""
    current = ctx.periods[ctx.scale.periods_before]
    previous = ctx.periods[ctx.scale.periods_before - 1]
    following = ctx.periods[-1]
    jobs = {job.id: job for job in ctx.jobs}
    for user in ctx.users.values():
        job = jobs[user.job_id]
        pending = 3 if user.username in ("alex.morgan", "sam.patel") else 1
        for n in range(pending):
            period, start = _ahead(ctx, factory, current if n % 2 == 0 else following, following)
            states = (AGREED if n == 0 else LM_PENDING, CPD_PENDING, P_PENDING)
            factory.make(job, period, start, factory.pick_template(job), states, NOT_COMPLETED)
        for _ in range(2):
            states = (AGREED, APPROVED, AUTHORISED)
            factory.make(job, previous, factory.pick_day(previous), factory.pick_template(job), states, COMPLETED)


def _ahead(
    ctx: BuildContext, factory: ActivityFactory, period: PeriodInfo, fallback: PeriodInfo
) -> tuple[PeriodInfo, int]:
    """A term-time day at least a week ahead in ``period``, else in ``fallback``."""
    soon = ctx.today.toordinal() + 7
    days = [day for day in factory.days[period.id] if day >= soon]
    if not days:
        period, days = fallback, factory.days[fallback.id]
    return period, days[ctx.rng.randrange(len(days))]


def everyday(ctx: BuildContext, factory: ActivityFactory, count: int) -> None:
    """The bulk: ``count`` ordinary requests, fewer in the period still to come."""
    rng = ctx.rng
    weights = [1.0] * (len(ctx.periods) - 1) + [0.6]
    shares = [count * w / sum(weights) for w in weights]
    counts = [int(share) for share in shares]
    counts[ctx.scale.periods_before] += count - sum(counts)
    for period, period_count in zip(ctx.periods, counts, strict=True):
        jobs = everyday_jobs(ctx, period)
        cumulative = []
        running = 0.0
        for job in jobs:
            running += KIND_WEIGHT[job.kind]
            cumulative.append(running)
        made = 0
        while made < period_count:
            batch = min(CHUNK_ROWS, period_count - made)
            for job in rng.choices(jobs, cum_weights=cumulative, k=batch):
                factory.random(job, period)
            made += batch
