"""Starting the GUI: open the database off the UI thread, sign in, attach the window.

``desktop.launch`` has already put the main window's frame on screen; this
module does the rest. Every step that touches the database runs through
``Operations``; a failure at any step is one clear message and a non-zero
exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog

from db.engine import Database, DatabaseTarget
from db.errors import TrustDeskError
from db.migrate import open_database
from db.queries.sign_in import SignInMode, sign_in_mode
from db.queries.trust import is_empty
from db.queries.users import UserRow, list_users
from desktop.dialogs.errors import show_error
from desktop.dialogs.sign_in import SignedIn, signed_in
from desktop.kit.bus import DataBus
from desktop.kit.context import AppContext, Navigator
from desktop.kit.ops import Operations
from desktop.main_window import MainWindow
from desktop.paths import AppPaths
from desktop.settings_file import open_settings

log = logging.getLogger(__name__)


def build_context(db: Database, user: UserRow, paths: AppPaths, settings: QSettings, ops: Operations) -> AppContext:
    bus = DataBus()
    ops.bus = bus  # the operation publishes what its action changed
    return AppContext(db=db, user=user, ops=ops, bus=bus, settings=settings, navigator=Navigator(), paths=paths)


class Startup(QObject):
    """Drives start-up as a chain of callbacks so the event loop is always running."""

    #: start-up ended without a main window (cancelled, or failed): the exit status; run_gui quits on it
    finished = Signal(int)

    def __init__(
        self,
        app: QApplication,
        target: DatabaseTarget | None,
        paths: AppPaths,
        *,
        demo: bool,
        username: str | None,
        settings: QSettings | None = None,
        remembered: bool = False,
        frame: MainWindow | None = None,
    ):
        super().__init__()
        self.app = app
        self.target = target
        self.paths = paths
        self.demo = demo
        self.username = username
        self.settings = settings if settings is not None else open_settings(paths)
        #: the database came from the welcome dialog (now or on an earlier run): on failure, ask again
        self.from_welcome = remembered
        #: the welcome dialog's new trust: name, UID, the user's name, username and password (kept only
        #: until the trust is created and they are signed in with it)
        self.new_trust: tuple[str, str, str, str, str] | None = None
        #: the main window's frame already on screen (desktop.launch), attached once someone is signed in
        self.frame = frame
        # Dialogs come and go before the main window exists (welcome, progress, sign-in); closing
        # one of them must not end the program. Restored once the main window is shown.
        app.setQuitOnLastWindowClosed(False)
        self.ops = Operations(self, default_failure=lambda error: show_error(None, error))
        self.db: Database | None = None
        self.window: MainWindow | None = None
        self.exit_code = 0
        #: how the signed-in user proved who they are (a shared database: its login)
        self.sign_in_mode = SignInMode.LOGIN

    def _say(self, text: str) -> None:
        """What start-up is doing, in the frame (if there is one and it has no panels yet)."""
        if self.frame is not None and not self.frame.attached:
            self.frame.show_opening(text)

    def _quit(self, code: int) -> None:
        self.exit_code = code
        self.finished.emit(code)

    def start(self) -> None:
        if self.target is None:
            QTimer.singleShot(0, self._welcome)
            return
        target = _with_saved_password(self.target)
        self._say(f"Opening {target.display}…")
        self.ops.query(lambda: open_database(target), self._opened, self._fail)

    def finish(self, code: int) -> int:
        """After the event loop: let the work under way end, then close the database."""
        self.ops.shutdown(30_000)
        if self.db is not None:
            self.db.dispose()
        return code or self.exit_code

    def switch_database(self, target: DatabaseTarget) -> None:
        """File › Connect to database…: open the new one first; only then replace the window.

        If it cannot be opened the current window stays, with the reason.
        """

        def opened(db: Database) -> None:
            from desktop import recent_databases
            from desktop.first_run import remember_database

            old = self.db
            self.target, self.db, self.username = target, db, None
            recent_databases.remember(self.settings, target)
            remember_database(self.settings, target, demo=False)
            if self.window is not None:
                self.window.save_layout()
                self.window.hide()
            if old is not None:
                old.dispose()  # connections still in use by a running read close when it returns them
            self._choose_user()

        self.ops.query(lambda: open_database(target), opened, lambda error: show_error(self.window, error))

    def _fail(self, error: TrustDeskError) -> None:
        log.error("Start-up failed: %s", error.message)
        if self.from_welcome and self.window is None:
            self._forget_failed_database()
            self._welcome(error.message)
            return
        show_error(self.frame, error)
        self._quit(2)

    # -- first run ------------------------------------------------------------------------
    def _welcome(self, message: str = "") -> None:
        """No database yet (or the chosen one failed): ask how to start."""
        from desktop.dialogs.welcome_dialog import Choice, WelcomeDialog

        self._say("Welcome to TrustDesk")
        dialog = WelcomeDialog(str(self.paths.default_database), message, self.frame)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice is None:
            self._quit(0)
            return
        choice = dialog.choice
        self.from_welcome = True
        self.new_trust = None
        self.username = None
        try:
            if choice.kind is Choice.DEMO:
                self.target, self.demo = DatabaseTarget.parse(str(self.paths.demo_database)), True
            elif choice.kind is Choice.CONNECT:
                if choice.target is None:  # the dialog always gives one; refuse rather than guess
                    self._welcome("Enter the shared database's server, database and login.")
                    return
                self.target, self.demo = choice.target, False
            else:
                self.target, self.demo = DatabaseTarget.parse(str(self.paths.default_database)), False
                self.new_trust = (
                    choice.trust_name,
                    choice.trust_uid,
                    choice.display_name,
                    choice.username,
                    choice.password,
                )
        except TrustDeskError as error:
            self._welcome(error.message)
            return
        log.info("Welcome dialog: %s (%s)", choice.kind.value, self.target.display)
        target = self.target
        self._say(f"Opening {target.display}…")
        self.ops.query(lambda: open_database(target), self._opened, self._fail)

    def _forget_failed_database(self) -> None:
        from desktop.first_run import forget_database

        if self.db is not None:
            self.db.dispose()
            self.db = None
        forget_database(self.settings)

    def _create_trust(self, db: Database) -> None:
        from db.services.trust_setup import create_new_trust

        assert self.new_trust is not None
        trust_name, trust_uid, display_name, username, password = self.new_trust
        self.new_trust = None

        def created_and_signed_in(result: SignedIn) -> None:
            self.sign_in_mode = SignInMode.PASSWORD
            self._signed_in(result)

        def create_then_sign_in() -> SignedIn:
            made = create_new_trust(db, trust_name, trust_uid, display_name, username, password)
            # They typed the password a moment ago: signing in with it is the same proof as the dialog's.
            return signed_in(db, made.username, password)

        self._say(f"Creating {trust_name}…")
        self.ops.action(
            lambda _progress: create_then_sign_in(),
            created_and_signed_in,
            self._fail,
            title="Creating the trust database…",
        )

    def _opened(self, db: Database) -> None:
        self.db = db
        if self.from_welcome and self.target is not None:
            from desktop.first_run import remember_database

            remember_database(self.settings, self.target, demo=self.demo)
        if self.new_trust is not None:
            self._create_trust(db)
        elif self.demo:
            self.ops.query(lambda: is_empty(db), self._maybe_build_demo, self._fail)
        else:
            self._choose_user()

    def _maybe_build_demo(self, empty: bool) -> None:
        if not empty:
            self._choose_user()
            return
        from db.demo import build_demo

        db = self.db
        assert db is not None
        self._say("Building the demo trust…")
        self.ops.action(
            lambda progress: build_demo(db, scale="small", seed=1, progress=progress.report),
            lambda _summary: self._choose_user(),
            self._fail,
            title="Building the demo trust…",
            progress_dialog=True,
            parent=self.frame,
        )

    def _choose_user(self) -> None:
        db = self.db
        assert db is not None
        if not db.target.is_sqlite:
            # A shared database: the person's own login says who is acting (no sign-in dialog).
            from db.queries.users import user_for_login

            self.sign_in_mode = SignInMode.LOGIN
            self.ops.query(lambda: user_for_login(db), self._show_window, self._fail)
            return
        self.ops.query(lambda: (list_users(db), sign_in_mode(db)), self._users_loaded, self._fail)

    def _users_loaded(self, loaded: tuple[list[UserRow], SignInMode]) -> None:
        """The sign-in dialog; ``--user`` only chooses the user in it, except in the demo (no passwords)."""
        db = self.db
        assert db is not None
        users, self.sign_in_mode = loaded
        if not users:
            self._fail(
                TrustDeskError(
                    f"{db.display} has no TrustDesk users yet. Open the demo trust with `trustdesk --demo` to try it."
                )
            )
            return
        wanted = self.username or None
        user = next((u for u in users if u.username == wanted), None)
        if wanted and user is None:
            self._fail(TrustDeskError(f"There is no user called “{wanted}” in {db.display}."))
            return
        if user is not None and self.sign_in_mode is SignInMode.DEMO:
            self._signed_in(SignedIn(user, must_set_password=False))
            return
        from desktop.dialogs.sign_in import SignInDialog

        self._say(f"Sign in to {db.display}")
        preselect = wanted or str(self.settings.value("last_user", "")) or None
        dialog = SignInDialog(db, self.ops, users, self.sign_in_mode, preselect, self.frame)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.signed_in is None:
            self._quit(0)
            return
        self._signed_in(dialog.signed_in)

    def _signed_in(self, signed_in: SignedIn) -> None:
        """Someone proved who they are; on a file made before passwords, they set theirs first."""
        user = signed_in.user
        if signed_in.must_set_password:
            from desktop.dialogs.set_password import SetPasswordDialog

            assert self.db is not None
            dialog = SetPasswordDialog(
                self.db,
                self.ops,
                user,
                user,
                ask_current=False,
                intro="Nobody has a password on this file yet. Set yours now: from now on TrustDesk asks for it; "
                "then set each user's password with File › Set a user's password….",
                parent=self.frame,
            )
            if dialog.exec() != QDialog.DialogCode.Accepted:
                self._quit(0)
                return
            self.sign_in_mode = SignInMode.PASSWORD
        self.settings.setValue("last_user", user.username)
        self._show_window(user)

    def _show_window(self, user: UserRow) -> None:
        assert self.db is not None
        self.ops.default_failure = None
        context = build_context(self.db, user, self.paths, self.settings, self.ops)
        if self.frame is not None and not self.frame.attached:
            window, self.frame = self.frame, None
            window.attach(context, rest_after_first_rows=True)  # start-up: the first rows first
        else:
            window = MainWindow(context)
        self.ops.default_failure = lambda error: show_error(window, error)
        window.switch_user_requested.connect(self._switch_user)
        window.database_chosen.connect(self.switch_database)
        window.show()
        self.app.setQuitOnLastWindowClosed(True)
        if self.window is not None:
            self.window.deleteLater()
        self.window = window
        from desktop.first_run import main_window_ready

        # Passwords are for a SQLite file outside the demo (a shared database's logins decide there).
        window.change_password_action.setVisible(self.sign_in_mode is SignInMode.PASSWORD)
        window.set_user_password_action.setVisible(self.sign_in_mode is SignInMode.PASSWORD and user.is_primary)
        main_window_ready(window, user.username, self.db.display)
        from desktop.modules.inbox.daily import start_daily_reminders

        # once a day per database, whoever starts first; after the first rows, which it would slow
        context.navigator.after_first_view(lambda: start_daily_reminders(context), window)

    def _switch_user(self) -> None:
        if self.db is not None and not self.db.target.is_sqlite:
            show_error(
                self.window,
                TrustDeskError(
                    "On a shared database you act as your own database login. "
                    "To act as someone else, use File › Connect to database… with their login."
                ),
            )
            return
        self.app.setQuitOnLastWindowClosed(False)
        if self.window is not None:
            self.window.save_layout()
            self.window.hide()
        self.username = None
        self._choose_user()


def _with_saved_password(target: DatabaseTarget) -> DatabaseTarget:
    """A server address without a password: use the one kept in the system keyring, if any."""
    url = target.url
    if target.is_sqlite or url.password or not url.username:
        return target
    from desktop.passwords import load_password

    saved = load_password(url.username, url.host or "", url.port or 5432, url.database or "")
    return target.with_password(saved) if saved else target


def continue_start(
    args: argparse.Namespace, app: QApplication, paths: AppPaths, settings: QSettings, frame: MainWindow
) -> Startup | None:
    """From desktop.launch, once this module is imported: which database, then the start-up chain.

    None if the command line names no usable database (e.g. a --db that is neither a path nor a
    URL): that is said in a dialog and the program exits 2, rather than guessing another one.
    """
    from desktop.first_run import plan_start

    try:
        plan = plan_start(args, paths, settings)
    except TrustDeskError as error:
        show_error(frame, error)
        app.exit(2)
        return None
    startup = Startup(
        app,
        plan.target,
        paths,
        demo=plan.demo,
        username=args.user,
        settings=settings,
        remembered=plan.remembered,
        frame=frame,
    )
    startup.finished.connect(app.exit)
    startup.start()
    return startup
