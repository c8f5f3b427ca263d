"""The main window: docks, menus and the status bar — and nothing else.

Panels do their own work; the window only hosts them, saves and restores the
layout, and shows what is running.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QMessageBox, QProgressBar, QWidget

from db.queries.activities import ActivityFilter
from desktop.context import AppContext
from desktop.icons import icon
from desktop.ops import Operation
from desktop.panels.base import Panel
from desktop.panels.registry import apply_default_layout, create_panels, fill_view_menu
from desktop.workbook_actions import WorkbookActions

LAYOUT_VERSION = 1


class MainWindow(QMainWindow):
    switch_user_requested = Signal()
    database_chosen = Signal(object)  # db.engine.DatabaseTarget, from File › Connect to database…

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setObjectName("main_window")
        self.setWindowTitle(f"TrustDesk — {context.user.display_name}")
        self.setWindowIcon(icon("app"))
        self.setDockNestingEnabled(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowNestedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
        )
        self.setTabPosition(Qt.DockWidgetArea.AllDockWidgetAreas, self.tabPosition(Qt.DockWidgetArea.TopDockWidgetArea))
        self._guide: QDialog | None = None
        self.panels: dict[str, Panel] = create_panels(self, context)
        self._build_menus()
        self._build_status_bar()
        context.ops.started.connect(self._operation_started)
        context.ops.finished.connect(self._operation_finished)
        context.navigator.status_message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.resize(1360, 820)
        self._restore_layout()

    # -- building ----------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        switch = QAction(icon("user"), "Switch &user…", self)
        switch.triggered.connect(self.switch_user_requested)
        file_menu.addAction(switch)
        connect = QAction(icon("database"), "&Connect to database…", self)
        connect.triggered.connect(self._connect_database)
        file_menu.addAction(connect)
        self.gias_action = QAction(icon("import"), "Import from &GIAS…", self)
        self.gias_action.triggered.connect(self.import_from_gias)
        file_menu.addAction(self.gias_action)
        file_menu.addSeparator()
        self.workbook_actions = WorkbookActions(self, self.context, self._activity_filter)
        file_menu.addAction(self.workbook_actions.export_action)
        file_menu.addAction(self.workbook_actions.import_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        self.view_menu = self.menuBar().addMenu("&View")
        fill_view_menu(self.view_menu, self.panels)
        self.view_menu.addSeparator()
        reset = QAction("&Reset layout", self)
        reset.triggered.connect(lambda: apply_default_layout(self, self.panels))
        self.view_menu.addAction(reset)

        self.help_menu = self.menuBar().addMenu("&Help")
        guide = QAction(icon("help"), "&User guide", self)
        guide.setShortcut(QKeySequence.StandardKey.HelpContents)
        guide.triggered.connect(self.show_user_guide)
        self.help_menu.addAction(guide)
        audit = QAction(icon("audit"), "Audit &log…", self)
        audit.triggered.connect(self._audit_log)
        self.help_menu.addAction(audit)
        self.help_menu.addSeparator()
        about = QAction(icon("about"), "&About TrustDesk", self)
        about.triggered.connect(self._about)
        self.help_menu.addAction(about)

    def _activity_filter(self) -> ActivityFilter:
        """The Partnership CPD panel's filter once it has been built, else the default one."""
        panel = self.panels.get("partnership_cpd")
        current = getattr(panel, "filter", None)
        return current if isinstance(current, ActivityFilter) else ActivityFilter()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.activity_label = QLabel()
        self.activity_progress = QProgressBar()
        self.activity_progress.setMaximumWidth(180)
        self.activity_progress.setTextVisible(False)
        self.activity_label.hide()
        self.activity_progress.hide()
        user = self.context.user
        self.user_label = QLabel(f"Signed in as {user.display_name}")
        self.user_label.setToolTip(user.roles)
        self.database_label = QLabel(f"Database: {self.context.db.display}")
        self.database_label.setToolTip(self.context.db.display)
        bar.addPermanentWidget(self.activity_label)
        bar.addPermanentWidget(self.activity_progress)
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.database_label)

    # -- progress of actions in the status bar ----------------------------------------
    def _operation_started(self, op: Operation) -> None:
        if not op.is_action:
            return
        self.activity_label.setText(op.title)
        self.activity_label.show()
        self.activity_progress.setRange(0, 0)
        self.activity_progress.show()
        op.progressed.connect(self._operation_progressed)

    def _operation_progressed(self, done: int, total: int, text: str) -> None:
        self.activity_progress.setRange(0, max(total, 1))
        self.activity_progress.setValue(min(done, total))
        if text:
            self.activity_label.setText(text)

    def _operation_finished(self, _op: Operation) -> None:
        if not any(op.is_action for op in self.context.ops.running):
            self.activity_label.hide()
            self.activity_progress.hide()

    # -- layout persistence ---------------------------------------------------------
    def _restore_layout(self) -> None:
        settings = self.context.settings
        geometry = settings.value("window/geometry")
        state = settings.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        settings = self.context.settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState(LAYOUT_VERSION))
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
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

        dialog = ConnectDialog(self.context.settings, self.context.db.display, self)
        if dialog.exec() and dialog.target is not None:
            self.database_chosen.emit(dialog.target)

    def _audit_log(self) -> None:
        from desktop.dialogs.audit_viewer import open_audit_viewer

        open_audit_viewer(self.context, self)

    def import_from_gias(self) -> None:
        from desktop.dialogs.gias_import_dialog import GiasImportDialog

        dialog = GiasImportDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _about(self) -> None:
        from desktop.dialogs.about_dialog import AboutDialog

        AboutDialog(self.context.db.display, self.context.paths, self).exec()

    def show_user_guide(self) -> None:
        """Non-modal, so the guide can stay open beside the window it describes."""
        from desktop.dialogs.user_guide_dialog import UserGuideDialog

        if self._guide is None:
            self._guide = UserGuideDialog(self)
        self._guide.show()
        self._guide.raise_()
        self._guide.activateWindow()
