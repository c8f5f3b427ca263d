"""Flood-fill history (F3, F6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from db.engine import Database
from db.models import AppUser, FloodFillBatch, Job, Person


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
