"""File › Connect to database…: choose a file or a server, remember it, keep passwords out of settings."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from PySide6.QtCore import Qt

from db.engine import DatabaseTarget
from desktop import passwords, recent_databases
from desktop.app import _with_saved_password
from desktop.dialogs.connect_dialog import ConnectDialog
from desktop.dialogs.welcome_dialog import WelcomeDialog
from desktop.paths import AppPaths
from desktop.settings_file import open_settings


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


@pytest.fixture
def settings(tmp_path: Path):
    paths = AppPaths.under(tmp_path / "app")
    paths.ensure()
    return open_settings(paths)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def _fill_server(dialog: ConnectDialog, password: str) -> None:
    dialog.server_choice.setChecked(True)
    dialog.server_group.host_edit.setText("db.oakfield.example")
    dialog.server_group.port_box.setValue(5433)
    dialog.server_group.database_edit.setText("trustdesk")
    dialog.server_group.login_edit.setText("sam.patel")
    dialog.server_group.password_edit.setText(password)


def test_a_server_password_goes_to_the_keyring_never_to_settings(qtbot, settings, memory_keyring) -> None:
    dialog = ConnectDialog(settings, "/home/sam/trust.sqlite")
    qtbot.addWidget(dialog)
    _fill_server(dialog, "s3cret-Pa55")
    assert dialog.server_group.remember_box.isEnabled() and dialog.server_group.remember_box.isChecked()
    dialog.accept()
    target = dialog.target
    assert target is not None and target.url.password == "s3cret-Pa55"
    assert target.url.username == "sam.patel" and target.url.port == 5433
    assert "s3cret" not in target.display

    recent_databases.remember(settings, target)
    assert recent_databases.recent(settings) == ["postgresql+psycopg://sam.patel@db.oakfield.example:5433/trustdesk"]
    assert "s3cret" not in Path(settings.fileName()).read_text()
    assert memory_keyring.store == {("TrustDesk", "sam.patel@db.oakfield.example:5433/trustdesk"): "s3cret-Pa55"}

    # Next start: the remembered address without a password gets it back from the keyring.
    restored = _with_saved_password(DatabaseTarget.parse(recent_databases.last(settings) or ""))
    assert restored.url.password == "s3cret-Pa55"

    # Choosing the recent entry fills every field, the password from the keyring.
    again = ConnectDialog(settings, "/home/sam/trust.sqlite")
    qtbot.addWidget(again)
    again.recent_box.setCurrentIndex(1)
    again.recent_box.activated.emit(1)
    assert (
        again.server_group.host_edit.text(),
        again.server_group.port_box.value(),
        again.server_group.login_edit.text(),
    ) == (
        "db.oakfield.example",
        5433,
        "sam.patel",
    )
    assert again.server_group.password_edit.text() == "s3cret-Pa55"


def test_without_a_keyring_the_password_is_asked_each_time(qtbot, settings, no_keyring) -> None:
    assert not passwords.keyring_available()
    dialog = ConnectDialog(settings, "/home/sam/trust.sqlite")
    qtbot.addWidget(dialog)
    assert not dialog.server_group.remember_box.isEnabled()
    assert "asked for each time" in dialog.server_group.remember_box.text()
    _fill_server(dialog, "typed-now")
    dialog.accept()
    assert dialog.target is not None and dialog.target.url.password == "typed-now"
    assert passwords.load_password("sam.patel", "db.oakfield.example", 5433, "trustdesk") is None
    assert not passwords.save_password("sam.patel", "db.oakfield.example", 5433, "trustdesk", "x")


def test_missing_fields_are_named_and_nothing_is_chosen(qtbot, settings, no_keyring) -> None:
    dialog = ConnectDialog(settings, "/home/sam/trust.sqlite")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.server_choice.setChecked(True)
    dialog.server_group.database_edit.clear()
    dialog.accept()
    assert dialog.target is None and dialog.isVisible()
    assert dialog.error_label.text() == "Fill in the server, database, login."


def test_a_file_can_be_chosen(qtbot, settings, tmp_path: Path) -> None:
    dialog = ConnectDialog(settings, "postgresql+psycopg://sam.patel@db.oakfield.example:5432/trustdesk")
    qtbot.addWidget(dialog)
    assert dialog.server_choice.isChecked() and dialog.server_group.host_edit.text() == "db.oakfield.example"
    dialog.file_choice.setChecked(True)
    (tmp_path / "mine.sqlite").write_bytes(b"")  # an existing file: a mistyped one is refused (test_no_stray_databases)
    dialog.path_edit.setText(str(tmp_path / "mine.sqlite"))
    dialog.accept()
    assert dialog.target is not None and dialog.target.sqlite_path == tmp_path / "mine.sqlite"


def test_the_welcome_dialog_connects_with_the_same_fields_and_keyring(qtbot, tmp_path: Path, memory_keyring) -> None:
    """First start and File › Connect to database… are one screen for a server: same fields, same keyring."""
    welcome = WelcomeDialog(str(tmp_path / "trust.sqlite"))
    qtbot.addWidget(welcome)
    welcome.show()
    qtbot.mouseClick(welcome.connect_button, Qt.MouseButton.LeftButton)
    fields = welcome.server_fields
    assert type(fields) is type(ConnectDialog(open_settings(AppPaths.under(tmp_path / "app")), "").server_group)
    fields.host_edit.setText("db.oakfield.example")
    fields.port_box.setValue(5433)
    fields.login_edit.setText("sam.patel")
    fields.password_edit.setText("s3cret-Pa55")
    assert fields.remember_box.isChecked()
    qtbot.mouseClick(welcome.connect_ok, Qt.MouseButton.LeftButton)
    assert welcome.choice is not None and welcome.choice.target is not None
    assert welcome.choice.target.url.password == "s3cret-Pa55" and "s3cret" not in welcome.choice.target.address
    assert memory_keyring.store == {("TrustDesk", "sam.patel@db.oakfield.example:5433/trustdesk"): "s3cret-Pa55"}
