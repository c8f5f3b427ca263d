"""The dashboard's old grouped scan of the activities, kept as the reference the running totals must equal.

``reference_totals`` is the query ``db/queries/dashboard.py`` ran before migration 0015, over every
period at once; ``kept_totals`` sums ``activity_totals`` the way the dashboard reads it now.
``reference_by_state`` / ``kept_by_state`` do the same per full key (migration 0016: the three decision
states too), with the count and total cost the Partnership CPD list reads; ``counted_from_rows`` is
what the list showed for a filter before it read them (its reference in the tests and the benchmark).
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from db.engine import Database
from db.models import (
    ActivityText,
    ActivityTextTotal,
    ActivityTotal,
    CompletionState,
    CpdActivity,
    CpdTeamState,
    LineManagerState,
    PartnershipState,
)
from db.queries.activity_filter import ActivityFilter, ActivitySummary, _conditions
from db.scope import scope_for

Key = tuple[int, int, str]  # period, organisation, "YYYY-MM"
Sums = tuple[int, int, int, int, int, int, int, int, float, int, int]


def _month_key(session: Session) -> ColumnElement[str]:
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(CpdActivity.starts_on, 1, 7)
    return func.to_char(CpdActivity.starts_on, "YYYY-MM")


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def reference_totals(db: Database) -> dict[Key, Sums]:
    """One grouped scan of every activity, per period, organisation and month (the old dashboard query)."""
    a = CpdActivity
    authorised = a.partnership_state == PartnershipState.AUTHORISED
    undecided = a.partnership_state.in_([PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION])
    completed = a.completion_state == CompletionState.COMPLETED
    live = a.partnership_state != PartnershipState.WITHDRAWN
    with db.read() as session:
        month = _month_key(session)
        rows = session.execute(
            select(
                a.period_id,
                a.organisation_id,
                month,
                func.count(),
                _count_if((a.line_manager_state == LineManagerState.PENDING) & live),
                _count_if((a.cpd_team_state == CpdTeamState.PENDING) & live),
                _count_if(a.partnership_state == PartnershipState.PENDING),
                _count_if(a.partnership_state == PartnershipState.NEEDS_REAUTHORISATION),
                _count_if(authorised),
                func.sum(case((authorised, a.total_cost_pence), else_=0)),
                func.sum(case((undecided, a.total_cost_pence), else_=0)),
                func.sum(case((authorised, a.cover_days), else_=0)),
                _count_if(completed),
                _count_if(and_(completed, a.evaluation.is_(None))),
            ).group_by(a.period_id, a.organisation_id, month)
        ).all()
    return {(period, org, key): _sums(values) for period, org, key, *values in rows}


def kept_totals(db: Database) -> dict[Key, Sums]:
    """The running totals, summed per key as the dashboard sums them (keys with no activity left dropped)."""
    t = ActivityTotal
    with db.read() as session:
        rows = session.execute(
            select(
                t.period_id,
                t.organisation_id,
                t.month,
                func.sum(t.activities),
                func.sum(t.pending_line_manager),
                func.sum(t.pending_cpd_team),
                func.sum(t.pending_partnership),
                func.sum(t.needs_reauthorisation),
                func.sum(t.authorised),
                func.sum(t.authorised_pence),
                func.sum(t.undecided_pence),
                func.sum(t.cover_days),
                func.sum(t.completed),
                func.sum(t.without_evaluation),
            )
            .group_by(t.period_id, t.organisation_id, t.month)
            .having(func.sum(t.activities) != 0)
        ).all()
    return {(period, org, f"{month:%Y-%m}"): _sums(values) for period, org, month, *values in rows}


StateKey = tuple[int, int, str, str, str, str]  # period, organisation, "YYYY-MM", partnership, line manager, CPD team


def reference_by_state(db: Database) -> dict[StateKey, tuple[int, int]]:
    """Count and total cost per full key, scanned from the activities."""
    a = CpdActivity
    with db.read() as session:
        month = _month_key(session)
        key = (a.period_id, a.organisation_id, month, a.partnership_state, a.line_manager_state, a.cpd_team_state)
        rows = session.execute(select(*key, func.count(), func.sum(a.total_cost_pence)).group_by(*key)).all()
    return {(p, o, m, str(ps), str(lm), str(ct)): (int(n), int(pence or 0)) for p, o, m, ps, lm, ct, n, pence in rows}


def kept_by_state(db: Database) -> dict[StateKey, tuple[int, int]]:
    """Count and total cost per full key, summed from the running totals (keys with no activity left dropped)."""
    t = ActivityTotal
    key = (t.period_id, t.organisation_id, t.month, t.partnership_state, t.line_manager_state, t.cpd_team_state)
    with db.read() as session:
        rows = session.execute(
            select(*key, func.sum(t.activities), func.sum(t.total_pence))
            .group_by(*key)
            .having(func.sum(t.activities) != 0)
        ).all()
    return {
        (p, o, f"{m:%Y-%m}", str(ps), str(lm), str(ct)): (int(n), int(pence or 0))
        for p, o, m, ps, lm, ct, n, pence in rows
    }


TextKey = tuple[int, int, str, str, str, str, str]  # period, organisation, the three states, title, provider


def reference_by_text(db: Database) -> dict[TextKey, tuple[int, int]]:
    """Count and total cost per period, organisation, states, title and provider, scanned from the activities."""
    a = CpdActivity
    key = (
        a.period_id,
        a.organisation_id,
        a.partnership_state,
        a.line_manager_state,
        a.cpd_team_state,
        a.title,
        a.provider,
    )
    with db.read() as session:
        rows = session.execute(select(*key, func.count(), func.sum(a.total_cost_pence)).group_by(*key)).all()
    return {(p, o, str(ps), str(lm), str(ct), t, v): (int(n), int(c or 0)) for p, o, ps, lm, ct, t, v, n, c in rows}


def kept_by_text(db: Database) -> dict[TextKey, tuple[int, int]]:
    """The same from the search's running totals (migration 0017), per title and provider."""
    x, texts = ActivityTextTotal, ActivityText
    key = (x.period_id, x.organisation_id, x.partnership_state, x.line_manager_state, x.cpd_team_state)
    with db.read() as session:
        rows = session.execute(
            select(*key, texts.title, texts.provider, func.sum(x.activities), func.sum(x.total_pence))
            .join(texts, texts.id == x.text_id)
            .group_by(*key, texts.title, texts.provider)
            .having(func.sum(x.activities) != 0)
        ).all()
    return {(p, o, str(ps), str(lm), str(ct), t, v): (int(n), int(c or 0)) for p, o, ps, lm, ct, t, v, n, c in rows}


def counted_from_rows(
    db: Database, user: int, filt: ActivityFilter
) -> tuple[ActivitySummary, dict[PartnershipState, int]]:
    """The count, total and per-state counts of the activities matching ``filt``, read from the rows themselves
    with the list's own conditions."""
    with db.read() as session:
        scope = scope_for(session, user)
        matching = and_(*_conditions(filt, scope, session))
        count, total = session.execute(
            select(func.count(), func.coalesce(func.sum(CpdActivity.total_cost_pence), 0)).where(matching)
        ).one()
        every_state = and_(*_conditions(replace(filt, partnership_state=None), scope, session))
        grouped = select(CpdActivity.partnership_state, func.count()).where(every_state)
        per_state = dict.fromkeys(PartnershipState, 0)
        per_state.update(
            {
                PartnershipState(state): int(n)
                for state, n in session.execute(grouped.group_by(CpdActivity.partnership_state))
            }
        )
    return ActivitySummary(count=int(count), total_cost_pence=int(total)), per_state


def _sums(values: list) -> Sums:
    *counts, cover, done, no_eval = values
    # cover days are sums of floats: the same to a millionth of a day, whatever the order of the additions
    return (*(int(v or 0) for v in counts), round(float(cover or 0), 6), int(done or 0), int(no_eval or 0))  # type: ignore[return-value]


def assert_totals_kept(db: Database) -> dict[Key, Sums]:
    """The running totals equal the grouped scan, key by key; returns them."""
    expected, kept = reference_totals(db), kept_totals(db)
    wrong = {key: (kept.get(key), expected.get(key)) for key in expected.keys() | kept.keys()
             if kept.get(key) != expected.get(key)}  # fmt: skip
    assert not wrong, f"running totals (kept, scanned) differ for {len(wrong)} keys: {dict(list(wrong.items())[:5])}"
    by_state, scanned = kept_by_state(db), reference_by_state(db)
    assert by_state == scanned, f"per state (kept, scanned): {set(by_state.items()) ^ set(scanned.items())}"
    by_text, scanned_texts = kept_by_text(db), reference_by_text(db)
    assert by_text == scanned_texts, f"per text (kept, scanned): {set(by_text.items()) ^ set(scanned_texts.items())}"
    return kept
