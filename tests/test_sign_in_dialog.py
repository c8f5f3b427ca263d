"""The sign-in and set-password dialogs as a person uses them (A3), and start-up through them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import update

from db.engine import Database
from db.models import AppUser
from db.queries.sign_in import SignInMode
from db.queries.users import list_users
from db.services.passwords import set_password
from db.services.sign_in import WRONG, sign_in
from db.services.trust_setup import create_new_trust
from db.services.users import UserDetails, add_user
from desktop.app import Startup
from desktop.dialogs import set_password as set_password_dialog
from desktop.dialogs import sign_in as sign_in_dialog
from desktop.dialogs.set_password import SetPasswordDialog
from desktop.dialogs.sign_in import DEMO_NOTE, SignInDialog
from desktop.kit.ops import Operations
from desktop.launch import create_application
from desktop.paths import AppPaths
from desktop.settings_file import open_settings

JANE_PASSWORD = "plum orchard lantern"
SAM_PASSWORD = "violet canal morning"


@pytest.fixture
def trust(db: Database) -> Database:
    jane = create_new_trust(db, "Riverside Learning Trust", "16543", "Jane Smith", "jane.smith", JANE_PASSWORD).user_id
    sam = add_user(db, jane, UserDetails("sam.patel", "Sam Patel"))
    set_password(db, jane, sam, SAM_PASSWORD)
    return db


@pytest.fixture
def ops() -> Iterator[Operations]:
    create_application()
    operations = Operations()
    yield operations
    operations.wait_for_done(10_000)


def _dialog(qtbot, db: Database, ops: Operations, mode: SignInMode, preselect: str | None) -> SignInDialog:
    dialog = SignInDialog(db, ops, list_users(db), mode, preselect)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_wrong_password_is_refused_in_the_dialog_which_stays_open(qtbot, trust, ops) -> None:
    dialog = _dialog(qtbot, trust, ops, SignInMode.PASSWORD, "sam.patel")
    assert dialog.chosen is not None and dialog.chosen.username == "sam.patel"
    assert dialog.password.isVisible() and dialog.password.echoMode() is dialog.password.EchoMode.Password
    assert not dialog.note.isVisible()
    qtbot.keyClicks(dialog.password, "not the password")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.error.text() == WRONG and dialog.sign_in_button.isEnabled())
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted and dialog.signed_in is None
    assert dialog.model.rowCount() == 2 and dialog.chosen.username == "sam.patel"
    assert dialog.password.text() == ""  # typed again, not edited

    qtbot.keyClicks(dialog.password, SAM_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert dialog.signed_in is not None and dialog.signed_in.user.username == "sam.patel"
    assert not dialog.signed_in.must_set_password


def test_an_empty_password_is_asked_for_without_counting_against_the_user(qtbot, trust, ops) -> None:
    dialog = _dialog(qtbot, trust, ops, SignInMode.PASSWORD, "jane.smith")
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Enter the password of Jane Smith."
    assert not ops.running and dialog.isVisible()
    assert sign_in(trust, "jane.smith", JANE_PASSWORD).username == "jane.smith"


def test_the_demo_says_it_has_no_passwords_and_signs_in_at_once(qtbot, demo_db, ops) -> None:
    dialog = _dialog(qtbot, demo_db, ops, SignInMode.DEMO, "sam.patel")
    assert dialog.note.isVisible() and "Demo trust — no passwords" in dialog.note.text() == DEMO_NOTE
    assert not dialog.password.isVisible()
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert dialog.signed_in is not None and dialog.signed_in.user.username == "sam.patel"


def test_setting_a_password_shows_why_a_weak_one_is_refused_as_it_is_typed(qtbot, trust, ops) -> None:
    users = {user.username: user for user in list_users(trust)}
    jane, sam = users["jane.smith"], users["sam.patel"]
    dialog = SetPasswordDialog(trust, ops, jane, sam, ask_current=False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Set the password of Sam Patel"
    qtbot.keyClicks(dialog.new, "sam.patel.1")
    assert dialog.problem.text() == "The password contains the username: choose something others cannot guess from it."
    dialog.new.clear()
    qtbot.keyClicks(dialog.new, "copper meadow signal")
    qtbot.keyClicks(dialog.repeat, "copper meadow")
    assert "not the same" in dialog.problem.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and not ops.running
    qtbot.keyClicks(dialog.repeat, " signal")
    assert not dialog.problem.isVisible()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert sign_in(trust, "sam.patel", "copper meadow signal").username == "sam.patel"


def test_changing_your_own_password_needs_the_current_one(qtbot, trust, ops) -> None:
    sam = next(user for user in list_users(trust) if user.username == "sam.patel")
    dialog = SetPasswordDialog(trust, ops, sam, sam, ask_current=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.current, "a guess at it")
    qtbot.keyClicks(dialog.new, "copper meadow signal")
    qtbot.keyClicks(dialog.repeat, "copper meadow signal")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "current password is not right" in dialog.problem.text())
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    dialog.current.clear()
    qtbot.keyClicks(dialog.current, SAM_PASSWORD)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    assert sign_in(trust, "sam.patel", "copper meadow signal").username == "sam.patel"


# -- start-up: --user chooses, the password proves -------------------------------------------------
class Typist:
    """Stands in for a dialog's exec: shows it, types like a person and waits for the real outcome."""

    def __init__(self, qtbot, monkeypatch) -> None:
        self.shown: list[QDialog] = []
        self.passwords: list[str] = []
        typist = self

        def sign_in_exec(dialog: SignInDialog) -> int:
            typist.shown.append(dialog)
            dialog.show()
            if not typist.passwords:
                dialog.reject()
                return dialog.result()
            password = typist.passwords.pop(0)
            if dialog.password.isVisible():
                qtbot.keyClicks(dialog.password, password)
            qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
            return dialog.result()

        def set_password_exec(dialog: SetPasswordDialog) -> int:
            typist.shown.append(dialog)
            dialog.show()
            qtbot.keyClicks(dialog.new, typist.passwords[0])
            qtbot.keyClicks(dialog.repeat, typist.passwords.pop(0))
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
            return dialog.result()

        monkeypatch.setattr(sign_in_dialog.SignInDialog, "exec", sign_in_exec)
        monkeypatch.setattr(set_password_dialog.SetPasswordDialog, "exec", set_password_exec)


def _start(trust: Database, tmp_path: Path, username: str | None) -> Startup:
    app = create_application()
    paths = AppPaths.under(tmp_path / "app")
    paths.ensure()
    target = trust.target
    trust.dispose()
    startup = Startup(app, target, paths, demo=False, username=username, settings=open_settings(paths))
    startup.start()
    return startup


def _finish(qtbot, startup: Startup) -> None:
    qtbot.waitUntil(lambda: not startup.ops.running, timeout=15_000)
    if startup.window is not None:
        startup.window.close()
    qtbot.waitUntil(lambda: not startup.ops.running, timeout=15_000)
    if startup.db is not None:
        startup.db.dispose()
    startup.app.setQuitOnLastWindowClosed(True)


def test_the_user_named_on_the_command_line_still_gives_their_password(qtbot, trust, tmp_path, monkeypatch) -> None:
    typist = Typist(qtbot, monkeypatch)
    startup = _start(trust, tmp_path, "sam.patel")
    with qtbot.waitSignal(startup.finished, timeout=15_000) as finished:
        pass  # the dialog is shown; without a password it is cancelled and nobody is signed in
    try:
        assert finished.args == [0] and startup.window is None
        assert len(typist.shown) == 1 and typist.shown[0].chosen.username == "sam.patel"
    finally:
        _finish(qtbot, startup)

    typist.passwords = [SAM_PASSWORD]
    startup = _start(trust, tmp_path, "sam.patel")
    try:
        qtbot.waitUntil(lambda: startup.window is not None, timeout=15_000)
        assert startup.window.context.user.username == "sam.patel"
        assert startup.window.change_password_action.isVisible()
    finally:
        _finish(qtbot, startup)


def test_the_first_sign_in_to_a_file_without_passwords_sets_the_primary_users(
    qtbot, trust, tmp_path, monkeypatch
) -> None:
    with trust.transaction() as session:  # as a database made before passwords existed
        session.execute(update(AppUser).values(password_hash=None))
    typist = Typist(qtbot, monkeypatch)
    typist.passwords = ["", "copper meadow signal"]  # nothing to type in the sign-in; then the new password
    startup = _start(trust, tmp_path, "jane.smith")
    try:
        qtbot.waitUntil(lambda: startup.window is not None, timeout=15_000)
        assert [type(dialog).__name__ for dialog in typist.shown] == ["SignInDialog", "SetPasswordDialog"]
        assert typist.shown[0].mode is SignInMode.FIRST_PASSWORD and not typist.shown[0].note.isHidden()
        assert typist.shown[1].windowTitle() == "Set your password"
        assert startup.window.context.user.username == "jane.smith"
        assert sign_in(startup.db, "jane.smith", "copper meadow signal").username == "jane.smith"
    finally:
        _finish(qtbot, startup)


def test_a_primary_user_sets_someone_elses_password_from_the_file_menu(qtbot, trust, tmp_path, monkeypatch) -> None:
    from tests.gui_helpers import close_window, open_window

    shown: list[SetPasswordDialog] = []

    def set_password_exec(dialog: SetPasswordDialog) -> int:
        shown.append(dialog)
        dialog.show()
        qtbot.keyClicks(dialog.new, "copper meadow signal")
        qtbot.keyClicks(dialog.repeat, "copper meadow signal")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10_000)
        return dialog.result()

    monkeypatch.setattr(set_password_dialog.SetPasswordDialog, "exec", set_password_exec)
    window = open_window(qtbot, trust, tmp_path, "jane.smith")
    try:
        assert window.set_user_password_action.isVisible() and window.change_password_action.isVisible()
        window.set_user_password_action.trigger()
        qtbot.waitUntil(lambda: bool(shown) and "password was set" in window.statusBar().currentMessage())
        assert shown[0].windowTitle() == "Set a user's password"
        assert [shown[0].user_choice.itemText(i) for i in range(shown[0].user_choice.count())] == [
            "Sam Patel (sam.patel)"
        ]
        assert sign_in(trust, "sam.patel", "copper meadow signal").username == "sam.patel"
    finally:
        close_window(window)
    sam_window = open_window(qtbot, trust, tmp_path, "sam.patel")
    try:
        assert not sam_window.set_user_password_action.isVisible()  # only a primary user sets others' passwords
    finally:
        close_window(sam_window)
