"""Starting the GUI: open the database off the UI thread, sign in, show the window.

Every step that touches the database runs through ``Operations``; a failure
at any step is one clear message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys

from PySide6.QtCore import QObject, QSettings
from PySide6.QtWidgets import QApplication, QDialog

from db.engine import Database, DatabaseTarget
from db.errors import TrustDeskError
from db.migrate import open_database
from db.queries.trust import is_empty
from db.queries.users import UserRow, list_users
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

    def __init__(self, app: QApplication, target: DatabaseTarget, paths: AppPaths, *, demo: bool, username: str | None):
        super().__init__()
        self.app = app
        self.target = target
        self.paths = paths
        self.demo = demo
        self.username = username
        self.settings = open_settings(paths)
        self.ops = Operations(self, default_failure=lambda error: show_error(None, error))
        self.db: Database | None = None
        self.window: MainWindow | None = None
        self.exit_code = 0

    def start(self) -> None:
        target = _with_saved_password(self.target)
        self.ops.query(lambda: open_database(target), self._opened, self._fail)

    def switch_database(self, target: DatabaseTarget) -> None:
        """File › Connect to database…: open the new one first; only then replace the window.

        If it cannot be opened the current window stays, with the reason.
        """

        def opened(db: Database) -> None:
            from desktop import recent_databases

            old = self.db
            self.target, self.db, self.username = target, db, None
            recent_databases.remember(self.settings, target)
            if self.window is not None:
                self.window.save_layout()
                self.window.hide()
            if old is not None:
                old.dispose()  # connections still in use by a running read close when it returns them
            self._choose_user()

        self.ops.query(lambda: open_database(target), opened, lambda error: show_error(self.window, error))

    def _fail(self, error: TrustDeskError) -> None:
        log.error("Start-up failed: %s", error.message)
        show_error(None, error)
        self.exit_code = 2
        self.app.exit(2)

    def _opened(self, db: Database) -> None:
        self.db = db
        if self.demo:
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

            dialog = SignInDialog(users, db.display, str(self.settings.value("last_user", "")) or None)
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen is None:
                self.app.exit(0)
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
        if self.window is not None:
            self.window.deleteLater()
        self.window = window

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


def run_gui(args: argparse.Namespace) -> int:
    paths = AppPaths.under_or_default(args.data_dir)
    paths.ensure()
    app = create_application()
    if args.demo:
        target = DatabaseTarget.parse(args.db) if args.db else DatabaseTarget.parse(str(paths.demo_database))
    else:
        from desktop.recent_databases import last

        target = DatabaseTarget.resolve(args.db or last(open_settings(paths)), paths.default_database)
    startup = Startup(app, target, paths, demo=args.demo, username=args.user)
    startup.start()
    code = app.exec()
    startup.ops.wait_for_done(30_000)
    if startup.db is not None:
        startup.db.dispose()
    return code or startup.exit_code
