"""Add user… and Edit user…: username, full name, e-mail, and the job they are linked to (or none).

A user linked to their job never decides their own requests (C3); one who
stands alone (a finance officer, a head known from GIAS before any staff are
imported) has no job.  A refusal is shown in one sentence and the dialog stays
open with everything typed, so nothing is lost.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import StaleData, TrustDeskError, ValidationError
from db.progress import Progress
from db.queries.user_admin import AdminUserRow, list_admin_users
from db.services.users import UserDetails, add_user, edit_user
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.modules.users_roles.job_picker import JobPicker


class UserDialog(QDialog):
    """``saved(user_id)`` once the service has added or changed the user; then the dialog closes."""

    saved = Signal(int)

    def __init__(self, context: AppContext, row: AdminUserRow | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.row = row
        self.running = False
        self.setWindowTitle("Edit user" if row else "Add user")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit(row.username if row else "")
        self.username.setPlaceholderText("for example jane.smith")
        self.username.setReadOnly(row is not None)
        if row is not None:
            self.username.setToolTip("The username stays: it is how the audit log names the user.")
        self.full_name = QLineEdit(row.display_name if row else "")
        self.email = QLineEdit((row.email or "") if row else "")
        self.email.setPlaceholderText("optional")
        form.addRow("&Username:", self.username)
        form.addRow("&Full name:", self.full_name)
        form.addRow("&E-mail:", self.email)
        layout.addLayout(form)

        self.linked = QRadioButton("&Linked to their job (they never decide their own requests)")
        self.alone = QRadioButton("&Stands alone, without a job (for example a finance officer)")
        choice = QButtonGroup(self)
        choice.addButton(self.linked)
        choice.addButton(self.alone)
        layout.addWidget(self.linked)
        self.jobs = JobPicker(context)
        layout.addWidget(self.jobs, 1)
        layout.addWidget(self.alone)
        if row is not None and row.job_id is not None:
            self.jobs.set_job(row.job_id, row.job)
        (self.linked if row is None or row.job_id is not None else self.alone).setChecked(True)
        self.linked.toggled.connect(self.jobs.setEnabled)
        self.jobs.setEnabled(self.linked.isChecked())
        self.hint = QLabel("A new user has no grants and no password yet: give them a role next.")
        self.hint.setWordWrap(True)
        self.hint.setVisible(row is None)
        layout.addWidget(self.hint)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        (self.full_name if row else self.username).setFocus()
        if row is None or row.job_id is None:
            self.jobs.run_search()  # the first jobs, so the list is not empty before anything is typed

    def details(self) -> UserDetails:
        return UserDetails(
            username=self.username.text(),
            display_name=self.full_name.text(),
            email=self.email.text() or None,
            job_id=self.jobs.job_id if self.linked.isChecked() else None,
        )

    def submit(self) -> None:
        if self.running:
            return
        if self.linked.isChecked() and self.jobs.job_id is None:
            show_error(self, ValidationError("Choose the user's job from the list, or say they stand alone."))
            self.jobs.search.setFocus()
            return
        self.running = True
        self.buttons.setEnabled(False)
        db, acting, details, row = self.context.db, self.context.user.id, self.details(), self.row

        def work(_progress: Progress) -> int:
            if row is None:
                return add_user(db, acting, details)
            edit_user(db, acting, row.id, row.version, details)
            return row.id

        self.context.ops.action(
            work,
            self._done,
            self._failed,
            title="Saving the user…",
            parent=self,
            origin=self,
        )

    def _done(self, user_id: int) -> None:
        self.running = False
        self.saved.emit(user_id)
        self.accept()

    def _failed(self, error: TrustDeskError) -> None:
        self.running = False
        self.buttons.setEnabled(True)
        show_error(self, error)  # the dialog stays open with what was typed
        if isinstance(error, StaleData) and self.row is not None:
            self._reload_version(self.row.id)

    def _reload_version(self, user_id: int) -> None:
        """Someone else changed the user meanwhile: after saying so, Save applies what was typed to the new version."""
        db, acting = self.context.db, self.context.user.id

        def found(rows: list[AdminUserRow]) -> None:
            self.row = next((row for row in rows if row.id == user_id), self.row)

        self.context.ops.query(lambda: list_admin_users(db, acting), found)
