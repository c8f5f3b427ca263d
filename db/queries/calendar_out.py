"""Who is out (CA1): for a day or a week, the people with an authorised or pending activity on those
days, grouped by organisation with the cover days each needs — what a school plans cover from.

The same scope, filters and range condition as the calendar (``db.queries.calendar``); a request
still awaiting a decision is listed too (marked so), because cover is booked before the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from db.engine import Database
from db.errors import ValidationError
from db.models import PartnershipState
from db.queries.calendar import (
    OUT_STATES,
    PENDING_LIKE,
    CalendarFilter,
    activity_branches,
    calendar_scope,
    load_activity_items,
)

#: the longest stretch "who is out" answers for: a week
MAX_OUT_DAYS = 7
#: activities listed at most (a week of the whole trust holds ~8,000); past it the list says so
OUT_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class OutPerson:
    activity_id: int
    person_id: int
    person: str
    title: str
    starts_on: date
    ends_on: date
    state: PartnershipState
    cover_days: float  # the cover the activity needs, as requested
    days_out: int  # of the days asked about (school days, Monday to Friday)

    @property
    def pending(self) -> bool:
        return self.state in PENDING_LIKE


@dataclass(frozen=True, slots=True)
class OutOrganisation:
    organisation_id: int
    organisation: str
    people: list[OutPerson] = field(default_factory=list)

    @property
    def cover_days(self) -> float:
        return sum(person.cover_days for person in self.people)


@dataclass(frozen=True, slots=True)
class WhoIsOut:
    starts_on: date
    ends_on: date
    organisations: list[OutOrganisation] = field(default_factory=list)
    truncated: bool = False

    @property
    def people(self) -> int:
        """Everyone out, counted once however many activities they have on those days."""
        return len({person.person_id for org in self.organisations for person in org.people})

    @property
    def activities(self) -> int:
        return sum(len(org.people) for org in self.organisations)


def school_days_between(first: date, last: date) -> int:
    return sum(1 for n in range((last - first).days + 1) if (first + timedelta(days=n)).weekday() < 5)


def who_is_out(
    db: Database,
    user_id: int,
    first: date,
    last: date,
    *,
    organisation_id: int | None = None,
    group_id: int | None = None,
    person_id: int | None = None,
) -> WhoIsOut:
    """Authorised and pending activities on ``first``..``last``, per organisation, by name."""
    if last < first:
        raise ValidationError("The last day is before the first day.")
    if (last - first).days >= MAX_OUT_DAYS:
        raise ValidationError("“Who is out” covers a day or a week: choose at most seven days.")
    filt = CalendarFilter(first, last, organisation_id, group_id, person_id, OUT_STATES)
    with db.read() as session:
        scope = calendar_scope(session, user_id)
        items = load_activity_items(session, activity_branches(session, scope, filt), OUT_LIMIT + 1)
    groups: dict[int, OutOrganisation] = {}
    for item in sorted(items[:OUT_LIMIT], key=lambda i: (i.organisation, i.person, i.starts_on, i.id)):
        days = school_days_between(max(item.starts_on, first), min(item.ends_on, last))
        person = OutPerson(
            item.id, item.person_id, item.person, item.title, item.starts_on, item.ends_on, item.state,
            item.cover_days, days,
        )  # fmt: skip
        groups.setdefault(item.organisation_id, OutOrganisation(item.organisation_id, item.organisation)).people.append(
            person
        )
    return WhoIsOut(first, last, list(groups.values()), truncated=len(items) > OUT_LIMIT)
