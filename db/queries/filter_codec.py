"""An activity filter as plain JSON data, for remembered filters and saved views.

Reading is forgiving: a key that is missing or unreadable becomes "any", so a
view saved by an older or newer TrustDesk still opens.  A period can be stored
as ``"current"``: a view named "this period" then follows the calendar instead
of pointing at last year for ever.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from db.models import CompletionState, CpdTeamState, LineManagerState, PartnershipState
from db.queries.activities import SORT_COLUMNS, ActivityFilter

CURRENT_PERIOD = "current"


def filter_to_data(filt: ActivityFilter, current_period_id: int | None = None) -> dict[str, Any]:
    """``current_period_id``: store that period as "current" rather than by its id."""
    period: int | str | None = filt.period_id
    if period is not None and period == current_period_id:
        period = CURRENT_PERIOD
    return {
        "period_id": period,
        "organisation_id": filt.organisation_id,
        "person_id": filt.person_id,
        "partnership_state": filt.partnership_state.value if filt.partnership_state else None,
        "line_manager_state": filt.line_manager_state.value if filt.line_manager_state else None,
        "cpd_team_state": filt.cpd_team_state.value if filt.cpd_team_state else None,
        "training_event_id": filt.training_event_id,
        "completion_state": filt.completion_state.value if filt.completion_state else None,
        "without_evaluation": filt.without_evaluation,
        "pending_started": filt.pending_started,
        "starts_from": filt.starts_from.isoformat() if filt.starts_from else None,
        "starts_before": filt.starts_before.isoformat() if filt.starts_before else None,
        "flood_fill_batch_id": filt.flood_fill_batch_id,
        "search": filt.search,
        "sort": filt.sort,
        "descending": filt.descending,
    }


def filter_from_data(data: Any, current_period_id: int | None = None) -> ActivityFilter:
    """The filter ``data`` describes; anything unreadable in it means "any"."""
    if not isinstance(data, dict):
        return ActivityFilter(period_id=current_period_id)

    def _int(key: str) -> int | None:
        value = data.get(key)
        if value == CURRENT_PERIOD and key == "period_id":
            return current_period_id
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def _enum(key: str, kind: Callable[[str], Any]) -> Any:
        try:
            return kind(data[key]) if data.get(key) else None
        except ValueError:
            return None

    def _date(key: str) -> date | None:
        try:
            return date.fromisoformat(data[key]) if isinstance(data.get(key), str) else None
        except ValueError:
            return None

    sort = data.get("sort")
    filt = ActivityFilter(
        period_id=_int("period_id"),
        organisation_id=_int("organisation_id"),
        person_id=_int("person_id"),
        partnership_state=_enum("partnership_state", PartnershipState),
        line_manager_state=_enum("line_manager_state", LineManagerState),
        cpd_team_state=_enum("cpd_team_state", CpdTeamState),
        training_event_id=_int("training_event_id"),
        completion_state=_enum("completion_state", CompletionState),
        without_evaluation=data.get("without_evaluation") is True,
        pending_started=data.get("pending_started") is True,
        starts_from=_date("starts_from"),
        starts_before=_date("starts_before"),
        flood_fill_batch_id=_int("flood_fill_batch_id"),
        search=data["search"] if isinstance(data.get("search"), str) else "",
        sort=sort if isinstance(sort, str) and sort in SORT_COLUMNS else "start",
        descending=data.get("descending", True) is not False,
    )
    return filt


def without_search(filt: ActivityFilter) -> ActivityFilter:
    return replace(filt, search="")
