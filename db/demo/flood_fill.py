"""Flood-fill batches and the activities they pushed onto many jobs at once (F1-F6).

Each batch picks whole staff groups (by kind of job) at a few schools that
share "group actions" (D6 - no central action touches the others), names its
creator (a partnership primary user or a line manager, F3) and who ran it, and
may be pre-authorised (F5).  The selection is recorded in the batch's
parameters the way the flood-fill wizard would record it.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.demo import catalogue
from db.demo.activities import AGREED, APPROVED, AUTHORISED, CPD_PENDING, LM_PENDING, P_PENDING, ActivityFactory
from db.demo.activity_plan import everyday_jobs
from db.demo.bulk import MINUTES_PER_DAY, minute_to_datetime
from db.demo.context import BuildContext, JobInfo
from db.models import FloodFillBatch, OrgKind, OrgStatus


@dataclass(frozen=True)
class FloodFillSpec:
    template: str
    kinds: str
    period_offset: int  # relative to the current period
    pre_authorised: bool
    group: str


SPECS: tuple[FloodFillSpec, ...] = (
    FloodFillSpec("Safeguarding and child protection update", "LTAS", -1, True, "Everyone"),
    FloodFillSpec("Autism awareness for classroom staff", "TA", 0, False, "Teachers and Teaching assistants"),
    FloodFillSpec("INSET: assessment for learning", "T", 0, True, "Teachers"),
    FloodFillSpec("Prevent duty awareness", "LTAS", 1, False, "Everyone"),
    FloodFillSpec("Cyber security essentials", "S", 0, True, "Support staff"),
    FloodFillSpec("Instructional coaching cycle", "T", -1, False, "Teachers"),
)
TEMPLATES = {template.title: template for template in catalogue.TEMPLATES}


def build_flood_fills(ctx: BuildContext, factory: ActivityFactory) -> None:
    rng = ctx.rng
    alex, sam = ctx.users["alex.morgan"], ctx.users["sam.patel"]
    schools = [
        org
        for org in ctx.members(OrgKind.SCHOOL)
        if org.central_actions and org.status == OrgStatus.OPEN and org.head_job_id is not None
    ]
    current = ctx.scale.periods_before
    count = min(ctx.scale.flood_fills, len(SPECS))
    first_batch = ctx.take_ids(FloodFillBatch, count)
    for n, spec in enumerate(SPECS[:count]):
        period = ctx.periods[max(0, min(len(ctx.periods) - 1, current + spec.period_offset))]
        chosen = sorted(rng.sample(schools, min(ctx.scale.flood_fill_schools, len(schools))), key=lambda o: o.id)
        org_ids = {org.id for org in chosen}
        selection: list[JobInfo] = [
            job for job in everyday_jobs(ctx, period) if job.org_id in org_ids and job.kind in spec.kinds
        ]
        # F3: a pre-authorised batch is created as the primary user; others as a head (a line manager).
        runner = alex if spec.pre_authorised else sam
        creator = alex.job_id if spec.pre_authorised else chosen[0].head_job_id
        assert creator is not None
        start = factory.pick_day(period)
        created_day = min(start - rng.randrange(10, 40), ctx.today.toordinal() - 1 - rng.randrange(0, 20))
        created = created_day * MINUTES_PER_DAY + rng.randrange(9 * 60, 16 * 60)
        template = TEMPLATES[spec.template]
        parameters = {
            "organisation_ids": sorted(org_ids),
            "quick_select": spec.group,
            "job_ids": [job.id for job in selection],
            "learning_module_id": ctx.modules.get(template.title),
            "training_event_id": None,
            "period": period.label,
        }
        ctx.insert(
            FloodFillBatch,
            ("id", "created_at", "run_by_user_id", "creator_job_id", "title", "parameters", "activity_count",
             "pre_authorised"),
            [(first_batch + n, minute_to_datetime(created), runner.user_id, creator, template.title, parameters,
              len(selection), spec.pre_authorised)],
        )  # fmt: skip
        for job in selection:
            if spec.pre_authorised:
                states = (AGREED if rng.random() < 0.6 else LM_PENDING, CPD_PENDING, AUTHORISED)
            else:
                states = (AGREED if rng.random() < 0.3 else LM_PENDING, APPROVED if rng.random() < 0.2 else CPD_PENDING,
                          P_PENDING)  # fmt: skip
            end = start + template.span_days - 1
            completion = factory.pick_completion(states[2], end)
            factory.make(
                job,
                period,
                start,
                template,
                states,
                completion,
                batch=(first_batch + n, creator, created),
                decider=runner.user_id if spec.pre_authorised else None,
            )
