"""Choosing who is acting: every app user of the open database.

There are no passwords on a personal SQLite file (the laptop's own login
protects it); on a shared database the connection's login decides instead.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QListView, QVBoxLayout, QWidget

from db.queries.users import UserRow

Index = QModelIndex | QPersistentModelIndex


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
    def __init__(self, users: list[UserRow], database: str, last_username: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Sign in to TrustDesk")
        self.setMinimumSize(520, 360)
        layout = QVBoxLayout(self)
        intro = QLabel(f"Who is using TrustDesk?\nDatabase: {database}")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.model = UserListModel(users, self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(True)
        self.view.setSpacing(2)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.view.doubleClicked.connect(self.accept)
        layout.addWidget(buttons)
        row = next((i for i, user in enumerate(users) if user.username == last_username), 0)
        if users:
            self.view.setCurrentIndex(self.model.index(row))
        self.view.setFocus()

    @property
    def chosen(self) -> UserRow | None:
        index = self.view.currentIndex()
        return index.data(Qt.ItemDataRole.UserRole) if index.isValid() else None
