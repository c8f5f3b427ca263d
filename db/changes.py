"""What a service changed, so that each panel can decide whether to refresh."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TypeAlias

#: a module's name for what it changes ("activities", "budgets" …)
ChangeKind: TypeAlias = str


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
    kind: ChangeKind
    ids: frozenset[int] = field(default_factory=frozenset)
