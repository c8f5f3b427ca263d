"""Words for the parts of an activity filter that have no control in Partnership CPD.

A dashboard figure can drill into a month, a line manager's or CPD team's
queue, or completed activities without an evaluation; the Partnership CPD
filter bar has no box for those, so its summary line says them instead —
otherwise the count would look wrong.
"""

from __future__ import annotations

from datetime import timedelta

from db.models import CompletionState, CpdTeamState, LineManagerState
from db.queries.activities import ActivityFilter


def hidden_filter_text(filt: ActivityFilter) -> str:
    parts: list[str] = []
    if filt.starts_from and filt.starts_before:
        last = filt.starts_before - timedelta(days=1)
        if (filt.starts_from.year, filt.starts_from.month) == (last.year, last.month) and filt.starts_from.day == 1:
            parts.append(f"starting in {filt.starts_from:%B %Y}")
        else:
            parts.append(f"starting {filt.starts_from:%d %b %Y} to {last:%d %b %Y}")
    elif filt.starts_from:
        parts.append(f"starting from {filt.starts_from:%d %b %Y}")
    elif filt.starts_before:
        parts.append(f"starting before {filt.starts_before:%d %b %Y}")
    if filt.line_manager_state is LineManagerState.PENDING:
        parts.append("awaiting the line manager")
    elif filt.line_manager_state is not None:
        parts.append(f"line manager: {filt.line_manager_state.value}")
    if filt.cpd_team_state is CpdTeamState.PENDING:
        parts.append("awaiting the CPD team")
    elif filt.cpd_team_state is not None:
        parts.append(f"CPD team: {filt.cpd_team_state.value}")
    if filt.completion_state is CompletionState.COMPLETED:
        parts.append("completed")
    elif filt.completion_state is not None:
        parts.append(filt.completion_state.value.replace("_", " "))
    if filt.without_evaluation:
        parts.append("without an evaluation")
    return ", ".join(parts)
