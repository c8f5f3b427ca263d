"""Rows built by hand for table-model tests: a model only shows rows, so its tests need no database.

The rows are the same frozen dataclasses the queries return (``db.queries``); each differs from the
next in every field a model shows or sorts by, so a test that mixes two rows up can fail.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from db.models import CompletionState, CpdTeamState, LineManagerState, PartnershipState
from db.queries.activities import ActivityRow


def activity_row(n: int, **changes: Any) -> ActivityRow:
    """Activity ``n`` (id ``n``, version 1): pending partnership authorisation unless ``changes`` say otherwise."""
    starts = date(2025, 9, 1) + timedelta(days=n)
    row = ActivityRow(
        id=n,
        version=1,
        job_id=1000 + n,
        person_id=2000 + n,
        individual=f"Person {n}",
        organisation_id=1 + n % 4,
        organisation=f"School {1 + n % 4}",
        title=f"Course {n}",
        activity_type="Course",
        provider="Provider Ltd",
        starts_on=starts,
        ends_on=starts + timedelta(days=1),
        period="2025/26",
        course_fee_pence=10_000 + n,
        cover_cost_pence=5_000,
        travel_cost_pence=1_000,
        other_cost_pence=0,
        total_cost_pence=16_000 + n,
        cover_days=1.0,
        line_manager_state=LineManagerState.AGREED,
        cpd_team_state=CpdTeamState.APPROVED,
        partnership_state=PartnershipState.PENDING,
        completion_state=CompletionState.NOT_COMPLETED,
        training_event=None,
        created_by="sam.patel",
    )
    return replace(row, **changes) if changes else row


def activity_rows(count: int, first: int = 1) -> list[ActivityRow]:
    return [activity_row(n) for n in range(first, first + count)]
