""" "All N matching the filter, minus these": what "tick all" holds instead of N ids (C4, C7).

Ticking every matching row used to copy an id → version dictionary of every
row on the window's thread, more than once, and add up the budget impact one
chunk of ids at a time.  A ticked-all selection is a filter instead: the
budget impact and the refusals below the partnership are worked out in SQL
over the filter's decidable rows (grouped by organisation and individual),
less the rows unticked since.  The versions read when ticking stay with the
selection, untouched, for the sign-off to compare (rows changed since are
left alone, as for any tick).

Ticking reads those versions as one string the database joins (one row,
whatever the number of activities), not as a row per activity: a worker
that turns 200,000 rows into Python objects holds the interpreter lock most
of the time, and the window's thread waits for it (a 400 ms freeze).  Even
so, a million versions take a second to read; the window therefore ticks
on a quick first read (the highest id ticked and the rows left out,
``tick_all_head``) and reads the versions after it (``ticked_versions``).
Meanwhile the selection is ``reading`` (``expected`` rows): its figures
and refusals, worked out from the filter and the highest id, need no
version; only the sign-off itself waits for them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, String, and_, cast, false, func, literal, not_, select, union_all
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import CpdActivity, Level, Module, PartnershipState
from db.queries.activity_filter import ActivityFilter, _conditions
from db.queries.budget_context import AuthorisationImpact, authorisation_impact, impact_of
from db.queries.decidability import DecidableMatch, DecideRules, decide_rules_in
from db.queries.decidable_rows import decidable_conditions
from db.queries.kept_impact import kept_impact
from db.queries.period_impact import impact_in_periods
from db.queries.refusals import RefusedBelow, refused_below, refused_of
from db.queries.tick_versions import PiecedVersions, joined
from db.scope import Scope, scope_for

#: beyond this many rows unticked by hand the "minus" list is no longer a short NOT IN: go by ids
MAX_MINUS = 5000


@dataclass(frozen=True)
class MatchingTicks:
    """Every row matching ``filter`` that the user may decide, as read when ticked, less ``minus``."""

    filter: ActivityFilter
    versions: Mapping[int, int]  # id → version when ticked; shared, never copied on the window's thread
    minus: frozenset[int] = frozenset()
    extra: Mapping[int, int] = field(default_factory=dict)  # rows ticked by hand besides (added since)
    #: the highest id ticked (rows added since are not ticked); None: worked out from ``versions``
    ceiling: int | None = None
    #: while the versions are still being read (``versions`` empty): how many rows they are expected to be
    expected: int | None = None

    @property
    def reading(self) -> bool:
        return self.expected is not None

    @property
    def count(self) -> int:
        ticked = self.expected if self.expected is not None else len(self.versions)
        return ticked - len(self.minus) + len(self.extra)

    def ticks(self, activity_id: int) -> bool:
        """Whether "all matching" ticked this row (one the user may decide, of the filter): by its version
        once read; until then, by the highest id ticked."""
        if self.expected is not None:
            return self.ceiling is not None and activity_id <= self.ceiling
        return activity_id in self.versions

    def with_versions(self, versions: Mapping[int, int]) -> MatchingTicks:
        """The same selection once its versions are read: the rows unticked meanwhile that they do not hold
        (rows not ticked after all) are no longer counted off."""
        minus = frozenset(activity_id for activity_id in self.minus if activity_id in versions)
        return replace(self, versions=versions, minus=minus, expected=None)

    def shown_versions(self) -> dict[int, int]:
        """Id → version of every row ticked: for the sign-off, built off the window's thread."""
        if self.expected is not None:
            raise RuntimeError("the ticked rows' versions are still being read")
        minus = self.minus
        shown = {activity_id: version for activity_id, version in self.versions.items() if activity_id not in minus}
        shown.update(self.extra)
        return shown

    def without(self, ids: frozenset[int]) -> MatchingTicks:
        extra = {activity_id: v for activity_id, v in self.extra.items() if activity_id not in ids}
        minus = self.minus | frozenset(activity_id for activity_id in ids if self.ticks(activity_id))
        return replace(self, minus=minus, extra=extra)


def _parts(session: Session, user_id: int, ticks: MatchingTicks) -> list[tuple[ColumnElement[bool], ...]]:
    return [tuple(_where(session, scope_for(session, user_id), ticks)[0])]


def _where(
    session: Session, scope: Scope, ticks: MatchingTicks, rules: DecideRules | None = None
) -> tuple[list[ColumnElement[bool]], int | None]:
    """SQL for the ticked rows, and the highest id ticked."""
    where = decidable_conditions(session, scope, ticks.filter, rules)
    ceiling = ticks.ceiling if ticks.ceiling is not None else max(ticks.versions, default=None)
    if ceiling is not None:
        where.append(CpdActivity.id <= ceiling)  # not the rows added since the ticking
    if ticks.minus:
        where.append(CpdActivity.id.not_in(sorted(ticks.minus)))
    return where, ceiling


def matching_by_ids(ticks: MatchingTicks) -> bool:
    """Whether a ticked-all selection's figures are added up from its ids and versions, not from its filter:
    rows ticked by hand besides, or so many unticked that they are no longer a short "not in"."""
    return len(ticks.minus) > MAX_MINUS or bool(ticks.extra)


def matching_impact(db: Database, user_id: int, ticks: MatchingTicks) -> AuthorisationImpact:
    """``authorisation_impact`` of a ticked-all selection, computed in SQL over its filter: from the
    running totals where they can answer its filter (``kept_impact``), else in two passes over its period."""
    if matching_by_ids(ticks):
        return authorisation_impact(db, user_id, list(ticks.shown_versions()))
    with db.read() as session:
        scope = scope_for(session, user_id)
        rules = decide_rules_in(session, scope)
        where, ceiling = _where(session, scope, ticks, rules)
        period = ticks.filter.period_id
        if period is None:
            return impact_of(session, [tuple(where)])
        kept = kept_impact(session, scope, rules, ticks.filter, where, ceiling, ticks.minus) if ceiling else None
        return kept if kept is not None else impact_in_periods(session, where, [period])


def ceiling_now(db: Database, user_id: int, filt: ActivityFilter) -> int | None:
    """The highest id among the rows matching ``filt`` the user may decide: what "tick all" would tick up to."""
    with db.read() as session:
        return _ceiling(session, decidable_conditions(session, scope_for(session, user_id), filt), filt)


def _ceiling(session: Session, where: list[ColumnElement[bool]], filt: ActivityFilter) -> int | None:
    """The highest id ``where`` selects.  For a period with no state chosen, the highest id per state, each
    read backwards from the (period, state, id) index: asked at once, the planner walks every later
    period's rows from the top of the table instead (0.2-0.3 s at five million activities)."""
    a = CpdActivity
    if filt.period_id is None or filt.partnership_state is not None:
        return session.scalar(select(func.max(a.id)).where(*where))
    per_state = union_all(
        *(select(func.max(a.id).label("top")).where(*where, a.partnership_state == state) for state in PartnershipState)
    ).subquery("per_state")
    return session.scalar(select(func.max(per_state.c.top)))


def matching_figures_now(db: Database, user_id: int, filt: ActivityFilter) -> tuple[int | None, AuthorisationImpact]:
    """The impact of ticking all rows matching ``filt`` now, with the ceiling it was worked out to: read
    alongside the ticking itself, and used for its selection when the ceilings agree (``TickFigures``)."""
    ceiling = ceiling_now(db, user_id, filt)
    return ceiling, matching_impact(db, user_id, MatchingTicks(filt, {}, ceiling=ceiling if ceiling else 0))


def matching_refused_now(db: Database, user_id: int, filt: ActivityFilter) -> tuple[int | None, RefusedBelow]:
    """``matching_figures_now`` for the refusals below the partnership."""
    ceiling = ceiling_now(db, user_id, filt)
    return ceiling, matching_refused(db, user_id, MatchingTicks(filt, {}, ceiling=ceiling if ceiling else 0))


def matching_refused(db: Database, user_id: int, ticks: MatchingTicks) -> RefusedBelow:
    """``refused_below`` of a ticked-all selection, read in SQL over its filter."""
    if matching_by_ids(ticks):
        return refused_below(db, user_id, list(ticks.shown_versions()))
    with db.read() as session:
        return refused_of(session, _parts(session, user_id, ticks))


def _left_out(connection: Connection, scope: Scope, rules: DecideRules, filt: ActivityFilter) -> list[Row[Any]]:
    """(organisation, job, rows) of the matching rows the user may not decide, in two disjoint reads that
    each find their few rows from an index: those of the organisations seen but not decided whole (not
    decided at all, or only some groups' staff), and the user's own requests in the others.  One read
    of "not decidable" would walk every matching row of the period to find them."""
    module = Module.PARTNERSHIP_CPD
    limited = scope.job_limits.get(module, {})
    whole = sorted(org for org in scope.orgs(module, Level.DECIDE) if org not in limited)
    a = CpdActivity
    reach = scope.rows_in_reach(module, a.organisation_id, a.job_id, Level.DECIDE)
    parts: list[ColumnElement[bool]] = []
    if others := sorted(scope.orgs(module) - set(whole)):
        own = a.job_id.in_(sorted(rules.own_job_ids)) if rules.own_job_ids else false()
        parts.append(and_(a.organisation_id.in_(others), not_(reach) | own))
    if rules.own_job_ids and whole:
        parts.append(and_(a.job_id.in_(sorted(rules.own_job_ids)), a.organisation_id.in_(whole)))
    matching = and_(*_conditions(filt, scope))
    found: list[Row[Any]] = []
    for part in parts:
        grouped = select(a.organisation_id, a.job_id, func.count()).where(matching, part)
        found.extend(connection.execute(grouped.group_by(a.organisation_id, a.job_id)))
    return found


def tick_all_matching(db: Database, user_id: int, filt: ActivityFilter) -> DecidableMatch:
    """What "tick all N matching" ticks: the rows matching ``filt`` the user may decide (id → version),
    the highest of their ids, and how many matching rows were left out and why (``DecidableMatch``),
    in one read.  The window reads the same in two (``tick_all_head``, then ``ticked_versions``), so
    that the ticks and the sign-off figures need not wait for a million versions.
    """
    with db.read() as session:
        scope = scope_for(session, user_id)
        rules = decide_rules_in(session, scope)
        decidable = decidable_conditions(session, scope, filt, rules)
        ceiling = _ceiling(session, decidable, filt)
        versions = _versions(session, decidable, ceiling)
        return DecidableMatch(versions, _left_out_why(session, scope, rules, filt), ceiling)


def tick_all_head(db: Database, user_id: int, filt: ActivityFilter) -> DecidableMatch:
    """What "tick all" knows at once: the highest id it ticks (rows added later are not ticked) and the
    rows it leaves out, each read from an index; the versions (``versions``, empty here) come after."""
    with db.read() as session:
        scope = scope_for(session, user_id)
        rules = decide_rules_in(session, scope)
        ceiling = _ceiling(session, decidable_conditions(session, scope, filt, rules), filt)
        return DecidableMatch({}, _left_out_why(session, scope, rules, filt), ceiling)


def ticked_versions(db: Database, user_id: int, filt: ActivityFilter, ceiling: int | None) -> Mapping[int, int]:
    """Id → version of the rows "tick all" ticked (those matching ``filt`` the user may decide, up to id
    ``ceiling``), read after ``tick_all_head``: a row changed in between is read at its new version,
    one gone from the filter is not ticked, as if it had changed just before the click."""
    if ceiling is None:
        return {}
    with db.read() as session:
        scope = scope_for(session, user_id)
        return _versions(session, decidable_conditions(session, scope, filt), ceiling)


def _versions(session: Session, decidable: list[ColumnElement[bool]], ceiling: int | None) -> Mapping[int, int]:
    """The ids and versions arrive as one string the database joins ("id:version,…", read a piece at a
    time: ``PiecedVersions``): no row per activity is fetched, and no step holds the interpreter lock
    for long."""
    if ceiling is None:
        return {}
    pair = cast(CpdActivity.id, String) + literal(":") + cast(CpdActivity.version, String)
    query = select(joined(session, pair)).where(*decidable, CpdActivity.id <= ceiling)
    return PiecedVersions(session.connection().execute(query).scalar())


def _left_out_why(session: Session, scope: Scope, rules: DecideRules, filt: ActivityFilter) -> dict[str, int]:
    """The rows matching the filter that the user may not decide (few, in groups), by reason."""
    left_out: dict[str, int] = {}
    for organisation_id, job_id, rows in _left_out(session.connection(), scope, rules, filt):
        why = rules.why_not_job(organisation_id, job_id)
        if why is not None:
            left_out[why] = left_out.get(why, 0) + rows
    return left_out
