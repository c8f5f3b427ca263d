"""What a service changed, so that each panel can decide whether to refresh.

A committed action (``db.actions``) adds its changes to the journal of the
thread it ran on; ``recorded`` collects them for whoever ran the work — the
desktop's operation helper, which publishes them. This module imports neither
SQLAlchemy nor Qt: the window imports it before the database layer is loaded.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeAlias, TypeVar

R = TypeVar("R")

#: a module's name for what it changes ("activities", "budgets" …), declared by the module's db side
#: (``ACTIVITIES`` in db/queries/activities.py …) and watched by name in its manifest
ChangeKind: TypeAlias = str


@dataclass(frozen=True)
class DataChange:
    kind: ChangeKind
    ids: frozenset[int] = field(default_factory=frozenset)
    #: the widget whose action made the change (set by the desktop's operation helper), so it can
    #: skip a reload it has already done; never compared
    origin: object = field(default=None, compare=False)


_local = threading.local()


def journal_changes(changes: Iterable[DataChange]) -> None:
    """Called by a committed action; kept only while someone is ``recorded``-ing on this thread."""
    journal: list[DataChange] | None = getattr(_local, "journal", None)
    if journal is not None:  # else a command-line run or a test: nobody listens
        journal.extend(changes)


@dataclass(frozen=True)
class Recorded:
    """A service's result and what it changed."""

    result: Any
    changes: tuple[DataChange, ...]


def recorded(work: Callable[[], R]) -> Recorded:
    """Run ``work`` (one or more services) and collect what their committed actions changed."""
    outer = getattr(_local, "journal", None)
    journal: list[DataChange] = []
    _local.journal = journal
    try:
        result = work()
    finally:
        _local.journal = outer
    if outer is not None:
        outer.extend(journal)
    return Recorded(result, tuple(journal))
