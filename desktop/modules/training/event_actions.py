"""What whoever runs an event does to it from the panel: publish, unpublish, cancel, and open its CPD requests.

A mixin of ``TrainingPanel``, kept apart so the panel file holds the list and the detail.  Each action
asks first (``confirm`` and ``ask_reason``, which tests replace), runs its service off the UI thread,
says in the status bar what happened and follows the event to the list it now belongs in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from db.queries.activities import ActivityFilter
from db.queries.training_event_detail import EventDetail
from db.services.training_events import cancel_event, publish_event, unpublish_event
from desktop.dialogs.errors import show_error

if TYPE_CHECKING:
    from desktop.kit.context import AppContext


class EventActions:
    """Needs ``context``, ``detail`` and ``show_event`` from the panel it is mixed into."""

    context: AppContext
    detail: EventDetail | None

    if TYPE_CHECKING:

        def show_event(self, value: object) -> None: ...

    def _widget(self) -> QWidget:
        return cast(QWidget, self)

    def open_activities(self) -> None:
        """Partnership CPD showing the requests linked to this event (the booked places' activities)."""
        if self.detail is not None:
            self.context.navigator.go("activities", ActivityFilter(training_event_id=self.detail.id))

    def _done(self, event_id: int, message: str) -> None:
        """Say what happened and follow the event to the list it now belongs in (drafts, upcoming, cancelled)."""
        self.context.navigator.tell(message)
        self.show_event(event_id)

    def confirm(self, title: str, text: str) -> bool:
        """Whether the user goes ahead (tests replace this)."""
        return QMessageBox.question(self._widget(), title, text) == QMessageBox.StandardButton.Yes

    def ask_reason(self, detail: EventDetail) -> str | None:
        """Why the event is cancelled, or None if the user thought better of it (tests replace this)."""
        text, accepted = QInputDialog.getText(
            self._widget(), "Cancel event", f"Why is “{detail.title}” cancelled? Everyone booked or waiting is told:"
        )
        return text if accepted else None

    def publish(self) -> None:
        detail = self.detail
        told = "its notify targets' staff" if detail and detail.targets else "every member organisation's staff"
        if detail is None or not self.confirm(
            "Publish event", f"Show “{detail.title}” to every member organisation and tell {told}?"
        ):
            return
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _progress: publish_event(db, user_id, detail.id, detail.version),
            lambda result: self._done(detail.id, f"Published “{detail.title}”; {result.told:,} people told."),
            lambda error: show_error(self._widget(), error),
            title="Publishing…",
            origin=self._widget(),
        )

    def unpublish(self) -> None:
        detail = self.detail
        if detail is None or not self.confirm(
            "Unpublish event", f"Hide “{detail.title}” from the member organisations again (back to a draft)?"
        ):
            return
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _progress: unpublish_event(db, user_id, detail.id, detail.version),
            lambda _none: self._done(detail.id, f"“{detail.title}” is a draft again."),
            lambda error: show_error(self._widget(), error),
            title="Unpublishing…",
            origin=self._widget(),
        )

    def cancel(self) -> None:
        detail = self.detail
        reason = None if detail is None else self.ask_reason(detail)
        if detail is None or reason is None:
            return
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _progress: cancel_event(db, user_id, detail.id, detail.version, reason),
            lambda result: self._done(
                detail.id,
                f"Cancelled “{detail.title}”: {result.told:,} people told, {result.withdrawn:,} activities withdrawn.",
            ),
            lambda error: show_error(self._widget(), error),
            title="Cancelling the event…",
            origin=self._widget(),
        )
