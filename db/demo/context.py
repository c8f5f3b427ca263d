"""What one demo build knows as it goes: the organisations, jobs, periods and
users already made, plus the shared random generator and writers.

The builders run in a fixed order and each adds to this context; later steps
(activities, budgets) read what earlier ones decided instead of querying the
database back, which keeps the build fast and its output a pure function of
the seed and ``today``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Table
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from db.demo.bulk import BulkWriter, IdAllocator, Progress
from db.demo.scales import Scale
from db.models import Base, OrgKind, OrgStatus, SharingLevel

# Kinds of job, used to pick suitable training (see catalogue.Template.audience).
LEADER, TEACHER, ASSISTANT, SUPPORT = "L", "T", "A", "S"


@dataclass
class OrgInfo:
    id: int
    kind: OrgKind
    name: str
    domain: str
    phase: str | None = None
    status: OrgStatus = OrgStatus.OPEN
    sharing: SharingLevel = SharingLevel.GROUP_ACTIONS
    restricted: bool = False
    over_budget: bool = False
    leader: tuple[str, str] = ("", "")
    head_job_id: int | None = None

    @property
    def central_actions(self) -> bool:
        """D6: the central team may act here (sign off, flood fill, bring up)."""
        return self.sharing >= SharingLevel.GROUP_ACTIONS


@dataclass
class JobInfo:
    id: int
    person_id: int
    org_id: int
    role: str
    kind: str
    first: str
    last: str
    email: str
    line_manager_id: int | None = None
    is_line_manager: bool = False
    active: bool = True
    brought_up_from: int | None = None
    unique_id: str | None = None
    pay_scale: str | None = None


@dataclass(frozen=True)
class PeriodInfo:
    id: int
    label: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class EventInfo:
    """A training event as the activity builders need it (T1)."""

    id: int
    org_id: int
    template: int
    starts_on: date
    period: PeriodInfo
    published: bool
    opted_in: tuple[int, ...]


@dataclass
class DemoUser:
    username: str
    first: str
    last: str
    role: str
    user_id: int = 0
    job_id: int = 0
    org_id: int = 0


@dataclass
class BuildContext:
    """Shared state of one build; created by ``build.build_demo``."""

    session: Session
    conn: Connection
    rng: random.Random
    today: date
    scale: Scale
    ids: IdAllocator
    writer: BulkWriter
    progress: Progress
    trust_id: int = 0
    orgs: list[OrgInfo] = field(default_factory=list)
    jobs: list[JobInfo] = field(default_factory=list)
    people: int = 0
    periods: list[PeriodInfo] = field(default_factory=list)
    users: dict[str, DemoUser] = field(default_factory=dict)
    roles: dict[str, int] = field(default_factory=dict)
    modules: dict[str, int] = field(default_factory=dict)
    events: list[EventInfo] = field(default_factory=list)
    activities: int = 0
    # C7 totals per (organisation id, period id), in pence, for sizing budgets.
    authorised: dict[tuple[int, int], int] = field(default_factory=dict)
    committed: dict[tuple[int, int], int] = field(default_factory=dict)
    _by_id: dict[int, OrgInfo] = field(default_factory=dict, repr=False)

    def add_org(self, org: OrgInfo) -> OrgInfo:
        self.orgs.append(org)
        self._by_id[org.id] = org
        return org

    def org(self, org_id: int) -> OrgInfo:
        return self._by_id[org_id]

    def members(self, kind: OrgKind | None = None) -> list[OrgInfo]:
        """Member organisations (everything but the trust), optionally of one kind."""
        return [org for org in self.orgs if org.kind != OrgKind.TRUST and (kind is None or org.kind == kind)]

    def moment(self, days_ago: int, minute_of_day: int = 9 * 60) -> datetime:
        """A timestamp derived from ``today`` only, so builds repeat exactly."""
        day = self.today - timedelta(days=days_ago)
        return datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60))

    def table(self, model: type[Base]) -> Table:
        return table_of(model)

    def take_ids(self, model: type[Base], count: int = 1) -> int:
        return self.ids.take(self.table(model), count)

    def insert(self, model: type[Base], columns: Iterable[str], rows: Iterable[tuple[object, ...]]) -> int:
        return self.writer.insert(self.table(model), tuple(columns), rows)


def table_of(model: type[Base]) -> Table:
    """The Core table behind a model, typed as one (bulk writes go through Core)."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


def school_days(period: PeriodInfo) -> list[int]:
    """Ordinals of the term-time weekdays of a period: no weekends, August or Christmas week."""
    days = []
    for ordinal in range(period.starts_on.toordinal(), period.ends_on.toordinal() + 1):
        day = date.fromordinal(ordinal)
        christmas = (day.month == 12 and day.day >= 22) or (day.month == 1 and day.day <= 2)
        if day.weekday() < 5 and day.month != 8 and not christmas:
            days.append(ordinal)
    return days
