"""File › Connect to database…: a SQLite file on this computer, or a shared PostgreSQL server.

On a server each person connects with their own database login (that login is
who they are in TrustDesk and in the audit log).  The password goes to the
system keyring when one is available and the box is ticked — never to the
settings file; without a keyring it is asked for every time.

A file must already be a database: a mistyped path is said in the dialog, and
never becomes a new, empty database (new trust databases are made by the
welcome dialog at first start, demo databases by ``trustdesk demo``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.engine import DatabaseTarget
from db.errors import DatabaseOpenError
from desktop import passwords, recent_databases

DEFAULT_PORT = 5432


class ConnectDialog(QDialog):
    def __init__(self, settings: QSettings, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Connect to database")
        self.setMinimumWidth(560)
        self.target: DatabaseTarget | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(f"Open now: {current}")
        intro.setWordWrap(True)
        layout.addWidget(intro)

        self.recent_box = QComboBox()
        self.recent_box.addItem("Recent databases…", None)
        for address in recent_databases.recent(settings):
            self.recent_box.addItem(address, address)
        self.recent_box.activated.connect(self._recent_chosen)
        layout.addWidget(self.recent_box)

        self.file_choice = QRadioButton("A file on this computer (just me)")
        self.server_choice = QRadioButton("A shared PostgreSQL server (the whole team)")
        layout.addWidget(self.file_choice)
        file_row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("trust.sqlite")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(browse)
        self.file_group = QWidget()
        self.file_group.setLayout(file_row)
        layout.addWidget(self.file_group)

        layout.addWidget(self.server_choice)
        self.server_group = QGroupBox()
        form = QFormLayout(self.server_group)
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("db.trust.example")
        self.port_box = QSpinBox()
        self.port_box.setRange(1, 65535)
        self.port_box.setValue(DEFAULT_PORT)
        self.database_edit = QLineEdit("trustdesk")
        self.login_edit = QLineEdit()
        self.login_edit.setPlaceholderText("your own database login")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember_box = QCheckBox("Remember the password in the system keyring")
        self.keyring = passwords.keyring_available()
        if not self.keyring:
            self.remember_box.setEnabled(False)
            self.remember_box.setText("No system keyring here: the password is asked for each time")
        self.remember_box.setChecked(self.keyring)
        form.addRow("Server", self.host_edit)
        form.addRow("Port", self.port_box)
        form.addRow("Database", self.database_edit)
        form.addRow("Login", self.login_edit)
        form.addRow("Password", self.password_edit)
        form.addRow("", self.remember_box)
        layout.addWidget(self.server_group)

        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.file_choice.toggled.connect(self._kind_changed)
        self.server_choice.setChecked(True)
        self.file_choice.setChecked(not current.startswith("postgresql"))
        if current.startswith("postgresql"):
            self._fill(current)
        self._kind_changed()

    # -- filling ---------------------------------------------------------------------
    def _kind_changed(self) -> None:
        self.file_group.setEnabled(self.file_choice.isChecked())
        self.server_group.setEnabled(self.server_choice.isChecked())

    def _recent_chosen(self, index: int) -> None:
        address = self.recent_box.itemData(index)
        if address:
            self._fill(address)

    def _fill(self, address: str) -> None:
        try:
            target = DatabaseTarget.parse(address)
        except DatabaseOpenError:
            return
        if target.sqlite_path is not None:
            self.file_choice.setChecked(True)
            self.path_edit.setText(str(target.sqlite_path))
            return
        url = target.url
        self.server_choice.setChecked(True)
        self.host_edit.setText(url.host or "")
        self.port_box.setValue(url.port or DEFAULT_PORT)
        self.database_edit.setText(url.database or "")
        self.login_edit.setText(url.username or "")
        stored = passwords.load_password(
            url.username or "", url.host or "", url.port or DEFAULT_PORT, url.database or ""
        )
        self.password_edit.setText(stored or "")

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a TrustDesk database", self.path_edit.text(), "TrustDesk database (*.sqlite);;All files (*)"
        )
        if name:
            self.path_edit.setText(name)

    # -- result ------------------------------------------------------------------------
    def _chosen_file(self) -> Path:
        return Path(self.path_edit.text().strip()).expanduser()

    def _problem(self) -> str | None:
        if self.file_choice.isChecked():
            if not self.path_edit.text().strip():
                return "Choose a database file."
            path = self._chosen_file()
            if path.is_dir():
                return f"{path} is a folder; choose the database file in it."
            if not path.is_file():
                return f"There is no database file at {path}. Check the folder and the name (Browse… finds it)."
            return None
        missing = [
            label
            for label, edit in (
                ("server", self.host_edit),
                ("database", self.database_edit),
                ("login", self.login_edit),
            )
            if not edit.text().strip()
        ]
        return f"Fill in the {', '.join(missing)}." if missing else None

    def accept(self) -> None:
        problem = self._problem()
        if problem:
            self.error_label.setText(problem)
            self.error_label.show()
            return
        if self.file_choice.isChecked():
            # must_exist: should the file vanish before it is opened, it is refused, not created empty
            self.target = DatabaseTarget.parse(str(self._chosen_file())).must_exist()
        else:
            host, port = self.host_edit.text().strip(), self.port_box.value()
            database, login = self.database_edit.text().strip(), self.login_edit.text().strip()
            password = self.password_edit.text()
            self.target = DatabaseTarget.server(host, port, database, login, password)
            if password and self.remember_box.isChecked():
                passwords.save_password(login, host, port, database, password)
        super().accept()
