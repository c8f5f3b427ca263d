"""Starting the GUI: open the database off the UI thread, sign in, show the window.

Every step that touches the database runs through ``Operations``; a failure
at any step is one clear message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from db.engine import Database, DatabaseTarget
from db.errors import TrustDeskError
from db.migrate import open_database
from db.queries.trust import is_empty
from db.queries.users import UserRow, list_users
from desktop import garbage
from desktop.bus import DataBus
from desktop.context import AppContext, Navigator
from desktop.dialogs.errors import show_error
from desktop.main_window import MainWindow
from desktop.ops import Operations
from desktop.paths import AppPaths

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    from resources_qt import load_resources
    from resources_qt.style import apply_style

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("TrustDesk")
    app.setOrganizationName("TrustDesk")
    app.setApplicationDisplayName("TrustDesk")
    garbage.install(app)
    load_resources()
    apply_style(app)
    from desktop.icons import icon

    app.setWindowIcon(icon("app"))
    return app


def open_settings(paths: AppPaths) -> QSettings:
    return QSettings(str(paths.settings_file), QSettings.Format.IniFormat)


def build_context(db: Database, user: UserRow, paths: AppPaths, settings: QSettings, ops: Operations) -> AppContext:
    return AppContext(db=db, user=user, ops=ops, bus=DataBus(), settings=settings, navigator=Navigator(), paths=paths)


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
        splash: QWidget | None = None,
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
        self.new_trust: tuple[str, str, str, str] | None = None
        self.splash = splash
        # Dialogs come and go before the main window exists (welcome, progress, sign-in); closing
        # one of them must not end the program. Restored once the main window is shown.
        app.setQuitOnLastWindowClosed(False)
        self.ops = Operations(self, default_failure=lambda error: show_error(None, error))
        self.db: Database | None = None
        self.window: MainWindow | None = None
        self.exit_code = 0

    def _hide_splash(self) -> None:
        """Before anything else appears: the splash stays on top of every other window."""
        if self.splash is not None:
            self.splash.close()
            self.splash.deleteLater()
            self.splash = None

    def _quit(self, code: int) -> None:
        self.exit_code = code
        self.finished.emit(code)

    def start(self) -> None:
        if self.target is None:
            QTimer.singleShot(0, self._welcome)
            return
        target = _with_saved_password(self.target)
        self.ops.query(lambda: open_database(target), self._opened, self._fail)

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
        self._hide_splash()
        if self.from_welcome and self.window is None:
            self._forget_failed_database()
            self._welcome(error.message)
            return
        show_error(None, error)
        self._quit(2)

    # -- first run ------------------------------------------------------------------------
    def _welcome(self, message: str = "") -> None:
        """No database yet (or the chosen one failed): ask how to start."""
        from desktop.dialogs.welcome_dialog import Choice, WelcomeDialog

        self._hide_splash()
        dialog = WelcomeDialog(str(self.paths.default_database), message)
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
                self.target, self.demo = DatabaseTarget.parse(choice.url), False
            else:
                self.target, self.demo = DatabaseTarget.parse(str(self.paths.default_database)), False
                self.new_trust = (choice.trust_name, choice.trust_uid, choice.display_name, choice.username)
        except TrustDeskError as error:
            self._welcome(error.message)
            return
        log.info("Welcome dialog: %s (%s)", choice.kind.value, self.target.display)
        target = self.target
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
        trust_name, trust_uid, display_name, username = self.new_trust

        def created(result: object) -> None:
            self.username = getattr(result, "username", None)
            self._choose_user()

        self.ops.action(
            lambda _progress: create_new_trust(db, trust_name, trust_uid, display_name, username),
            created,
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

        self._hide_splash()
        db = self.db
        assert db is not None
        self.ops.action(
            lambda progress: build_demo(db, scale="small", seed=1, progress=progress.report),
            lambda _summary: self._choose_user(),
            self._fail,
            title="Building the demo trust…",
            progress_dialog=True,
        )

    def _choose_user(self) -> None:
        db = self.db
        assert db is not None
        if not db.target.is_sqlite:
            # A shared database: the person's own login says who is acting (no sign-in dialog).
            from db.queries.users import user_for_login

            self.ops.query(lambda: user_for_login(db), self._show_window, self._fail)
            return
        self.ops.query(lambda: list_users(db), self._users_loaded, self._fail)

    def _users_loaded(self, users: list[UserRow]) -> None:
        db = self.db
        assert db is not None
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
        if user is None:
            from desktop.dialogs.sign_in import SignInDialog

            self._hide_splash()

            dialog = SignInDialog(users, db.display, str(self.settings.value("last_user", "")) or None)
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
                self._quit(0)
                return
            user = dialog.chosen
        self.settings.setValue("last_user", user.username)
        self._show_window(user)

    def _show_window(self, user: UserRow) -> None:
        assert self.db is not None
        self.ops.default_failure = None
        context = build_context(self.db, user, self.paths, self.settings, self.ops)
        window = MainWindow(context)
        self.ops.default_failure = lambda error: show_error(window, error)
        window.switch_user_requested.connect(self._switch_user)
        window.database_chosen.connect(self.switch_database)
        window.show()
        self._hide_splash()
        self.app.setQuitOnLastWindowClosed(True)
        if self.window is not None:
            self.window.deleteLater()
        self.window = window
        from desktop.first_run import main_window_shown

        main_window_shown(window, user.username, self.db.display)

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


def run_gui(args: argparse.Namespace, splash: QWidget | None = None) -> int:
    from desktop.first_run import install_excepthook, plan_start

    paths = AppPaths.under_or_default(args.data_dir)
    paths.ensure()
    install_excepthook(str(paths.logs / "trustdesk.log"))
    app = create_application()
    settings = open_settings(paths)
    plan = plan_start(args, paths, settings)
    startup = Startup(
        app,
        plan.target,
        paths,
        demo=plan.demo,
        username=args.user,
        settings=settings,
        remembered=plan.remembered,
        splash=splash,
    )
    startup.finished.connect(app.exit)
    startup.start()
    code = app.exec()
    startup.ops.shutdown(30_000)
    if startup.db is not None:
        startup.db.dispose()
    return code or startup.exit_code
