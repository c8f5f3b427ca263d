"""First run: no database yet → the welcome dialog; its choices; never a traceback; the smoke hook."""

from __future__ import annotations

import argparse
import logging
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from db.engine import ENV_URL, DatabaseTarget
from db.queries.users import list_users
from desktop.app import Startup
from desktop.dialogs import welcome_dialog
from desktop.dialogs.server_fields import ServerFields
from desktop.dialogs.welcome_dialog import Choice, WelcomeChoice, WelcomeDialog, suggest_username
from desktop.first_run import (
    LAST_DATABASE_KEY,
    SMOKE_EXIT_ENV,
    install_excepthook,
    main_window_ready,
    plan_start,
    remember_database,
)
from desktop.launch import create_application
from desktop.paths import AppPaths
from desktop.settings_file import open_settings


def _args(**values: object) -> argparse.Namespace:
    return argparse.Namespace(**{"demo": False, "db": None, "user": None, "data_dir": None, **values})


@pytest.fixture
def paths(tmp_path):
    create_application()
    app_paths = AppPaths.under(tmp_path / "app")
    app_paths.ensure()
    return app_paths


# -- which database ------------------------------------------------------------------------------
def test_no_database_yet_asks(paths, monkeypatch) -> None:
    monkeypatch.delenv(ENV_URL, raising=False)
    assert plan_start(_args(), paths, open_settings(paths)).target is None


def test_command_line_and_environment_win(paths, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv(ENV_URL, raising=False)
    settings = open_settings(paths)
    demo = plan_start(_args(demo=True), paths, settings)
    assert demo.demo and demo.target is not None and demo.target.sqlite_path == paths.demo_database
    explicit = plan_start(_args(db=str(tmp_path / "x.sqlite")), paths, settings)
    assert explicit.target is not None and explicit.target.sqlite_path == tmp_path / "x.sqlite"
    assert not explicit.remembered
    monkeypatch.setenv(ENV_URL, "postgresql://someone@server/trust")
    from_env = plan_start(_args(), paths, settings)
    assert from_env.target is not None and from_env.target.url.host == "server"


def test_a_mistyped_db_opens_nothing_and_creates_nothing(paths, monkeypatch, tmp_path) -> None:
    """``trustdesk --db trsut.sqlite``: one sentence, and no empty database left at the typo."""
    from db.errors import DatabaseOpenError
    from db.migrate import open_database

    monkeypatch.delenv(ENV_URL, raising=False)
    typo = tmp_path / "trsut.sqlite"
    plan = plan_start(_args(db=str(typo)), paths, open_settings(paths))
    assert plan.target is not None
    with pytest.raises(DatabaseOpenError) as refused:
        open_database(plan.target)
    assert "trsut.sqlite" in refused.value.message and refused.value.message.count(".") <= 3
    assert not typo.exists() and list(tmp_path.iterdir()) == [tmp_path / "app"]


def test_the_choice_is_remembered_without_a_password(paths, monkeypatch) -> None:
    from db.engine import DatabaseTarget

    monkeypatch.delenv(ENV_URL, raising=False)
    settings = open_settings(paths)
    remember_database(settings, DatabaseTarget.parse("postgresql://jane:secret@server/trust"), demo=False)
    assert "secret" not in str(settings.value(LAST_DATABASE_KEY))
    plan = plan_start(_args(), paths, settings)
    assert plan.remembered and plan.target is not None and plan.target.url.host == "server"
    assert "secret" not in paths.settings_file.read_text()


def test_a_remembered_file_that_was_deleted_asks_again(paths, monkeypatch) -> None:
    from db.engine import DatabaseTarget

    monkeypatch.delenv(ENV_URL, raising=False)
    settings = open_settings(paths)
    remember_database(settings, DatabaseTarget.parse(str(paths.data / "gone.sqlite")), demo=True)
    assert plan_start(_args(), paths, settings).target is None


# -- the dialog -----------------------------------------------------------------------------------
def test_demo_button_chooses_the_demo(qtbot, paths) -> None:
    dialog = WelcomeDialog(str(paths.default_database))
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.choice == WelcomeChoice(Choice.DEMO)


def test_create_asks_for_every_field_and_suggests_a_username(qtbot, paths) -> None:
    dialog = WelcomeDialog(str(paths.default_database))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.pages.currentIndex() == 1
    qtbot.keyClicks(dialog.trust_name, "Riverside Learning Trust")
    qtbot.mouseClick(dialog.create_ok, Qt.MouseButton.LeftButton)
    assert dialog.choice is None
    assert "trust's UID" in dialog.create_error.text() and "your name" in dialog.create_error.text()
    qtbot.keyClicks(dialog.trust_uid, "16543")
    qtbot.keyClicks(dialog.display_name, "Jane O'Neill")
    assert dialog.username.text() == "jane.oneill"
    qtbot.mouseClick(dialog.create_ok, Qt.MouseButton.LeftButton)
    assert dialog.choice is None and "your password" in dialog.create_error.text()
    qtbot.keyClicks(dialog.password, "oneill-rocks-2026")
    qtbot.mouseClick(dialog.create_ok, Qt.MouseButton.LeftButton)
    assert dialog.choice is None and "contains a name" in dialog.create_error.text()
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "plum orchard lantern")
    qtbot.keyClicks(dialog.repeat_password, "plum orchard lantrn")
    qtbot.mouseClick(dialog.create_ok, Qt.MouseButton.LeftButton)
    assert dialog.choice is None and "not the same" in dialog.create_error.text()
    dialog.repeat_password.clear()
    qtbot.keyClicks(dialog.repeat_password, "plum orchard lantern")
    qtbot.mouseClick(dialog.create_ok, Qt.MouseButton.LeftButton)
    assert dialog.choice == WelcomeChoice(
        Choice.CREATE, trust_name="Riverside Learning Trust", trust_uid="16543", display_name="Jane O'Neill",
        username="jane.oneill", password="plum orchard lantern",
    )  # fmt: skip


def test_connect_asks_for_the_same_server_fields_as_file_connect(qtbot, paths) -> None:
    dialog = WelcomeDialog(str(paths.default_database), "The last database could not be opened.")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.message_label.isVisible()
    qtbot.mouseClick(dialog.connect_button, Qt.MouseButton.LeftButton)
    fields = dialog.server_fields
    assert isinstance(fields, ServerFields) and fields.isVisible()
    qtbot.mouseClick(dialog.connect_ok, Qt.MouseButton.LeftButton)
    assert dialog.choice is None and dialog.connect_error.text() == "Fill in the server, login."
    qtbot.keyClicks(fields.host_edit, "server")
    fields.database_edit.setText("trust")
    qtbot.keyClicks(fields.login_edit, "jane")  # no password typed: nothing reaches the keyring
    qtbot.mouseClick(dialog.connect_ok, Qt.MouseButton.LeftButton)
    assert dialog.choice == WelcomeChoice(Choice.CONNECT, target=DatabaseTarget.server("server", 5432, "trust", "jane"))


def test_suggested_usernames() -> None:
    assert suggest_username("  Jane   Smith ") == "jane.smith"
    assert suggest_username("Zoë-Anne Ó Briain") == "zoëanne.ó.briain"


# -- the whole start-up, driven through the dialog -----------------------------------------------
class ScriptedWelcome:
    """Stands in for WelcomeDialog.exec: answers with the next choice and records the messages shown."""

    def __init__(self, monkeypatch, choices: list[WelcomeChoice | None]) -> None:
        self.choices = list(choices)
        self.messages: list[str] = []
        script = self

        def fake_exec(dialog: WelcomeDialog) -> int:
            script.messages.append(dialog.message_label.text())
            dialog.choice = script.choices.pop(0)
            return QDialog.DialogCode.Accepted if dialog.choice else QDialog.DialogCode.Rejected

        monkeypatch.setattr(welcome_dialog.WelcomeDialog, "exec", fake_exec)


def _startup(paths: AppPaths) -> Startup:
    app = create_application()
    startup = Startup(app, None, paths, demo=False, username=None, settings=open_settings(paths))
    startup.start()
    return startup


def _finish(qtbot, startup: Startup) -> None:
    """Let the panels' loads finish before the window and its operations go away."""
    qtbot.waitUntil(lambda: not startup.ops.running, timeout=15_000)
    if startup.window is not None:
        startup.window.close()
    qtbot.waitUntil(lambda: not startup.ops.running, timeout=15_000)
    if startup.db is not None:
        startup.db.dispose()
    startup.app.setQuitOnLastWindowClosed(True)


def test_creating_a_trust_signs_its_first_user_in(qtbot, paths, monkeypatch) -> None:
    choice = WelcomeChoice(
        Choice.CREATE, "Riverside", "16543", "Jane Smith", "jane.smith", password="plum orchard lantern"
    )
    ScriptedWelcome(monkeypatch, [choice])
    startup = _startup(paths)
    try:
        qtbot.waitUntil(lambda: startup.window is not None, timeout=15_000)
        assert startup.window.context.user.username == "jane.smith"
        assert paths.default_database.exists()
        assert [u.username for u in list_users(startup.db)] == ["jane.smith"]
    finally:
        _finish(qtbot, startup)


def test_an_unreachable_server_brings_the_dialog_back_with_the_reason(qtbot, paths, monkeypatch) -> None:
    unreachable = WelcomeChoice(Choice.CONNECT, target=DatabaseTarget.server("127.0.0.1", 9, "x", "nobody"))
    script = ScriptedWelcome(monkeypatch, [unreachable, None])
    startup = _startup(paths)
    try:
        qtbot.waitUntil(lambda: len(script.messages) == 2, timeout=20_000)
        assert "cannot reach" in script.messages[1]
        assert startup.window is None
        assert open_settings(paths).value(LAST_DATABASE_KEY) is None
    finally:
        _finish(qtbot, startup)


# -- never a traceback; the smoke hook --------------------------------------------------------------
def test_unexpected_errors_are_logged_and_explained(paths, monkeypatch, caplog) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    install_excepthook("/logs/trustdesk.log")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        with caplog.at_level(logging.ERROR):
            sys.excepthook(*sys.exc_info())
    assert "RuntimeError: boom" in caplog.text and "Traceback" in caplog.text
    assert len(shown) == 1 and "/logs/trustdesk.log" in shown[0] and "boom" not in shown[0]


def test_smoke_hook_closes_the_window(qtbot, monkeypatch, caplog) -> None:
    create_application()
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.show()
    monkeypatch.setenv(SMOKE_EXIT_ENV, "0")
    with caplog.at_level(logging.INFO):
        main_window_ready(widget, "sam.patel", "demo.sqlite")
    assert "Main window ready: sam.patel signed in to demo.sqlite" in caplog.text
    qtbot.waitUntil(lambda: not widget.isVisible())
