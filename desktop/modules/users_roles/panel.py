"""Users & roles (A1): the trust's users, what each may do where, and the way into the permissions report.

The users an administrator sees come from ``list_admin_users`` (everyone for a
trust-wide administrator, a school's own users for a school's); someone who
administers no users sees a sentence saying so.  Every change is one service
call through ``ops.action`` from a small dialog or a confirmation; the
``USERS`` change it publishes reloads this panel and, because a user's reach
may have changed with their grants, every other panel (``Panel`` treats
``USERS`` as relevant to all).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from db.changes import DataChange
from db.errors import StaleData, TrustDeskError
from db.models import Module
from db.queries.user_admin import (
    AdminUserRow,
    GrantChoices,
    GrantRow,
    grant_choices,
    grants_of_user,
    holds_report,
    list_admin_users,
)
from db.queries.users import USERS
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.icons import icon
from desktop.kit.module import ModuleSpec
from desktop.kit.panel import Panel
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.users_roles import confirmed_changes
from desktop.modules.users_roles.grant_table_model import GrantTableModel
from desktop.modules.users_roles.tables import grow_columns, keep_users_sort, query_order_until_asked
from desktop.modules.users_roles.user_table_model import UserTableModel

NOT_AN_ADMINISTRATOR = "You do not administer users anywhere, so there is nobody to show here."
REPORT_ACTION = "permissions_report"  # the module's File menu entry (MenuAction.name)


class UsersRolesPanel(Panel):
    def __init__(self, module: ModuleSpec, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(module, context, parent)
        self.choices: GrantChoices | None = None
        self.may_report = False
        self._request = 0
        self._grants_request = 0
        self._wanted_user: int | None = None
        # The File menu item follows the report permission, whether or not this panel has been shown.
        context.bus.changed.connect(self._permission_may_have_changed)
        QTimer.singleShot(0, self, self.check_report_permission)  # after the window has made its menu items

    # -- building ----------------------------------------------------------------------------
    def create_widget(self) -> QWidget:
        root = QWidget()
        layout = QVBoxLayout(root)
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_action = self._action("add", "&Add user…", self.add_user, "Add a user; give them a role next")
        self.edit_action = self._action("edit", "&Edit user…", self.edit_user, "Change the name, e-mail or job")
        self.deactivate_action = self._action(
            "delete", "&Deactivate", lambda: self.set_active(False), "The user can do nothing; the audit keeps them"
        )
        self.reactivate_action = self._action("undo", "&Reactivate", lambda: self.set_active(True))
        self.primary_action = self._action(
            "user", "Make &primary user", lambda: self.set_primary(True), "Only a primary user gives this"
        )
        self.not_primary_action = self._action("reject", "No longer primar&y", lambda: self.set_primary(False))
        self.role_action = self._action("groups", "Give a &role…", self.give_role, "Fill in a standard role's grants")
        self.grant_action = self._action("authorise", "Give a &grant…", self.give_grant, "One module at one level")
        self.revoke_action = self._action("delete", "&Take away", self.take_away, "Take the selected grant away")
        self.login_action = self._action(
            "database",
            "&Link database login…",
            self.link_login,
            "The user's own PostgreSQL login opens TrustDesk as them",
        )
        self.report_action = self._action(
            "audit", "Permissions re&port…", self.open_permissions_report, "Every grant of every user"
        )
        for action in (
            self.add_action,
            self.edit_action,
            self.deactivate_action,
            self.reactivate_action,
            self.login_action,
        ):
            self.toolbar.addAction(action)
        # Making someone a primary user is rare: the row menu offers it, and the toolbar fits a laptop screen.
        self.toolbar.addSeparator()
        for action in (self.role_action, self.grant_action, self.revoke_action):
            self.toolbar.addAction(action)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.report_action)
        layout.addWidget(self.toolbar)

        #: the search, the users and their grants: hidden from someone who administers no users
        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search by name, username or e-mail…")
        self.search.setClearButtonEnabled(True)
        self.show_deactivated = QCheckBox("Show &deactivated users")
        self.count_label = QLabel()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.show_deactivated)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        content.addLayout(bar)
        self.note = QLabel(NOT_AN_ADMINISTRATOR)
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.hide()
        layout.addWidget(self.note, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = UserTableModel(self)
        self.table = data_table(self.model)
        query_order_until_asked(self.table)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._user_menu)
        self.table.doubleClicked.connect(lambda _index: self.edit_user())
        splitter.addWidget(self.table)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        self.grants_label = QLabel("Choose a user to see their grants.")
        self.grant_model = GrantTableModel(self)
        self.grant_table = data_table(self.grant_model)
        query_order_until_asked(self.grant_table)
        self.grant_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grant_table.customContextMenuRequested.connect(self._grant_menu)
        lower_layout.addWidget(self.grants_label)
        lower_layout.addWidget(self.grant_table, 1)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        content.addWidget(splitter, 1)
        layout.addWidget(self.content, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._timer.start)
        self.show_deactivated.toggled.connect(self.refresh)
        self.table.selectionModel().selectionChanged.connect(self._user_changed)
        self.grant_table.selectionModel().selectionChanged.connect(self._update_actions)
        self._sized = self._grants_sized = False
        self._update_actions()
        return root

    def _action(self, icon_name: str, text: str, slot: Callable[[], None], tip: str = "") -> QAction:
        action = QAction(icon(icon_name), text, self)
        action.setToolTip(tip or text.replace("&", ""))
        action.triggered.connect(slot)
        return action

    # -- loading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self._request += 1
        request, db, acting = self._request, self.context.db, self.context.user.id
        search, inactive = self.search.text(), self.show_deactivated.isChecked()

        def load() -> tuple[list[AdminUserRow], GrantChoices]:
            return list_admin_users(db, acting, include_inactive=inactive, search=search), grant_choices(db, acting)

        self.context.ops.query(load, lambda loaded: self._loaded(request, *loaded))
        self.check_report_permission()

    def _loaded(self, request: int, rows: list[AdminUserRow], choices: GrantChoices) -> None:
        if request != self._request:
            return  # an answer to a search since changed
        self.choices = choices
        self.model.set_rows(rows)
        if self._wanted_user is not None and self.select_user(self._wanted_user):
            self._wanted_user = None
        keep_users_sort(self.table)
        if rows:
            fit = grow_columns if self._sized else fit_columns  # once to fit, then only to grow
            fit(self.table, 280)
            self._sized = True
        administers = bool(rows) or bool(choices.organisations)
        self.note.setVisible(not administers)
        self.content.setVisible(administers)
        for action in self.toolbar.actions():  # the user actions and separators; the report button follows its own
            if action is self.login_action:
                action.setVisible(administers and not self.context.db.target.is_sqlite)  # a SQLite file has no logins
            elif action is not self.report_action:
                action.setVisible(administers)
        self.toolbar.setVisible(administers or self.may_report)
        count = f"{len(rows):,} user{'s' if len(rows) != 1 else ''}"
        self.count_label.setText(count if rows else "No user matches.")
        self._user_changed()

    def selected_user(self) -> AdminUserRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def selected_grant(self) -> GrantRow | None:
        rows = self.grant_table.selectionModel().selectedRows()
        return self.grant_model.row_at(rows[0].row()) if rows else None

    def select_user(self, user_id: int) -> bool:
        row = self.model.row_of_user(user_id)
        if row is not None:
            self.table.selectRow(row)
        return row is not None

    def _user_changed(self, *_args: object) -> None:
        user = self.selected_user()
        self._grants_request += 1
        request = self._grants_request
        if user is None:
            self.grant_model.set_rows([])
            self.grants_label.setText("Choose a user to see their grants.")
        else:
            self.grants_label.setText(f"Grants of {user.display_name}:")
            db, acting, target = self.context.db, self.context.user.id, user.id
            self.context.ops.query(
                lambda: grants_of_user(db, acting, target), lambda rows: self._grants_loaded(request, user, rows)
            )
        self._update_actions()

    def _grants_loaded(self, request: int, user: AdminUserRow, rows: list[GrantRow]) -> None:
        if request != self._grants_request:
            return
        self.grant_model.set_rows(rows)
        keep_users_sort(self.grant_table)
        if rows:
            fit = grow_columns if self._grants_sized else fit_columns  # once to fit, then only to grow
            fit(self.grant_table, 240)
            self._grants_sized = True
        count = f"{len(rows):,} grant{'s' if len(rows) != 1 else ''}" if rows else "no grants yet: give them a role"
        self.grants_label.setText(f"Grants of {user.display_name} — {count}")
        self._update_actions()

    def _update_actions(self, *_args: object) -> None:
        user, grant, choices = self.selected_user(), self.selected_grant(), self.choices
        deciding = choices is not None and bool(choices.organisations)
        primary = choices is not None and choices.is_primary
        self.add_action.setEnabled(deciding)
        self.edit_action.setEnabled(deciding and user is not None)
        self.login_action.setEnabled(deciding and user is not None and user.active)
        self.deactivate_action.setEnabled(deciding and user is not None and user.active)
        self.reactivate_action.setEnabled(deciding and user is not None and not user.active)
        self.primary_action.setEnabled(primary and user is not None and user.active and not user.is_primary)
        self.not_primary_action.setEnabled(primary and user is not None and user.is_primary)
        giving = deciding and user is not None and user.active
        self.role_action.setEnabled(giving and bool(choices and choices.roles))
        self.grant_action.setEnabled(giving and bool(choices and choices.modules))
        self.revoke_action.setEnabled(deciding and grant is not None)
        self.report_action.setEnabled(self.may_report)

    # -- the report permission and the File menu item ---------------------------------------
    def check_report_permission(self) -> None:
        db, acting = self.context.db, self.context.user.id
        self.context.ops.query(lambda: holds_report(db, acting, Module.PERMISSIONS_REPORT), self._report_checked)

    def _report_checked(self, may: bool) -> None:
        self.may_report = may
        menu_item = self.window().findChild(QAction, REPORT_ACTION)
        if menu_item is not None:
            menu_item.setEnabled(may)
            if not may:
                menu_item.setToolTip("The permissions report is a report permission that only a primary user gives.")
        if self._built:
            self._update_actions()
            self.toolbar.setVisible(not self.content.isHidden() or may)

    def _permission_may_have_changed(self, change: DataChange) -> None:
        if change.kind == USERS and not (self._built and self.isVisible()):
            self.check_report_permission()  # a visible panel checks again as it refreshes

    # -- the actions -------------------------------------------------------------------------
    def _user_menu(self, pos: QPoint) -> None:
        if not self.table.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        for action in (self.edit_action, self.deactivate_action, self.reactivate_action, self.login_action):
            if action.isVisible():
                menu.addAction(action)
        menu.addSeparator()
        menu.addActions([self.primary_action, self.not_primary_action])
        menu.addSeparator()
        menu.addActions([self.role_action, self.grant_action])
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def _grant_menu(self, pos: QPoint) -> None:
        if not self.grant_table.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        menu.addAction(self.revoke_action)
        menu.popup(self.grant_table.viewport().mapToGlobal(pos))

    def add_user(self) -> None:
        from desktop.modules.users_roles.user_dialog import UserDialog

        self._open(UserDialog(self.context, None, self))

    def edit_user(self) -> None:
        from desktop.modules.users_roles.user_dialog import UserDialog

        user = self.selected_user()
        if user is not None and self.edit_action.isEnabled():
            self._open(UserDialog(self.context, user, self))

    def give_role(self) -> None:
        from desktop.modules.users_roles.grant_dialogs import GiveRoleDialog

        user = self.selected_user()
        if user is not None and self.choices is not None:
            self._open(GiveRoleDialog(self.context, user, self.choices, self))

    def give_grant(self) -> None:
        from desktop.modules.users_roles.grant_dialogs import GiveGrantDialog

        user = self.selected_user()
        if user is not None and self.choices is not None:
            self._open(GiveGrantDialog(self.context, user, self.choices, self))

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        saved = getattr(dialog, "saved", None)
        if saved is not None:
            saved.connect(self._show_user_after_reload)
        dialog.open()

    def _show_user_after_reload(self, user_id: int) -> None:
        """A user added or changed: select them once the list (reloading for the change) has them."""
        self._wanted_user = user_id
        if self.search.text():
            self.search.clear()  # a search they may not match; clearing it reloads the list
        elif self.select_user(user_id):  # the reload was quicker than this
            self._wanted_user = None

    def set_active(self, active: bool) -> None:
        user = self.selected_user()
        if user is not None:
            confirmed_changes.change_active(self, self.context, user, active, self._failed)

    def set_primary(self, primary: bool) -> None:
        user = self.selected_user()
        if user is not None:
            confirmed_changes.change_primary(self, self.context, user, primary, self._failed)

    def link_login(self) -> None:
        user = self.selected_user()
        if user is not None and self.login_action.isEnabled():
            confirmed_changes.link_login(self, self.context, user, self._failed)

    def take_away(self) -> None:
        grant, user = self.selected_grant(), self.selected_user()
        if grant is not None:
            who = user.display_name if user else grant.user
            confirmed_changes.take_grant_away(self, self.context, grant, who, self._failed)

    def _failed(self, error: TrustDeskError) -> None:
        show_error(self, error)
        if isinstance(error, StaleData):
            self.refresh()  # show what someone else changed, so the next try starts from it

    def open_permissions_report(self) -> None:
        """File › Permissions report… and the toolbar's button (disabled without the report permission)."""
        from desktop.modules.users_roles.permissions_report import open_permissions_report

        if not self.may_report:
            return
        open_permissions_report(self.context, self.window())
