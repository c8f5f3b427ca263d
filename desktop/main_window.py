"""The main window: docks, menus and the status bar — and nothing else.

Panels do their own work; the window only hosts them, saves and restores the
layout, and shows what is running.

The window comes up in two steps so that a double-click answers at once. The
*frame* (title, menus, status bar, the saved size and place, "Opening …") needs
only Qt and is on screen before the database layer is even imported; ``attach``
then brings in the panels for the signed-in user. Nothing in this module may
import SQLAlchemy at module level: ``desktop.launch`` shows the frame first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QRect, QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from desktop.action_progress import ActionProgress
from desktop.kit.icons import icon

if TYPE_CHECKING:
    from desktop.docks import Docks
    from desktop.kit.context import AppContext
    from desktop.kit.panel import Panel

#: 2: docks are named after their module ("users_groups" was "groups"); an older saved layout is ignored
LAYOUT_VERSION = 2


class MainWindow(QMainWindow):
    switch_user_requested = Signal()
    database_chosen = Signal(object)  # db.engine.DatabaseTarget, from File › Connect to database…
    #: closed by the user before it was attached (while the database was opening): start-up should stop
    closed_before_ready = Signal()
    #: the panels, made by ``attach``
    docks: Docks

    def __init__(
        self,
        context: AppContext | None = None,
        *,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """The frame; with a ``context``, attached at once (switching user, tests, screenshots)."""
        super().__init__(parent)
        if context is not None:
            settings = context.settings
        elif settings is None:
            raise ValueError("a MainWindow needs a context or the settings to restore its frame from")
        self.settings: QSettings = settings
        self.context: AppContext | None = None
        self.panels: dict[str, Panel] = {}
        self.setObjectName("main_window")
        self.setWindowTitle("TrustDesk")
        self.setWindowIcon(icon("app"))
        self.setDockNestingEnabled(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        self._guide: QDialog | None = None
        self._fitted = False
        self._build_frame_menus()
        self._build_status_bar()
        self.setCentralWidget(self._opening_view())
        self.resize(1360, 820)
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if context is not None:
            self.attach(context)

    def _opening_view(self) -> QWidget:
        """What the frame shows until the panels are there: which database, and that it is busy.

        Centred by stretches, not alignment flags: nothing on screen before the window may touch a
        ``Qt`` enum, whose first use makes PySide6 build the whole ``Qt`` namespace (~15 ms; see
        resources_qt/style.py), and this view is on screen before the window is.
        """
        view = QWidget()
        layout = QVBoxLayout(view)
        layout.addStretch(2)
        logo = QLabel()
        logo.setPixmap(icon("app").pixmap(72, 72))
        layout.addLayout(_centred(logo))
        name = QLabel("TrustDesk")
        font = name.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        name.setFont(font)
        layout.addLayout(_centred(name))
        self.opening_label = QLabel("Opening the database…")
        layout.addLayout(_centred(self.opening_label))
        busy = QProgressBar()
        busy.setRange(0, 0)
        busy.setTextVisible(False)
        busy.setFixedWidth(240)
        layout.addLayout(_centred(busy))
        layout.addStretch(3)
        return view

    def show_opening(self, text: str) -> None:
        """Say what start-up is doing (opening which database, building the demo…)."""
        self.opening_label.setText(text)

    @property
    def attached(self) -> bool:
        return self.context is not None

    def attach(self, context: AppContext, *, rest_after_first_rows: bool = False) -> None:
        """Bring in the panels for the signed-in user and restore the saved dock layout.

        With ``rest_after_first_rows`` (start-up) only the panels the window will show are made now
        (``desktop.front_panels``); the others come once the first rows are on screen
        (``Docks.bring_in_the_rest``), or the moment something asks for one.
        """
        from PySide6.QtCore import Qt  # not at import time: see _opening_view

        from desktop.docks import Docks, route_table
        from desktop.front_panels import panels_on_screen
        from desktop.modules import MODULES
        from desktop.preferences import load_preferences

        if self.context is not None:
            raise RuntimeError("this window is already attached to a database")
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, self.tabPosition(Qt.DockWidgetArea.TopDockWidgetArea))
        self.context = context
        self.settings = context.settings
        # Qt adds " — TrustDesk" (the application's display name) itself: naming it here made it twice.
        self.setWindowTitle(window_title(context.db.target.short_name, context.user.display_name))
        opening = self.takeCentralWidget()
        if opening is not None:
            opening.deleteLater()
        first_name = load_preferences(self.settings).first_panel
        self.docks = Docks(self, context, first_name)
        self.panels = self.docks.panels
        state = self.settings.value("window/state")
        first_ones = panels_on_screen(self.settings) if rest_after_first_rows else MODULES
        self.docks.bring_in(first_ones, state if isinstance(state, QByteArray) else None, LAYOUT_VERSION)
        self._routes = route_table(MODULES)
        # Bound methods, not lambdas: the navigator outlives this window, and Qt only drops a connection
        # by itself when its receiver is a QObject that is destroyed.
        context.navigator.route_requested.connect(self._follow_route)
        self._fill_menus()
        user = context.user
        self.user_label.setText(f"Signed in as {user.display_name}")
        self.user_label.setToolTip(user.roles)
        self.user_label.show()
        self.set_database_label(context.db.display)
        self.action_progress.follow(context.ops)
        context.navigator.status_message.connect(self._show_status)
        first = self.panels.get(first_name)
        if first is not None:
            first.activate()
        if self.isVisible():
            fit_to_screen(self)  # the panels' minimum size may have grown the frame
        if not self.docks.complete:
            context.navigator.after_first_view(self.docks.bring_in_the_rest, self)

    def panel(self, name: str) -> Panel:
        """Module ``name``'s panel, made now if start-up has not brought it in yet."""
        return self.docks.get(name)

    def _follow_route(self, route: str, value: object) -> None:
        from desktop.docks import follow_route

        follow_route(self._routes, self.panel, route, value)

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def set_database_label(self, display: str) -> None:
        self.database_label.setText(f"Database: {display}")
        self.database_label.setToolTip(display)
        self.database_label.show()

    # -- building ----------------------------------------------------------------
    def _build_frame_menus(self) -> None:
        """The menu bar as it will be, so nothing moves when the panels arrive; filled by ``attach``."""
        self.file_menu = self.menuBar().addMenu("&File")
        self.file_menu.addSeparator()
        self.quit_action = QAction("&Quit", self)
        _set_standard_shortcut(self.quit_action, QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        self.file_menu.addAction(self.quit_action)
        self.view_menu = self.menuBar().addMenu("&View")
        self.help_menu = self.menuBar().addMenu("&Help")
        guide = QAction(icon("help"), "&User guide", self)
        _set_standard_shortcut(guide, QKeySequence.StandardKey.HelpContents)
        guide.triggered.connect(self.show_user_guide)
        self.help_menu.addAction(guide)

    def _fill_menus(self) -> None:
        from desktop.docks import fill_view_menu, module_actions
        from desktop.modules import MODULES

        assert self.context is not None
        quit_separator = self.file_menu.actions()[0]
        switch = QAction(icon("user"), "Switch &user…", self)
        switch.triggered.connect(self.switch_user_requested)
        #: a SQLite file's own passwords (A3); hidden on a shared database, and by start-up in the demo
        self.change_password_action = QAction("Change my &password…", self)
        self.change_password_action.triggered.connect(self.change_password)
        self.change_password_action.setVisible(self.context.db.target.is_sqlite)
        self.set_user_password_action = QAction("Set a user's pass&word…", self)
        self.set_user_password_action.triggered.connect(self.set_user_password)
        self.set_user_password_action.setVisible(self.context.db.target.is_sqlite and self.context.user.is_primary)
        connect = QAction(icon("database"), "&Connect to database…", self)
        connect.triggered.connect(self._connect_database)
        password_actions = [self.change_password_action, self.set_user_password_action]
        self.file_menu.insertActions(quit_separator, [switch, *password_actions, connect])
        self.file_menu.insertSeparator(quit_separator)
        #: every module's File menu entries by their name (``MenuAction.name``)
        self.module_actions = module_actions(self, self.file_menu, quit_separator, MODULES, self.panel)
        self.trust_settings_action = QAction(icon("organisations"), "&Trust settings…", self)
        self.trust_settings_action.setObjectName("trust_settings")
        self.trust_settings_action.setToolTip("For primary users and administrators of the trust's organisations")
        self.trust_settings_action.setEnabled(False)  # until the check below says this user may
        self.trust_settings_action.triggered.connect(self.show_trust_settings)
        self.file_menu.insertAction(quit_separator, self.trust_settings_action)
        self.context.navigator.after_first_view(self._check_trust_settings, self)
        self.context.bus.changed.connect(
            lambda change: self._check_trust_settings() if change.kind == "users" else None
        )
        self.preferences_action = QAction(icon("settings"), "Pre&ferences…", self)
        _set_standard_shortcut(self.preferences_action, QKeySequence.StandardKey.Preferences)
        self.preferences_action.triggered.connect(self.show_preferences)
        self.file_menu.insertAction(quit_separator, self.preferences_action)

        self.panel_actions = fill_view_menu(self.view_menu, MODULES, self.panel)
        self.view_menu.addSeparator()
        self.close_panel_action = QAction("&Close panel", self)
        _set_standard_shortcut(self.close_panel_action, QKeySequence.StandardKey.Close)
        self.close_panel_action.setToolTip("Close the panel you are working in; bring it back from this menu")
        self.close_panel_action.triggered.connect(self.close_front_panel)
        self.view_menu.addAction(self.close_panel_action)
        reset = QAction("&Reset layout", self)
        reset.triggered.connect(lambda: self.reset_layout())
        self.view_menu.addAction(reset)

        audit = QAction(icon("audit"), "Audit &log…", self)
        audit.triggered.connect(self._audit_log)
        self.help_menu.addAction(audit)
        self.help_menu.addSeparator()
        about = QAction(icon("about"), "&About TrustDesk", self)
        about.triggered.connect(self._about)
        self.help_menu.addAction(about)

    def reset_layout(self, available: QRect | None = None) -> None:
        """Every panel back as a tab, the chosen first panel in front, the window within the screen.

        Re-docking a floating panel puts it beside the others before it joins the tabs, which widened
        the window past the screen's edge; ``available`` (tests) stands for the screen's free area.
        """
        from desktop.docks import apply_default_layout
        from desktop.preferences import load_preferences

        self.docks.add_missing()  # at once: every panel takes part in the default layout
        apply_default_layout(self, self.panels, load_preferences(self.settings).first_panel)
        if self.isMaximized() or self.isFullScreen():
            self.showNormal()
        # The tabs' smaller minimum width counts only once the dock layout is redone; until then
        # the window cannot be made narrower than the panels side by side.
        layout = self.layout()
        assert layout is not None  # a QMainWindow always has its own layout
        layout.invalidate()
        layout.activate()
        fit_to_screen(self, available)

    def close_front_panel(self) -> None:
        """View › Close panel: hides the panel being worked in (View › its name brings it back)."""
        from desktop.docks import front_panel

        panel = front_panel(self, self.panels)
        if panel is not None:
            panel.close()

    def show_preferences(self) -> None:
        from desktop.dialogs.preferences_dialog import PreferencesDialog
        from desktop.modules import MODULES

        assert self.context is not None
        PreferencesDialog(self.settings, [(m.name, m.title) for m in MODULES], self).exec()

    def _check_trust_settings(self) -> None:
        """Offer File › Trust settings… only to those who may change them (asked in the background)."""
        from db.queries.trust_settings import can_edit_trust_settings

        assert self.context is not None
        db, user_id, action = self.context.db, self.context.user.id, self.trust_settings_action
        self.context.ops.query(lambda: can_edit_trust_settings(db, user_id), action.setEnabled, lambda _error: None)

    def show_trust_settings(self) -> None:
        from desktop.dialogs.trust_settings_dialog import TrustSettingsDialog

        assert self.context is not None
        TrustSettingsDialog(self.context, self).exec()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.action_progress = ActionProgress(bar)
        # the window's names for them, as tests and screenshots find them
        self.activity_label = self.action_progress.label
        self.cancel_button = self.action_progress.cancel_button
        self.user_label = QLabel()
        self.database_label = QLabel()
        self.user_label.hide()
        self.database_label.hide()
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.database_label)

    # -- layout persistence ---------------------------------------------------------
    def save_layout(self) -> None:
        """Size and place always; the docks only once there are docks to describe."""
        self.settings.setValue("window/geometry", self.saveGeometry())
        # Not before every panel is in: the saved places of those still to come would be lost.
        if self.attached and self.docks.complete:
            from desktop.front_panels import remember_on_screen

            self.settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
            remember_on_screen(self.settings, [panel.object_name for panel in self.docks.on_screen()])
        self.settings.sync()

    def showEvent(self, event: QShowEvent) -> None:
        """The first time on screen, within the screen: the default size, or a size saved on a larger
        screen (a docking station's), must not hang off a 1366×768 laptop's edge or under its taskbar."""
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            fit_to_screen(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.context is None:
            self.save_layout()
            super().closeEvent(event)
            self.closed_before_ready.emit()
            return
        if any(op.is_action for op in self.context.ops.running):
            answer = QMessageBox.question(
                self,
                "Work in progress",
                "TrustDesk is still saving a change. Wait for it to finish before closing?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            )
            if answer == QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.save_layout()
        super().closeEvent(event)

    def _connect_database(self) -> None:
        from desktop.dialogs.connect_dialog import ConnectDialog

        assert self.context is not None
        dialog = ConnectDialog(self.context.settings, self.context.db.display, self)
        if dialog.exec() and dialog.target is not None:
            self.database_chosen.emit(dialog.target)

    def change_password(self) -> None:
        from desktop.dialogs.set_password import change_own_password

        assert self.context is not None
        change_own_password(self.context, self)

    def set_user_password(self) -> None:
        from desktop.dialogs.set_password import set_a_users_password

        assert self.context is not None
        set_a_users_password(self.context, self)

    def _audit_log(self) -> None:
        from desktop.dialogs.audit_viewer import open_audit_viewer

        assert self.context is not None
        open_audit_viewer(self.context, self)

    def _about(self) -> None:
        from desktop.dialogs.about_dialog import AboutDialog

        assert self.context is not None
        AboutDialog(self.context.db.display, self.context.paths, self).exec()

    def show_user_guide(self) -> None:
        """Non-modal, so the guide can stay open beside the window it describes."""
        from desktop.dialogs.user_guide_dialog import UserGuideDialog

        if self._guide is None:
            self._guide = UserGuideDialog(self)
        self._guide.show()
        self._guide.raise_()
        self._guide.activateWindow()


def window_title(database: str, user: str) -> str:
    """The database's name and who is signed in; Qt adds the application's display name ("TrustDesk").

    No ``[*]``: every change is saved as it is made, so the window is never "modified".
    """
    return f"{database} — {user}"


def fit_to_screen(window: QWidget, available: QRect | None = None) -> None:
    """Shrink and move ``window`` (frame included) into ``available``, by default its screen's free area.

    ``QScreen.availableGeometry`` leaves out the taskbar; a 1280×720 laptop must see the whole window.
    """
    if available is None:
        screen = window.screen()
        if screen is None:
            return
        available = screen.availableGeometry()
    frame, inner = window.frameGeometry(), window.geometry()
    extra_w, extra_h = frame.width() - inner.width(), frame.height() - inner.height()
    width = max(1, min(inner.width(), available.width() - extra_w))
    height = max(1, min(inner.height(), available.height() - extra_h))
    if (width, height) != (inner.width(), inner.height()):
        window.resize(width, height)
    frame = window.frameGeometry()
    x = min(max(frame.x(), available.left()), available.right() + 1 - frame.width())
    y = min(max(frame.y(), available.top()), available.bottom() + 1 - frame.height())
    if (x, y) != (frame.x(), frame.y()):
        window.move(max(x, available.left()), max(y, available.top()))


def _centred(widget: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget)
    row.addStretch(1)
    return row


def _set_standard_shortcut(action: QAction, key: QKeySequence.StandardKey) -> None:
    """What ``setShortcut(key)`` does, by another route: choosing among ``setShortcut``'s overloads
    makes PySide6 build its ``Qt`` namespace (~15 ms), and these actions exist before the window shows."""
    action.setShortcuts(QKeySequence.keyBindings(key))
