"""Trust settings › E-mail: the mail server the outbox sends through, and **Send a test e-mail**.

Server, port, security (none, STARTTLS, implicit TLS), the sender's address and name and the
login are trust settings rows. The password goes to the system keyring on this computer (as
database passwords do), never to the database or the settings file; where there is no keyring
the tab says so and keeps nothing (a server's scheduled task reads ``TRUSTDESK_SMTP_PASSWORD``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.mail.settings import DEFAULT_PORTS, SECURITY_WORDS, MailSettings, Security
from db.services.mail_settings import save_mail_settings, send_test_email
from db.services.outbox import current_settings
from desktop.dialogs.academic_year_tab import hint
from desktop.kit.context import AppContext
from desktop.mail_password import PASSWORD_ENV, load_smtp_password, save_smtp_password
from desktop.passwords import keyring_available
from resources_qt.style import set_warning

KEPT = "Kept in the system keyring on this computer"
NO_KEYRING = (
    "This computer has no system keyring, so TrustDesk keeps no mail password here: the password typed below is "
    f"used for a test e-mail only. A scheduled “trustdesk notify send” reads it from {PASSWORD_ENV}."
)


class EmailTab(QWidget):
    def __init__(
        self,
        context: AppContext,
        failed: Callable[[TrustDeskError], None],
        while_open: Callable[[Callable[[Any], None]], Callable[[Any], None]],
    ) -> None:
        super().__init__()
        self.setObjectName("email_tab")
        self.context = context
        self._failed, self._while_open = failed, while_open
        self.has_keyring = keyring_available()
        self.stored = MailSettings()
        self._editable = False
        layout = QVBoxLayout(self)
        layout.addWidget(hint("TrustDesk e-mails people about decisions and reminders through this mail server."))
        form = QFormLayout()
        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("smtp.office365.com")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(587)
        self.security_box = QComboBox()
        for security, words in SECURITY_WORDS.items():
            self.security_box.addItem(words, security)
        self.security_box.setCurrentIndex(list(SECURITY_WORDS).index(Security.STARTTLS))
        self.security_box.activated.connect(self._security_chosen)
        self.sender_edit = QLineEdit()
        self.sender_edit.setPlaceholderText("cpd@your-trust.org.uk")
        self.sender_name_edit = QLineEdit()
        self.sender_name_edit.setPlaceholderText("the trust's name")
        self.login_edit = QLineEdit()
        self.login_edit.setPlaceholderText("none")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        server_row = QHBoxLayout()
        server_row.addWidget(self.host_edit, 1)
        server_row.addWidget(QLabel("Port"))
        server_row.addWidget(self.port_spin)
        form.addRow("Mail server", server_row)
        form.addRow("Security", self.security_box)
        form.addRow("Sender's address", self.sender_edit)
        form.addRow("Sender's name", self.sender_name_edit)
        form.addRow("Login", self.login_edit)
        form.addRow("Password", self.password_edit)
        layout.addLayout(form)
        self.keyring_note = hint(KEPT if self.has_keyring else NO_KEYRING)
        self.keyring_note.setObjectName("keyring_note")
        set_warning(self.keyring_note, not self.has_keyring)
        layout.addWidget(self.keyring_note)
        self.save_button = QPushButton("Save e-mail settings")
        self.save_button.clicked.connect(self.save)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)
        layout.addLayout(save_row)
        test_row = QHBoxLayout()
        self.test_to_edit = QLineEdit()
        self.test_to_edit.setPlaceholderText("your own address")
        self.test_button = QPushButton("Send a test e-mail")
        self.test_button.clicked.connect(self.send_test)
        test_row.addWidget(QLabel("Test to"))
        test_row.addWidget(self.test_to_edit, 1)
        test_row.addWidget(self.test_button)
        layout.addLayout(test_row)
        self.result_label = QLabel()
        self.result_label.setObjectName("email_result")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        self.set_editable(False)

    # -- loading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        db = self.context.db

        def work() -> tuple[MailSettings, bool]:
            settings = current_settings(db)
            kept = bool(settings.login) and load_smtp_password(settings.keyring_key) is not None
            return settings, kept

        self.context.ops.query(work, self._while_open(self._loaded), self._while_open(self._failed))

    def _loaded(self, loaded: tuple[MailSettings, bool]) -> None:
        settings, kept = loaded
        self.stored = settings
        if settings.configured:
            self.host_edit.setText(settings.host)
            self.port_spin.setValue(settings.port)
            self.security_box.setCurrentIndex(list(SECURITY_WORDS).index(settings.security))
            self.sender_edit.setText(settings.sender)
            self.sender_name_edit.setText(settings.sender_name)
            self.login_edit.setText(settings.login)
            self.result_label.setText("")
        else:
            self.result_label.setText("No mail server is set up yet: nothing is sent, the messages wait in the outbox.")
        set_warning(self.result_label, not settings.configured)
        self.password_edit.setPlaceholderText(KEPT if kept else "")

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        for widget in (
            self.host_edit,
            self.port_spin,
            self.security_box,
            self.sender_edit,
            self.sender_name_edit,
            self.login_edit,
            self.password_edit,
            self.save_button,
            self.test_to_edit,
            self.test_button,
        ):
            widget.setEnabled(editable)

    def _security_chosen(self, _index: int) -> None:
        if self.port_spin.value() in DEFAULT_PORTS.values():
            self.port_spin.setValue(DEFAULT_PORTS[Security(self.security_box.currentData())])

    # -- acting ----------------------------------------------------------------------------------
    def typed(self) -> MailSettings:
        return MailSettings(
            host=self.host_edit.text(),
            port=self.port_spin.value(),
            security=Security(self.security_box.currentData()),
            sender=self.sender_edit.text(),
            sender_name=self.sender_name_edit.text(),
            login=self.login_edit.text(),
        )

    def save(self) -> None:
        db, user_id, settings, password = self.context.db, self.context.user.id, self.typed(), self.password_edit.text()
        keep = self.has_keyring

        def work(_progress: object) -> tuple[MailSettings, bool]:
            saved = save_mail_settings(db, user_id, settings)
            kept = keep and bool(password) and bool(saved.login) and save_smtp_password(saved.keyring_key, password)
            return saved, kept

        self.context.ops.action(work, self._while_open(self._saved), self._while_open(self._save_failed),
                                title="Saving the e-mail settings…", origin=self)  # fmt: skip

    def _save_failed(self, error: TrustDeskError) -> None:
        """A refusal stays beside the fields it is about; what was typed is kept."""
        self.result_label.setText(f"Not saved: {error.message}")
        set_warning(self.result_label, True)

    def _saved(self, result: tuple[MailSettings, bool]) -> None:
        saved, kept = result
        self.stored = saved
        self.password_edit.clear()
        if kept:
            self.password_edit.setPlaceholderText(KEPT)
        note = " The password is kept in the system keyring." if kept else ""
        self.result_label.setText(f"Saved: mail goes out through {saved.host}:{saved.port}.{note}")
        set_warning(self.result_label, False)
        self.context.navigator.tell("E-mail settings saved.")

    def send_test(self) -> None:
        db, user_id, settings = self.context.db, self.context.user.id, self.typed()
        typed_password, to = self.password_edit.text(), self.test_to_edit.text()

        def work(_progress: object) -> str:
            password = typed_password or (load_smtp_password(settings.keyring_key) if settings.login else None)
            return send_test_email(db, user_id, settings, password, to)

        self.result_label.setText("Sending a test e-mail…")
        set_warning(self.result_label, False)
        self.context.ops.action(work, self._while_open(self._tested), self._while_open(self._test_failed),
                                title="Sending a test e-mail…", origin=self)  # fmt: skip

    def _tested(self, answer: str) -> None:
        self.result_label.setText(f"Sent. The mail server answered: {answer}")
        set_warning(self.result_label, False)

    def _test_failed(self, error: TrustDeskError) -> None:
        self.result_label.setText(f"Not sent: {error.message}")
        set_warning(self.result_label, True)
