"""What the sign-off dialog says about the ticked rows (C3, C7): budgets gone past, cover limits gone
past and requests already turned down below the partnership, as the lines its labels show."""

from __future__ import annotations

import html

from db.queries.budget_context import AuthorisationImpact
from db.queries.refusals import RefusedBelow
from desktop.kit.formatting import days, money

MAX_WARNINGS_LISTED = 8


def warning_lines(impact: AuthorisationImpact) -> list[str]:
    """Budget warnings as plain lines (cover limits are listed apart: ``cover_lines``)."""
    lines = []
    for warning in impact.budget_warnings[:MAX_WARNINGS_LISTED]:
        ctx = warning.context
        lines.append(
            f"{ctx.organisation} ({ctx.period}): budget {money(ctx.budget_pence)}, already authorised "
            f"{money(ctx.authorised_pence)}; this adds {money(warning.adding_pence)} — "
            f"over by {money(warning.over_by_pence)}."
        )
    if len(impact.budget_warnings) > MAX_WARNINGS_LISTED:
        lines.append(f"…and {len(impact.budget_warnings) - MAX_WARNINGS_LISTED:,} more organisations over budget.")
    return lines


def cover_lines(impact: AuthorisationImpact) -> list[str]:
    """Cover past a limit as rich text, the over-limit figure in bold: "<b>6</b> of 5 cover days"."""
    lines = []
    for warning in impact.cover_warnings[:MAX_WARNINGS_LISTED]:
        ctx = warning.context
        lines.append(
            f"{html.escape(ctx.individual)} ({html.escape(ctx.period)}): <b>{days(warning.total_days)}</b> of "
            f"{days(ctx.limit_days)} cover days if authorised — past the limit."
        )
    if impact.cover_past_limit > MAX_WARNINGS_LISTED:
        lines.append(f"…and {impact.cover_past_limit - MAX_WARNINGS_LISTED:,} more individuals past their cover limit.")
    return lines


def refusal_text(refused: RefusedBelow) -> str:
    """Like "3 ticked activities were turned down before reaching the partnership: 2 denied by …"."""
    parts = []
    if refused.denied:
        parts.append(f"{len(refused.denied):,} denied by the line manager")
    if refused.declined:
        parts.append(f"{len(refused.declined):,} declined by the CPD team")
    count = len(refused.ids)
    noun = "ticked activity was" if count == 1 else "ticked activities were"
    return f"{count:,} {noun} turned down before reaching the partnership: {' and '.join(parts)}."
