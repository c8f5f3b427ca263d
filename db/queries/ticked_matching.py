""" "All N matching the filter, minus these": what "tick all" holds instead of N ids (C4, C7).

Ticking every matching row used to copy an id → version dictionary of every
row on the window's thread, more than once, and add up the budget impact one
chunk of ids at a time.  A ticked-all selection is a filter instead: the
budget impact and the refusals below the partnership are worked out in SQL
over the filter's decidable rows (grouped by organisation and individual),
less the rows unticked since.  The versions read when ticking stay with the
selection, untouched, for the sign-off to compare (rows changed since are
left alone, as for any tick).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import CpdActivity
from db.queries.activities import ActivityFilter, decidable_conditions
from db.queries.budget_context import AuthorisationImpact, authorisation_impact, impact_of
from db.queries.refusals import RefusedBelow, refused_below, refused_of
from db.scope import scope_for

#: beyond this many rows unticked by hand the "minus" list is no longer a short NOT IN: go by ids
MAX_MINUS = 5000


@dataclass(frozen=True)
class MatchingTicks:
    """Every row matching ``filter`` that the user may decide, as read when ticked, less ``minus``."""

    filter: ActivityFilter
    versions: Mapping[int, int]  # id → version when ticked; shared, never copied on the window's thread
    minus: frozenset[int] = frozenset()
    extra: Mapping[int, int] = field(default_factory=dict)  # rows ticked by hand besides (added since)

    @property
    def count(self) -> int:
        return len(self.versions) - len(self.minus) + len(self.extra)

    def shown_versions(self) -> dict[int, int]:
        """Id → version of every row ticked: for the sign-off, built off the window's thread."""
        minus = self.minus
        shown = {activity_id: version for activity_id, version in self.versions.items() if activity_id not in minus}
        shown.update(self.extra)
        return shown

    def without(self, ids: frozenset[int]) -> MatchingTicks:
        extra = {activity_id: v for activity_id, v in self.extra.items() if activity_id not in ids}
        return MatchingTicks(self.filter, self.versions, self.minus | (ids & self.versions.keys()), extra)


def _parts(session: Session, user_id: int, ticks: MatchingTicks) -> list[tuple[ColumnElement[bool], ...]]:
    where = decidable_conditions(session, scope_for(session, user_id), ticks.filter)
    if ticks.versions:
        where.append(CpdActivity.id <= max(ticks.versions))  # not the rows added since the ticking
    if ticks.minus:
        where.append(CpdActivity.id.not_in(sorted(ticks.minus)))
    return [tuple(where)]


def matching_impact(db: Database, user_id: int, ticks: MatchingTicks) -> AuthorisationImpact:
    """``authorisation_impact`` of a ticked-all selection, computed in SQL over its filter."""
    if len(ticks.minus) > MAX_MINUS or ticks.extra:
        return authorisation_impact(db, user_id, list(ticks.shown_versions()))
    with db.read() as session:
        return impact_of(session, _parts(session, user_id, ticks))


def matching_refused(db: Database, user_id: int, ticks: MatchingTicks) -> RefusedBelow:
    """``refused_below`` of a ticked-all selection, read in SQL over its filter."""
    if len(ticks.minus) > MAX_MINUS or ticks.extra:
        return refused_below(db, user_id, list(ticks.shown_versions()))
    with db.read() as session:
        return refused_of(session, _parts(session, user_id, ticks))
