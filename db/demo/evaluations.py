"""The demo's evaluations: hours and a rating for every completed activity that has an impact written.

One INSERT … SELECT over the activities already written, so a million-activity
demo gains its evaluations in seconds; the numbers are spread from the
activity's id (not the shared random generator), so adding this step leaves
every other row of the demo exactly as it was.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import cast as typed

from sqlalchemy import Table, case, insert, literal, select, update

from db.demo.context import BuildContext
from db.models import ActivityEvaluation, CpdActivity, Job

EVALUATIONS = typed(Table, ActivityEvaluation.__table__)
CHANGES = (
    "Used it in my own lessons the following week.",
    "Shared it at a department meeting.",
    "",
)


def build_evaluations(ctx: BuildContext) -> None:
    """An evaluation row beside each completed activity whose impact the demo wrote."""
    a = CpdActivity
    spread = a.id * 13 % 10
    rating = case((spread == 0, 2), (spread < 3, 3), (spread < 7, 4), else_=5)
    hours = (a.id * 7 % 16 + 2) * 0.5
    change = case((a.id % 3 == 0, CHANGES[0]), (a.id % 3 == 1, CHANGES[1]), else_=CHANGES[2])
    recorded_by = ctx.users["sam.patel"].user_id
    stamp = datetime.combine(ctx.today, time(9))
    rows = select(
        a.id,
        hours,
        rating,
        a.evaluation,
        change,
        literal(recorded_by),
        literal(stamp, type_=EVALUATIONS.c.recorded_at.type),
        literal(1),
    ).where(a.evaluation.is_not(None))
    columns = ["activity_id", "hours", "rating", "impact", "practice_change", "recorded_by_user_id", "recorded_at"]
    ctx.conn.execute(insert(EVALUATIONS).from_select([*columns, "version"], rows))
    # kept on the activity too, as db.services.evaluations does (what the CPD was worth reads them there)
    person = select(Job.person_id).where(Job.id == a.job_id).scalar_subquery()
    ctx.conn.execute(
        update(a)
        .where(a.evaluation.is_not(None))
        .values(evaluation_hours=hours, evaluation_rating=rating, evaluation_person_id=person)
    )
