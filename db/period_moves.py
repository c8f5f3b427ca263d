"""What changing the academic year's start month does to periods and activities (C1).

A stored period keeps its identity by its first year: "2025/26" is the year that starts in
2025, so with August as the start month it runs 1 Aug 2025 – 31 Jul 2026, whatever its dates
were before. Activities belong to the period containing their start date, so some move to the
neighbouring period; budgets stay with their period (its id does not change).

The preview (db.queries.trust_settings) and the change (db.services.trust_settings) both work
from ``plan_moves``, so the count a user is shown is the count that moves. Everything is
set-based: per target period one grouped count over the index on (period, start date); the
rows themselves never travel through Python.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AcademicPeriod, CpdActivity
from db.periods import Period, period_containing

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_name(month: int) -> str:
    return MONTHS[month - 1]


def period_of_year(first_year: int, month: int) -> Period:
    """The period that starts in ``first_year`` when the year starts in ``month``."""
    return period_containing(date(first_year, month, 1), month)


@dataclass(frozen=True, slots=True)
class Target:
    """One period under the new start month: a stored one (``period_id``) or one to create."""

    first_year: int
    period: Period
    period_id: int | None


@dataclass(frozen=True, slots=True)
class MovePlan:
    month: int
    targets: tuple[Target, ...]
    #: (from period id, to first year) → activities moving
    moves: dict[tuple[int, int], int]
    #: (organisation, period id) pairs whose spend changes: activities leave or join them
    touched: frozenset[tuple[int, int | None]]
    stored: dict[int, AcademicPeriod]

    @property
    def total(self) -> int:
        return sum(self.moves.values())


def _activity_years(session: Session, periods: list[AcademicPeriod], month: int) -> set[int]:
    """First years (under ``month``) of the earliest and latest activity start, and every year between.

    The extremes come from two index look-ups per stored period (its first and last start date)
    rather than a scan of every activity.
    """
    starts: list[date] = []
    for period in periods:
        for pick in (func.min, func.max):
            found = session.scalar(select(pick(CpdActivity.starts_on)).where(CpdActivity.period_id == period.id))
            if found is not None:
                starts.append(date.fromisoformat(found) if isinstance(found, str) else found)
    if not starts:
        return set()
    first = period_containing(min(starts), month).starts_on.year
    last = period_containing(max(starts), month).starts_on.year
    return set(range(first, last + 1))


def plan_moves(session: Session, month: int) -> MovePlan:
    """Which activities would move where if the year started in ``month``; changes nothing."""
    periods = list(session.scalars(select(AcademicPeriod).order_by(AcademicPeriod.starts_on)))
    by_year = {period.starts_on.year: period for period in periods}
    years = sorted(set(by_year) | _activity_years(session, periods, month))
    all_ids = [period.id for period in periods]
    targets: list[Target] = []
    moves: dict[tuple[int, int], int] = defaultdict(int)
    touched: set[tuple[int, int | None]] = set()
    for year in years:
        stored = by_year.get(year)
        target = Target(year, period_of_year(year, month), stored.id if stored else None)
        targets.append(target)
        others = [pid for pid in all_ids if pid != target.period_id]
        if not others:
            continue
        for from_id, org_id, count in session.execute(
            select(CpdActivity.period_id, CpdActivity.organisation_id, func.count())
            .where(
                CpdActivity.period_id.in_(others),
                CpdActivity.starts_on >= target.period.starts_on,
                CpdActivity.starts_on <= target.period.ends_on,
            )
            .group_by(CpdActivity.period_id, CpdActivity.organisation_id)
        ):
            moves[(from_id, year)] += count
            touched.add((org_id, from_id))
            touched.add((org_id, target.period_id))
    return MovePlan(month, tuple(targets), dict(moves), frozenset(touched), {p.id: p for p in periods})
