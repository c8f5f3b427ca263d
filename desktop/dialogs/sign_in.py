"""Signing in: choose who you are and, on a SQLite file outside the demo, prove it with your password (A3).

The sign-in itself runs off the UI thread (it checks a slow hash and writes the wrong-password
count); a refusal is shown in the dialog, which stays open with the list as it was.  On the demo
trust the dialog says plainly that there are no passwords; on a shared database there is no
dialog at all (the connection's own login decides).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from db.engine import Database
from db.errors import TrustDeskError
from db.queries.sign_in import SignInMode, must_set_password
from db.queries.users import UserRow
from db.services.sign_in import sign_in
from desktop.kit.ops import Operations
from resources_qt.style import set_warning

Index = QModelIndex | QPersistentModelIndex

DEMO_NOTE = (
    "<b>Demo trust — no passwords.</b> Choose any of its sample users: the people and schools are "
    "fictional, so nobody needs to prove who they are here."
)
FIRST_PASSWORD_NOTE = (
    "<b>Nobody has a password on this file yet.</b> Its primary user signs in without one and sets theirs "
    "straight away; then they set everyone else's."
)


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: UserRow
    #: the first sign-in to a file made before passwords: they set theirs before the window opens
    must_set_password: bool


def signed_in(db: Database, username: str, password: str) -> SignedIn:
    """The sign-in and what must follow it, in one piece of background work."""
    user = sign_in(db, username, password)
    return SignedIn(user, must_set_password(db, user.id))


class UserListModel(QAbstractListModel):
    def __init__(self, users: list[UserRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._users = users

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._users)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._users):
            return None
        user = self._users[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{user.display_name}  ({user.username})\n{user.roles}"
        if role == Qt.ItemDataRole.UserRole:
            return user
        return None


class SignInDialog(QDialog):
    """Accepted once the sign-in succeeded: ``result`` then says who, and whether they must set a password."""

    def __init__(
        self,
        db: Database,
        ops: Operations,
        users: list[UserRow],
        mode: SignInMode,
        preselect: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._ops, self.mode = db, ops, mode
        self.result_: SignedIn | None = None
        self.setWindowTitle("Sign in to TrustDesk")
        self.setMinimumSize(520, 400)
        layout = QVBoxLayout(self)
        ask = "Choose your name and type your password." if mode is SignInMode.PASSWORD else "Who is using TrustDesk?"
        intro = QLabel(f"{ask}\nDatabase: {db.display}")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.note = QLabel(DEMO_NOTE if mode is SignInMode.DEMO else FIRST_PASSWORD_NOTE)
        self.note.setObjectName("sign_in_note")
        self.note.setWordWrap(True)
        self.note.setVisible(mode in (SignInMode.DEMO, SignInMode.FIRST_PASSWORD))
        layout.addWidget(self.note)
        self.model = UserListModel(users, self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setSpacing(2)
        layout.addWidget(self.view, 1)

        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Your TrustDesk password")
        self.password.returnPressed.connect(self._sign_in)
        self.password_label = QLabel("&Password:")
        self.password_label.setBuddy(self.password)
        form.addRow(self.password_label, self.password)
        self.password.setVisible(mode is SignInMode.PASSWORD)
        self.password_label.setVisible(mode is SignInMode.PASSWORD)
        layout.addLayout(form)

        self.error = QLabel()
        self.error.setObjectName("sign_in_error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText("Sign in")
        self.buttons.accepted.connect(self._sign_in)
        self.buttons.rejected.connect(self.reject)
        self.view.doubleClicked.connect(self._chosen_by_double_click)
        layout.addWidget(self.buttons)
        row = next((i for i, user in enumerate(users) if user.username == preselect), 0)
        if users:
            self.view.setCurrentIndex(self.model.index(row))
        self.view.selectionModel().currentChanged.connect(self._user_changed)
        if mode is SignInMode.PASSWORD and any(user.username == preselect for user in users):
            self.password.setFocus()
        else:
            self.view.setFocus()

    @property
    def chosen(self) -> UserRow | None:
        index = self.view.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None

    @property
    def signed_in(self) -> SignedIn | None:
        return self.result_

    def _user_changed(self) -> None:
        self.password.clear()
        self.error.hide()

    def _chosen_by_double_click(self) -> None:
        if self.mode is SignInMode.PASSWORD:
            self.password.setFocus()  # a double click chooses the user; the password proves it
        else:
            self._sign_in()

    def _sign_in(self) -> None:
        user = self.chosen
        if user is None:
            self._refused(TrustDeskError("Choose who you are in the list."))
            return
        if not self.sign_in_button.isEnabled():
            return  # already signing in
        password = self.password.text() if self.mode is SignInMode.PASSWORD else ""
        if self.mode is SignInMode.PASSWORD and not password:
            self._refused(TrustDeskError(f"Enter the password of {user.display_name}."))
            return
        self.sign_in_button.setEnabled(False)
        self.error.setText("Signing in…")
        set_warning(self.error, False)
        self.error.show()
        db = self._db
        self._ops.action(
            lambda _progress: signed_in(db, user.username, password),
            self._succeeded,
            self._refused,
            title="Signing in…",
        )

    def _succeeded(self, result: SignedIn) -> None:
        self.result_ = result
        self.error.hide()
        self.accept()

    def _refused(self, error: TrustDeskError) -> None:
        self.sign_in_button.setEnabled(True)
        self.error.setText(error.message)
        set_warning(self.error, True)
        self.error.show()
        if self.mode is SignInMode.PASSWORD:
            self.password.clear()
            self.password.setFocus()
