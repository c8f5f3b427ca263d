"""The fields for a shared PostgreSQL server: server, port, database, login, password, keyring.

One widget for both places that connect to a server (the welcome dialog at first start and
File › Connect to database…), so they ask the same questions and keep passwords the same way.

Each person connects with their own database login (that login is who they are in TrustDesk
and in the audit log). The password goes to the system keyring when one is available and the
box is ticked — never to the settings file; without a keyring it is asked for every time.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLineEdit, QSpinBox, QWidget

from db.engine import DatabaseTarget
from desktop import passwords

DEFAULT_PORT = 5432


class ServerFields(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = form = QFormLayout(self)
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

    def fill(self, target: DatabaseTarget) -> None:
        """Show a server address, with the password kept in the keyring for it (if any)."""
        url = target.url
        self.host_edit.setText(url.host or "")
        self.port_box.setValue(url.port or DEFAULT_PORT)
        self.database_edit.setText(url.database or "")
        self.login_edit.setText(url.username or "")
        stored = passwords.load_password(
            url.username or "", url.host or "", url.port or DEFAULT_PORT, url.database or ""
        )
        self.password_edit.setText(stored or "")

    def problem(self) -> str | None:
        """One sentence naming every empty field that a connection needs, or None."""
        fields = (("server", self.host_edit), ("database", self.database_edit), ("login", self.login_edit))
        missing = [label for label, edit in fields if not edit.text().strip()]
        return f"Fill in the {', '.join(missing)}." if missing else None

    def target(self) -> DatabaseTarget:
        """The address typed in (check ``problem()`` first); keeps the password in the keyring if asked to."""
        host, port = self.host_edit.text().strip(), self.port_box.value()
        database, login = self.database_edit.text().strip(), self.login_edit.text().strip()
        password = self.password_edit.text()
        if password and self.remember_box.isChecked():
            passwords.save_password(login, host, port, database, password)
        return DatabaseTarget.server(host, port, database, login, password)
