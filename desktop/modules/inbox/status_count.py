"""The status bar's "3 to decide": how much awaits the signed-in user, one click from My inbox.

Counted in the background (``ops.query``) at start and whenever activities, data sharing or users
change; changes that arrive while a count is running ask for one more count afterwards, never a pile.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton, QWidget

from db.changes import DataChange
from db.queries.activities import ACTIVITIES
from db.queries.data_sharing import DATA_SHARING
from db.queries.inbox import InboxCounts, inbox_counts
from db.queries.users import USERS
from desktop.kit.context import AppContext
from desktop.kit.icons import icon

COUNTED = frozenset({ACTIVITIES, DATA_SHARING, USERS})


class InboxCount(QToolButton):
    def __init__(self, context: AppContext, open_inbox: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("inbox_count")
        self.setAutoRaise(True)
        self.setIcon(icon("check"))
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setText("…")
        self.setToolTip("What awaits your decision: open My inbox")
        self.counts: InboxCounts | None = None
        self._running = False
        self._again = False
        self.clicked.connect(open_inbox)
        context.bus.changed.connect(self._on_changed)
        context.navigator.after_first_view(self.recount, self)  # not before the first rows

    def recount(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: inbox_counts(db, user_id), self._counted, self._failed)

    def _counted(self, counts: InboxCounts) -> None:
        self.counts = counts
        self.setText(counts.text)
        self.setToolTip(
            f"As line manager {counts.line_manager:,}, CPD team {counts.cpd_team:,}, partnership "
            f"{counts.partnership:,}, data sharing {counts.data_sharing:,}: open My inbox"
        )
        self._finished()

    def _failed(self, _error: object) -> None:
        self.setText("To decide: ?")
        self._finished()

    def _finished(self) -> None:
        self._running = False
        if self._again:
            self._again = False
            self.recount()

    def _on_changed(self, change: DataChange) -> None:
        if change.kind in COUNTED:
            self.recount()
