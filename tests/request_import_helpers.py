"""Request files for the import tests, written for the demo trust's own jobs."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select

from db.engine import Database
from db.models import AppUser, AuditEntry, CpdActivity, Job, Notification, Organisation

HEADER = (
    "Work Email", "School URN", "Course", "Category", "Provider", "Date", "End Date", "Course Fee",
    "Supply", "Travel", "Cover Days", "Objectives", "LM approval", "CPD Team Status",
)  # fmt: skip


def emails_at(db: Database, urn: str, count: int = 3) -> list[str]:
    """Work e-mails of active jobs at the school that belong to no demo user."""
    with db.read() as session:
        users = select(AppUser.job_id).where(AppUser.job_id.is_not(None))
        return list(
            session.scalars(
                select(Job.email)
                .join(Organisation, Organisation.id == Job.organisation_id)
                .where(Organisation.urn == urn, Job.active.is_(True), Job.email.is_not(None), Job.id.not_in(users))
                .order_by(Job.id)
                .limit(count)
            )
        )


def urn_of(db: Database, organisation_id: int) -> str:
    with db.read() as session:
        found = session.scalar(select(Organisation.urn).where(Organisation.id == organisation_id))
    assert found
    return found


def row(email: str, urn: str, title: str, **changes: str) -> list[str]:
    values = {
        "Work Email": email, "School URN": urn, "Course": title, "Category": "Course", "Provider": "Ridgeway Hub",
        "Date": "03/11/2026", "End Date": "24/11/2026", "Course Fee": "£1,250.00", "Supply": "180", "Travel": "24.50",
        "Cover Days": "1", "Objectives": "Better phonics", "LM approval": "", "CPD Team Status": "",
    }  # fmt: skip
    values.update(changes)
    return [values[name] for name in HEADER]


def write_csv(path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def counts(db: Database) -> tuple[int, int, int]:
    """(activities, audit rows, notifications)."""
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(CpdActivity)),
            session.scalar(select(func.count()).select_from(AuditEntry)),
            session.scalar(select(func.count()).select_from(Notification)),
        )
