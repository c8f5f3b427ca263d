"""The first-run dialog: open the demo trust, start a new trust database, or connect to a shared one.

Shown when TrustDesk starts with no database yet (see desktop/first_run.py). It only collects
the choice; desktop/app.py opens or creates the database off the UI thread and comes back here
with the reason if that failed, so a typo in a server address never ends the program.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCommandLinkButton,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from db.engine import DatabaseTarget
from db.passwords import password_problem
from desktop.dialogs.server_fields import ServerFields
from desktop.kit.field_error import show_field_error
from desktop.kit.icons import icon


class Choice(enum.Enum):
    DEMO = "demo"
    CREATE = "create"
    CONNECT = "connect"


@dataclass(frozen=True)
class WelcomeChoice:
    kind: Choice
    trust_name: str = ""
    trust_uid: str = ""
    display_name: str = ""
    username: str = ""
    target: DatabaseTarget | None = None  # CONNECT: the server, with the password typed in
    password: str = ""  # CREATE: the first user's TrustDesk password (only its hash is stored)


def suggest_username(display_name: str) -> str:
    """“Jane Smith” → “jane.smith”: a sensible default the person can change."""
    words = ["".join(ch for ch in word.lower() if ch.isalnum()) for word in display_name.split()]
    return ".".join(word for word in words if word)


class WelcomeDialog(QDialog):
    """Three choices on the first page; the second and third open a short form."""

    def __init__(self, default_database: str, message: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to TrustDesk")
        self.setWindowIcon(icon("app"))
        self.setMinimumWidth(560)
        self.choice: WelcomeChoice | None = None
        self._username_edited = False

        layout = QVBoxLayout(self)
        self.message_label = QLabel(message)
        self.message_label.setObjectName("welcome_message")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: palette(highlight); font-weight: bold;")
        self.message_label.setVisible(bool(message))
        layout.addWidget(self.message_label)
        self.pages = QStackedWidget()
        layout.addWidget(self.pages)
        self.pages.addWidget(self._choices_page(default_database))
        self.pages.addWidget(self._create_page(default_database))
        self.pages.addWidget(self._connect_page())

    # -- pages ---------------------------------------------------------------------------
    def _choices_page(self, default_database: str) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(
            "<h2>Welcome to TrustDesk</h2><p>TrustDesk has no database yet. How would you like to start?</p>"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.demo_button = QCommandLinkButton(
            "Open the demo trust",
            "Explore TrustDesk with a fictional trust of a dozen schools and five sample users. "
            "Nothing you do there touches real data.",
        )
        self.demo_button.setIcon(icon("dashboard"))
        self.demo_button.clicked.connect(lambda: self._finish(WelcomeChoice(Choice.DEMO)))
        self.create_button = QCommandLinkButton(
            "Create a new trust database",
            f"Start an empty database for your trust on this computer ({default_database}).",
        )
        self.create_button.setIcon(icon("add"))
        self.create_button.clicked.connect(lambda: self.pages.setCurrentIndex(1))
        self.connect_button = QCommandLinkButton(
            "Connect to a shared database",
            "Use the trust's PostgreSQL database that colleagues already work in.",
        )
        self.connect_button.setIcon(icon("database"))
        self.connect_button.clicked.connect(lambda: self.pages.setCurrentIndex(2))
        for button in (self.demo_button, self.create_button, self.connect_button):
            layout.addWidget(button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Quit")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        return page

    def _create_page(self, default_database: str) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(
            "<h3>A new trust database</h3><p>The trust's details come from Get Information about Schools; "
            "schools and staff are added afterwards. You will be its Partnership primary user, and sign in "
            "with the password you choose here.</p>"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.create_form = form = QFormLayout()
        self.trust_name = QLineEdit()
        self.trust_name.setPlaceholderText("for example Riverside Learning Trust")
        self.trust_uid = QLineEdit()
        self.trust_uid.setMaxLength(12)
        self.trust_uid.setPlaceholderText("its GIAS trust UID, for example 16543")
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText("Your name")
        self.username = QLineEdit()
        self.username.setPlaceholderText("for example jane.smith")
        self.display_name.textEdited.connect(self._suggest_username)
        self.username.textEdited.connect(self._username_touched)
        form.addRow("Trust name:", self.trust_name)
        form.addRow("Trust UID:", self.trust_uid)
        form.addRow("Your name:", self.display_name)
        form.addRow("Your username:", self.username)
        self.password = QLineEdit()
        self.password.setObjectName("new_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("at least 10 characters: three random words work well")
        self.repeat_password = QLineEdit()
        self.repeat_password.setObjectName("repeat_password")
        self.repeat_password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("Your password:", self.password)
        form.addRow("Repeat it:", self.repeat_password)
        layout.addLayout(form)
        where = QLabel(f"The database file will be {default_database}")
        where.setWordWrap(True)
        layout.addWidget(where)
        self.create_error = QLabel()
        self.create_error.setObjectName("create_error")
        self.create_error.setWordWrap(True)
        self.create_error.hide()  # shown under the first empty field (show_field_error)
        layout.addStretch(1)
        buttons = QDialogButtonBox()
        back = QPushButton(icon("back"), "Back")
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        buttons.addButton(back, QDialogButtonBox.ButtonRole.ResetRole)
        self.create_ok = buttons.addButton("Create", QDialogButtonBox.ButtonRole.AcceptRole)
        self.create_ok.clicked.connect(self._create_clicked)
        layout.addWidget(buttons)
        return page

    def _connect_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        intro = QLabel(
            "<h3>Connect to a shared database</h3><p>Enter the server, the database and your own login "
            "that your IT team gave you.</p>"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.server_fields = ServerFields()  # the same fields as File › Connect to database…
        layout.addWidget(self.server_fields)
        self.connect_error = QLabel()
        self.connect_error.setObjectName("error")
        self.connect_error.setWordWrap(True)
        self.connect_error.hide()
        layout.addWidget(self.connect_error)
        layout.addStretch(1)
        buttons = QDialogButtonBox()
        back = QPushButton(icon("back"), "Back")
        back.clicked.connect(lambda: self.pages.setCurrentIndex(0))
        buttons.addButton(back, QDialogButtonBox.ButtonRole.ResetRole)
        self.connect_ok = buttons.addButton("Connect", QDialogButtonBox.ButtonRole.AcceptRole)
        self.connect_ok.clicked.connect(self._connect_clicked)
        layout.addWidget(buttons)
        return page

    # -- behaviour ------------------------------------------------------------------------
    def _suggest_username(self, text: str) -> None:
        if not self._username_edited:
            self.username.setText(suggest_username(text))

    def _username_touched(self, _text: str) -> None:
        self._username_edited = True

    def _create_clicked(self) -> None:
        fields = {
            "the trust's name": self.trust_name,
            "the trust's UID": self.trust_uid,
            "your name": self.display_name,
            "your username": self.username,
            "your password": self.password,
        }
        missing = [(label, edit) for label, edit in fields.items() if not edit.text().strip()]
        if missing:
            first = missing[0][1]
            text = "Please enter " + ", ".join(label for label, _edit in missing) + "."
            self._field_error(first, text)
            return
        password = self.password.text()
        problem = password_problem(password, self.username.text().strip().lower(), self.display_name.text())
        if problem is None and password != self.repeat_password.text():
            problem = "The two passwords are not the same: type it again in “Repeat it”."
            self._field_error(self.repeat_password, problem)
            return
        if problem is not None:
            self._field_error(self.password, problem)
            return
        self._finish(
            WelcomeChoice(
                Choice.CREATE,
                trust_name=self.trust_name.text().strip(),
                trust_uid=self.trust_uid.text().strip(),
                display_name=self.display_name.text().strip(),
                username=self.username.text().strip(),
                password=password,
            )
        )

    def _field_error(self, field: QLineEdit, text: str) -> None:
        """A sentence under ``field`` that may take two lines: the form makes room for both (a wrapped label
        alone does not raise the dialog's minimum height, so its second line would be cut off)."""
        show_field_error(self.create_form, field, field, self.create_error, text)
        self.create_error.setMinimumHeight(self.create_error.heightForWidth(field.width()))

    def _connect_clicked(self) -> None:
        problem = self.server_fields.problem()
        if problem:
            self.connect_error.setText(problem)
            self.connect_error.show()
            return
        self._finish(WelcomeChoice(Choice.CONNECT, target=self.server_fields.target()))

    def _finish(self, choice: WelcomeChoice) -> None:
        self.choice = choice
        self.accept()
