"""Undo a decision batch (C4): shared by the result dialog and "Recent decisions"."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from db.errors import TrustDeskError
from db.services.decisions import RevertResult, revert_batch
from desktop.kit.context import AppContext
from desktop.kit.ops import Operation


def start_undo(
    context: AppContext,
    batch_id: int,
    parent: QWidget | None,
    on_done: Callable[[RevertResult], None],
    on_failed: Callable[[TrustDeskError], None],
) -> Operation:
    """Revert the batch off the UI thread and report back (the operation publishes what changed)."""
    db, user_id = context.db, context.user.id

    def done(result: RevertResult) -> None:
        context.navigator.tell(f"Undid the decision on {len(result.restored):,} activities.")
        on_done(result)

    return context.ops.action(
        lambda progress: revert_batch(db, user_id, batch_id, progress=progress),
        done,
        on_failed,
        title="Undoing the decision…",
        progress_dialog=True,
        parent=parent,
    )
