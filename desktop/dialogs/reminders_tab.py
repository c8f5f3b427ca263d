"""Trust settings › Reminders: how many days before a request starts its deciders are reminded, and the
days after sending on which a pending data sharing request is reminded.

Saved on its own button through the operations helper; the service refuses a change made over
settings someone else changed since they were shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from db.errors import TrustDeskError
from db.queries.trust_settings import TrustSettings
from db.reminder_settings import MAX_DAYS, ReminderSettings
from db.services.trust_settings import set_reminder_settings
from desktop.dialogs.academic_year_tab import hint
from desktop.kit.context import AppContext
from desktop.kit.icons import icon


class RemindersTab(QWidget):
    def __init__(
        self,
        context: AppContext,
        failed: Callable[[TrustDeskError], None],
        while_open: Callable[[Callable[[Any], None]], Callable[[Any], None]],
    ) -> None:
        super().__init__()
        self.context = context
        self._failed, self._while_open = failed, while_open
        self.shown: ReminderSettings | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.days_spin = QSpinBox()
        self.days_spin.setObjectName("reminder_days_before")
        self.days_spin.setRange(0, MAX_DAYS)
        self.days_spin.setSuffix(" days")
        self.days_spin.setMaximumWidth(120)
        form.addRow("Remind deciders from", self.days_spin)
        form.addRow(
            "",
            hint(
                "before a request starts, and each day after until it starts or is decided: whoever has not "
                "decided yet (its line manager, the school's CPD team, the partnership) gets one e-mail a day "
                "listing all of theirs."
            ),
        )
        self.schedule_edit = QLineEdit()
        self.schedule_edit.setObjectName("data_sharing_reminder_days")
        self.schedule_edit.setPlaceholderText("e.g. 7, 14, 28")
        self.schedule_edit.setMaximumWidth(240)
        form.addRow("Data sharing reminders on day", self.schedule_edit)
        form.addRow(
            "",
            hint(
                "Days after a data sharing request was sent on which it is reminded while it is pending, separated "
                "by commas. Leave empty for no automatic reminders (Data sharing › Remind still works)."
            ),
        )
        layout.addLayout(form)
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = QPushButton(icon("edit"), "Save reminders")
        self.save_button.setObjectName("save_reminders")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        layout.addWidget(
            hint(
                "Reminders go out once a day, when TrustDesk first starts that day on this database, or from a "
                "scheduled task: trustdesk notify remind --as USER. Nobody is reminded twice of the same thing "
                "on the same day."
            )
        )
        layout.addStretch(1)
        self.set_editable(False)  # until the settings are read and say the user may change them

    def show_settings(self, settings: TrustSettings) -> None:
        """Show what is stored, keeping what the user is typing unless it was saved or never touched."""
        shown, stored = self.shown, settings.reminders
        if shown is None or self.days_spin.value() == shown.days_before_start:
            self.days_spin.setValue(stored.days_before_start)
        if shown is None or not self.schedule_edit.isModified():
            self.schedule_edit.setText(stored.schedule_text)
            self.schedule_edit.setModified(False)
        self.shown = stored
        self.set_editable(settings.can_edit)

    def set_editable(self, editable: bool) -> None:
        for widget in (self.days_spin, self.schedule_edit, self.save_button):
            widget.setEnabled(editable)

    def save(self) -> None:
        if self.shown is None:
            return
        db, user_id, shown = self.context.db, self.context.user.id, self.shown
        days, schedule = self.days_spin.value(), self.schedule_edit.text()
        self.schedule_edit.setModified(False)
        self.context.ops.action(
            lambda _progress: set_reminder_settings(db, user_id, days, schedule, shown),
            self._while_open(lambda saved: self.context.navigator.tell(_saved_text(saved))),
            self._while_open(self._failed),
            title="Saving the reminder settings…",
            origin=self,
        )


def _saved_text(saved: ReminderSettings) -> str:
    sharing = f"data sharing after {saved.schedule_text} days" if saved.sharing_schedule else "no data sharing ones"
    return f"Reminders saved: {saved.days_before_start} days before a request starts; {sharing}."
