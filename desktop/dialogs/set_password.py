"""Setting a password: your own (first sign-in, or File › Change my password…) or, for a primary user,
someone else's (A3).

The weakness rules are plain Python (``db.passwords``), so the reason a password is too weak shows
under the field as it is typed; saving goes through ``db.services.passwords.set_password`` off the
UI thread, and a refusal stays in the dialog with what was typed.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from db.engine import Database
from db.errors import TrustDeskError
from db.passwords import password_problem
from db.queries.users import UserRow, list_users
from db.services.passwords import set_password
from desktop.kit.context import AppContext
from desktop.kit.ops import Operations
from resources_qt.style import set_warning


class SetPasswordDialog(QDialog):
    """Accepted once the new password is saved."""

    def __init__(
        self,
        db: Database,
        ops: Operations,
        acting: UserRow,
        target: UserRow,
        *,
        ask_current: bool,
        intro: str = "",
        choices: list[UserRow] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``choices``: a primary user picks whose password to set (``target`` is chosen first)."""
        super().__init__(parent)
        self._db, self._ops, self._acting, self._target = db, ops, acting, target
        own = acting.id == target.id
        if choices:
            self.setWindowTitle("Set a user's password")
        else:
            self.setWindowTitle("Set your password" if own else f"Set the password of {target.display_name}")
        self.setMinimumWidth(500)
        layout = QVBoxLayout(self)
        text = intro or (
            "Choose a password of at least 10 characters that you use nowhere else: three random words work well."
            if own
            else "Choose a password of at least 10 characters and give it to them in person; they can change it "
            "with File › Change my password…."
        )
        heading = QLabel(f"<b>{self.windowTitle()}</b><p>{text}</p>")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        form = QFormLayout()
        self.user_choice = QComboBox()
        self._choices = choices or []
        if choices:
            for user in choices:
                self.user_choice.addItem(f"{user.display_name} ({user.username})")
            self.user_choice.setCurrentIndex(next((i for i, u in enumerate(choices) if u.id == target.id), 0))
            self.user_choice.currentIndexChanged.connect(self._user_chosen)
            form.addRow("&User:", self.user_choice)
        self.current = self._password_field("current")
        if ask_current:
            form.addRow("&Current password:", self.current)
        self.new = self._password_field("new_password")
        self.repeat = self._password_field("repeat_password")
        form.addRow("&New password:", self.new)
        form.addRow("&Repeat it:", self.repeat)
        layout.addLayout(form)
        self.problem = QLabel()
        self.problem.setObjectName("password_problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.save_button.setText("Set password")
        self.buttons.accepted.connect(self._save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._ask_current = ask_current
        self.new.textEdited.connect(self._typed)
        self.repeat.textEdited.connect(self._typed)
        (self.current if ask_current else self.new).setFocus()

    def _user_chosen(self, row: int) -> None:
        self._target = self._choices[row]
        self.new.clear()
        self.repeat.clear()
        self.problem.hide()

    @staticmethod
    def _password_field(name: str) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName(name)
        field.setEchoMode(QLineEdit.EchoMode.Password)
        return field

    def _weakness(self) -> str | None:
        new, repeat = self.new.text(), self.repeat.text()
        problem = password_problem(new, self._target.username, self._target.display_name)
        if problem is None and repeat and new != repeat:
            return "The two new passwords are not the same: type it again in both fields."
        return problem

    def _typed(self) -> None:
        """The reason, as soon as there is enough to judge (not after the first letter)."""
        if not self.new.text():
            self.problem.hide()
            return
        self._say(self._weakness() or "", warning=True)

    def _say(self, text: str, *, warning: bool) -> None:
        self.problem.setText(text)
        set_warning(self.problem, warning)
        self.problem.setVisible(bool(text))

    def _save(self) -> None:
        if not self.save_button.isEnabled():
            return
        if self._ask_current and not self.current.text():
            self._refused(TrustDeskError("Enter your current password first."))
            self.current.setFocus()
            return
        problem = self._weakness()
        if problem is None and self.new.text() != self.repeat.text():
            problem = "Type the new password again in “Repeat it”."
        if problem:
            self._refused(TrustDeskError(problem))
            return
        db, acting, target = self._db, self._acting.id, self._target.id
        new, current = self.new.text(), (self.current.text() if self._ask_current else None)
        self.save_button.setEnabled(False)
        self._say("Saving…", warning=False)
        self._ops.action(
            lambda _progress: set_password(db, acting, target, new, current),
            lambda _result: self.accept(),
            self._refused,
            title="Setting the password…",
        )

    def _refused(self, error: TrustDeskError) -> None:
        self.save_button.setEnabled(True)
        self._say(error.message, warning=True)


# -- the File menu's two entries -------------------------------------------------------------------------
def change_own_password(context: AppContext, window: QMainWindow) -> None:
    """File › Change my password…: the current one first."""
    dialog = SetPasswordDialog(context.db, context.ops, context.user, context.user, ask_current=True, parent=window)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        window.statusBar().showMessage("Your password was changed.", 10_000)


def set_a_users_password(context: AppContext, window: QMainWindow) -> None:
    """File › Set a user's password… (primary users): choose whose, type it twice, hand it over in person."""
    db = context.db

    def chosen(users: list[UserRow]) -> None:
        others = [user for user in users if user.id != context.user.id]
        if not others:
            window.statusBar().showMessage("There are no other users yet.", 10_000)
            return
        dialog = SetPasswordDialog(
            context.db, context.ops, context.user, others[0], ask_current=False, choices=others, parent=window
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            window.statusBar().showMessage("The password was set: give it to them in person.", 10_000)

    context.ops.query(lambda: list_users(db), chosen)
