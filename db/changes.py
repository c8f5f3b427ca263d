"""What a service changed, so that each panel can decide whether to refresh."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Kind(enum.StrEnum):
    ACTIVITIES = "activities"
    ORGANISATIONS = "organisations"
    JOBS = "jobs"
    GROUPS = "groups"
    BUDGETS = "budgets"
    FLOOD_FILLS = "flood_fills"
    SHARING = "sharing"


@dataclass(frozen=True)
class DataChange:
    kind: Kind
    ids: frozenset[int] = field(default_factory=frozenset)
