"""CPD activity rows (C1-C5), made fast enough for a million.

``ActivityFactory.make`` is the one place an activity row is put together, so
every rule holds for every row however it was chosen: the organisation is the
job's, the period is the one containing the start date, the end is not before
the start, decisions follow creation and never lie after ``today``, decided
rows name who decided, when, and (for rejections) why, and nobody decides
their own request.  D6 is applied here too: below "group actions" only the
school's own line managers have acted.  Rows are buffered as tuples already
encoded for the writer (see ``bulk.Calendar``) and flushed in chunks.
"""

from __future__ import annotations

from bisect import bisect
from datetime import timedelta
from itertools import accumulate

from db.demo import catalogue
from db.demo.bulk import CHUNK_ROWS, MINUTES_PER_DAY, Calendar
from db.demo.catalogue import Template
from db.demo.context import ASSISTANT, LEADER, SUPPORT, TEACHER, BuildContext, JobInfo, PeriodInfo, school_days
from db.demo.organisations import coordinator_school
from db.models import CompletionState, CpdActivity, CpdTeamState, LineManagerState, PartnershipState

LM_PENDING, AGREED, DENIED = (s.value for s in LineManagerState)
CPD_PENDING, APPROVED, DECLINED = (s.value for s in CpdTeamState)
P_PENDING, AUTHORISED, REJECTED, REAUTHORISE = (
    s.value
    for s in (
        PartnershipState.PENDING,
        PartnershipState.AUTHORISED,
        PartnershipState.REJECTED,
        PartnershipState.NEEDS_REAUTHORISATION,
    )
)
NOT_COMPLETED, ATTENDED, COMPLETED = (
    s.value for s in (CompletionState.NOT_COMPLETED, CompletionState.ATTENDED, CompletionState.COMPLETED)
)

COLUMNS = (
    "id", "job_id", "organisation_id", "title", "activity_type", "provider", "starts_on", "ends_on", "period_id",
    "course_fee_pence", "cover_cost_pence", "travel_cost_pence", "other_cost_pence", "cover_days",
    "training_event_id", "learning_module_id", "created_by_job_id", "created_at", "flood_fill_batch_id",
    "evaluation", "line_manager_state", "line_manager_decided_at", "line_manager_job_id", "cpd_team_state",
    "cpd_team_decided_at", "cpd_team_user_id", "partnership_state", "partnership_decided_at",
    "partnership_user_id", "partnership_reason", "decision_batch_id", "charged_organisation_id",
    "completion_state", "completed_on", "version", "individual_sort", "organisation_sort",
)  # fmt: skip

States = tuple[str, str, str]

# How far requests have got, by when they start: long past, around now, or ahead.
PAST: dict[States, int] = {
    (AGREED, APPROVED, AUTHORISED): 70, (AGREED, APPROVED, REJECTED): 4, (AGREED, APPROVED, REAUTHORISE): 3,
    (AGREED, APPROVED, P_PENDING): 3, (AGREED, CPD_PENDING, P_PENDING): 3, (AGREED, CPD_PENDING, AUTHORISED): 3,
    (AGREED, DECLINED, P_PENDING): 2, (AGREED, DECLINED, REJECTED): 2, (DENIED, CPD_PENDING, P_PENDING): 3,
    (DENIED, DECLINED, REJECTED): 1, (LM_PENDING, CPD_PENDING, P_PENDING): 3, (LM_PENDING, CPD_PENDING, AUTHORISED): 3,
}  # fmt: skip
NEAR: dict[States, int] = {
    (AGREED, APPROVED, AUTHORISED): 40, (AGREED, APPROVED, P_PENDING): 15, (AGREED, CPD_PENDING, P_PENDING): 12,
    (LM_PENDING, CPD_PENDING, P_PENDING): 15, (AGREED, APPROVED, REJECTED): 3, (AGREED, APPROVED, REAUTHORISE): 4,
    (DENIED, CPD_PENDING, P_PENDING): 3, (AGREED, DECLINED, P_PENDING): 3, (AGREED, CPD_PENDING, AUTHORISED): 5,
}  # fmt: skip
FUTURE: dict[States, int] = {
    (LM_PENDING, CPD_PENDING, P_PENDING): 40, (AGREED, CPD_PENDING, P_PENDING): 20, (AGREED, APPROVED, P_PENDING): 15,
    (AGREED, APPROVED, AUTHORISED): 15, (AGREED, APPROVED, REAUTHORISE): 3, (DENIED, CPD_PENDING, P_PENDING): 2,
    (AGREED, DECLINED, P_PENDING): 2, (AGREED, APPROVED, REJECTED): 3,
}  # fmt: skip
ALL_STATES: tuple[States, ...] = tuple(
    (lm, cpd, p) for lm in (LM_PENDING, AGREED, DENIED) for cpd in (CPD_PENDING, APPROVED, DECLINED)
    for p in (P_PENDING, AUTHORISED, REJECTED, REAUTHORISE)
)  # fmt: skip
COMPLETIONS = (NOT_COMPLETED, ATTENDED, COMPLETED)
IN_SCHOOL_TYPES = frozenset({catalogue.INSET, catalogue.ONLINE, catalogue.COACHING})


class _Table:
    """A weighted choice of state triples, drawn with one random number."""

    def __init__(self, weights: dict[States, int]) -> None:
        self.states = list(weights)
        self.cumulative = list(accumulate(weights.values()))
        self.total = self.cumulative[-1]


class ActivityFactory:
    """Builds activity rows into a buffer and writes them in chunks."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self.rnd = ctx.rng.random
        first, last = ctx.periods[0].starts_on, ctx.periods[-1].ends_on
        self.cal = Calendar(first - timedelta(days=400), last + timedelta(days=400), as_text=ctx.writer.raw_sqlite)
        self.today = ctx.today.toordinal()
        # Nothing happened later than yesterday at five: every stamp is derived from ``today``.
        self.cap = (self.today - 1) * MINUTES_PER_DAY + 17 * 60
        self.first_id = self.next_id = ctx.take_ids(CpdActivity, 0)
        self.rows: list[tuple[object, ...]] = []
        self.tables = (_Table(PAST), _Table(NEAR), _Table(FUTURE))
        self.days = {period.id: school_days(period) for period in ctx.periods}
        users = ctx.users
        self.owner = {user.job_id: user.user_id for user in users.values()}
        central = (users["alex.morgan"].user_id, users["sam.patel"].user_id)
        coordinator = coordinator_school(ctx).id
        self.deciders = {
            org.id: central + ((users["chris.lee"].user_id,) if org.id == coordinator else ())
            for org in ctx.orgs
            if org.central_actions
        }
        self.cpd_team = (users["jo.evans"].user_id, users["sam.patel"].user_id)
        self.templates = {
            kind: [t for t in catalogue.TEMPLATES if kind in t.audience]
            for kind in (LEADER, TEACHER, ASSISTANT, SUPPORT)
        }
        self.rates = {LEADER: catalogue.COVER_RATE_TEACHER_PENCE, TEACHER: catalogue.COVER_RATE_TEACHER_PENCE,
                      ASSISTANT: catalogue.COVER_RATE_ASSISTANT_PENCE}  # fmt: skip

    # -- choosing -------------------------------------------------------------------------------

    def pick_day(self, period: PeriodInfo) -> int:
        days = self.days[period.id]
        return days[int(self.rnd() * len(days))]

    def pick_template(self, job: JobInfo) -> Template:
        options = self.templates[job.kind]
        return options[int(self.rnd() * len(options))]

    def pick_states(self, start: int) -> States:
        table = self.tables[0 if start < self.today - 21 else 1 if start < self.today + 14 else 2]
        return table.states[bisect(table.cumulative, self.rnd() * table.total)]

    def pick_completion(self, partnership: str, end: int) -> str:
        if partnership != AUTHORISED or end >= self.today:
            return NOT_COMPLETED
        draw = self.rnd()
        return COMPLETED if draw < 0.55 else ATTENDED if draw < 0.8 else NOT_COMPLETED

    def random(self, job: JobInfo, period: PeriodInfo) -> None:
        """One everyday request: a suitable template, a term-time date, states by timing."""
        start = self.pick_day(period)
        template = self.pick_template(job)
        states = self.pick_states(start)
        end = start + template.span_days - 1
        self.make(job, period, start, template, states, self.pick_completion(states[2], end))

    def _after(self, moment: int) -> int:
        later = moment + 30 + int(self.rnd() * 4 * MINUTES_PER_DAY)
        return later if later < self.cap else max(moment, self.cap)

    def _decider(self, pool: tuple[int, ...], job_id: int) -> int:
        own = self.owner.get(job_id)
        choices = [user for user in pool if user != own] if own in pool else pool
        return choices[int(self.rnd() * len(choices))]

    # -- the row ----------------------------------------------------------------------------

    def make(
        self,
        job: JobInfo,
        period: PeriodInfo,
        start: int,
        template: Template,
        states: States,
        completion: str,
        *,
        event: int | None = None,
        batch: tuple[int, int, int] | None = None,
        decider: int | None = None,
    ) -> int:
        """Append one row; returns its id.

        ``event`` is the training event attended (the template then carries its
        title, organiser and fee); ``batch`` is (flood-fill batch id, creator
        job id, created-at minute); a pre-authorised flood fill passes its runner
        as ``decider`` and is authorised the moment it is created.
        """
        rnd = self.rnd
        org_id = job.org_id
        lm, cpd, partnership = states
        pool = self.deciders.get(org_id)
        if pool is None:  # D6: without group actions the central team has not acted
            cpd, partnership = CPD_PENDING, P_PENDING
        end = start + template.span_days - 1
        options = template.cover_days
        cover = options[int(rnd() * len(options))] if job.kind != SUPPORT else 0.0
        cover_cost = int(cover * self.rates.get(job.kind, 0))
        fee = template.fee_min + 500 * int(rnd() * ((template.fee_max - template.fee_min) // 500 + 1))
        travel = 0 if template.activity_type in IN_SCHOOL_TYPES or rnd() < 0.4 else 100 * (5 + int(rnd() * 85))
        other = 100 * (10 + int(rnd() * 70)) if rnd() < 0.08 else 0

        if batch is not None:
            batch_id, created_by, created = batch
        else:
            batch_id = None
            created_by = job.line_manager_id if job.line_manager_id and rnd() < 0.2 else job.id
            created_day = start - 5 - int(rnd() * 70)
            if created_day >= self.today:
                created_day = self.today - 1 - int(rnd() * 45)
            created = min(created_day * MINUTES_PER_DAY + 450 + int(rnd() * 630), self.cap)

        lm_at = lm_job = cpd_at = cpd_user = p_at = p_user = reason = charged = None
        last = created
        if lm != LM_PENDING:
            last = self._after(last)
            lm_at, lm_job = self.cal.stamp(last), job.line_manager_id
        if cpd != CPD_PENDING:
            last = self._after(last)
            cpd_at, cpd_user = self.cal.stamp(last), self._decider(self.cpd_team, job.id)
        if partnership != P_PENDING:
            last = created if decider is not None else self._after(last)
            p_at, charged = self.cal.stamp(last), org_id
            p_user = decider if decider is not None else self._decider(pool or (), job.id)
            if partnership == REJECTED:
                reason = catalogue.REJECTION_REASONS[int(rnd() * len(catalogue.REJECTION_REASONS))]
            elif partnership == AUTHORISED and rnd() < 0.1:
                reason = catalogue.AUTHORISATION_NOTES[int(rnd() * len(catalogue.AUTHORISATION_NOTES))]
        completed_on = evaluation = None
        if completion != NOT_COMPLETED:
            completed_on = self.cal.day(max(start, min(end + int(rnd() * 3), self.today - 1)))
            if completion == COMPLETED and rnd() < 0.4:
                evaluation = catalogue.EVALUATIONS[int(rnd() * len(catalogue.EVALUATIONS))]

        total = fee + cover_cost + travel + other
        key = (org_id, period.id)
        if partnership == AUTHORISED:
            self.ctx.authorised[key] = self.ctx.authorised.get(key, 0) + total
        if partnership != REJECTED:
            self.ctx.committed[key] = self.ctx.committed.get(key, 0) + total
        row_id = self.next_id
        self.next_id += 1
        day = self.cal.day
        self.rows.append(
            (row_id, job.id, org_id, template.title, template.activity_type, template.provider, day(start), day(end),
             period.id, fee, cover_cost, travel, other, cover, event, self.ctx.modules.get(template.title),
             created_by, self.cal.stamp(created), batch_id, evaluation, lm, lm_at, lm_job, cpd, cpd_at, cpd_user,
             partnership, p_at, p_user, reason, None, charged, completion, completed_on, 1, job.last,
             self.ctx.org(org_id).name)
        )  # fmt: skip
        if len(self.rows) >= CHUNK_ROWS:
            self.flush()
        return row_id

    def flush(self) -> None:
        """Write the buffered rows; ids were reserved as they were made."""
        if not self.rows:
            return
        ctx = self.ctx
        ctx.take_ids(CpdActivity, len(self.rows))
        ctx.writer.insert_encoded(ctx.table(CpdActivity), COLUMNS, self.rows)
        ctx.activities += len(self.rows)
        ctx.progress.advance(len(self.rows), f"Writing CPD activities ({ctx.activities:,} so far)")
        self.rows = []
