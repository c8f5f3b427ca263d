"""The filter bar's "Follow-up" box: what needs chasing after a request (C2, C6, DB1).

Two lists a CPD lead works through: completed activities nobody has evaluated
yet, and requests still awaiting authorisation on or after their start date
(nobody decided them in time).  Both are plain conditions of
``ActivityFilter``, answered in SQL like every other filter.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QComboBox

from db.models import CompletionState
from db.queries.activities import ActivityFilter

NO_EVALUATION = "no_evaluation"
PENDING_STARTED = "pending_started"
CHOICES = (
    ("Any follow-up", None),
    ("Completed without evaluation", NO_EVALUATION),
    ("Pending and already started", PENDING_STARTED),
)


def follow_up_box() -> QComboBox:
    box = QComboBox()
    for label, key in CHOICES:
        box.addItem(label, key)
    box.setToolTip(
        "Completed without evaluation: completed activities with no evaluation recorded yet.\n"
        "Pending and already started: requests nobody authorised or rejected before their start date."
    )
    return box


def follow_up_of(filt: ActivityFilter) -> str | None:
    if filt.pending_started:
        return PENDING_STARTED
    if filt.without_evaluation and filt.completion_state is CompletionState.COMPLETED:
        return NO_EVALUATION
    return None


def with_follow_up(filt: ActivityFilter, key: str | None) -> ActivityFilter:
    """``filt`` narrowed to the chosen follow-up list, or with the box's own conditions cleared."""
    if key == NO_EVALUATION:
        return replace(filt, completion_state=CompletionState.COMPLETED, without_evaluation=True, pending_started=False)
    if key == PENDING_STARTED:
        cleared = replace(filt, without_evaluation=False, pending_started=True)
        return replace(cleared, completion_state=None) if follow_up_of(filt) == NO_EVALUATION else cleared
    if follow_up_of(filt) == NO_EVALUATION:
        return replace(filt, completion_state=None, without_evaluation=False, pending_started=False)
    return replace(filt, pending_started=False)
