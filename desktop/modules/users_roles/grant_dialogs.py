"""Give a role… and Give a grant…: what a user may do, where, optionally only for some groups (A1).

Both dialogs offer only what ``grant_choices`` says this administrator may give
(report permissions only to a primary user, organisations where they
administer users); the services check everything again. A refusal is shown in
one sentence and the dialog stays open with the choices made.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError, ValidationError
from db.labels import LEVEL_LABELS, MODULE_LABELS, cluster_words
from db.models import REPORT_MODULES, Level, Module
from db.queries.user_admin import AdminUserRow, GrantChoices
from db.services.grants import GrantSpec, give_grant, grant_role
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext

GRANTABLE_LEVELS = (Level.VIEW, Level.COMMENT, Level.DECIDE)


class _GrantDialog(QDialog):
    """What both dialogs share: the user, where, groups, title, and running the service."""

    #: the grants were given (their ids); the dialog then closes
    given = Signal(object)

    def __init__(
        self, context: AppContext, user: AdminUserRow, choices: GrantChoices, title: str, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.user = user
        self.choices = choices
        self.running = False
        self.setWindowTitle(f"{title} — {user.display_name}")
        self.setMinimumWidth(500)
        self.layout_ = QVBoxLayout(self)
        intro = QLabel(f"For <b>{user.display_name}</b> ({user.username}).")
        self.layout_.addWidget(intro)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.where = QComboBox()
        for choice in choices.organisations:
            self.where.addItem(choice.label, (choice.id, None))
        trust_id = choices.organisations[0].id if choices.organisations else None
        for cluster in choices.clusters:
            self.where.addItem(cluster_words(cluster).capitalize(), (trust_id, cluster))
        self.groups = QListWidget()
        self.groups.setMaximumHeight(140)
        for choice in choices.groups:
            item = QListWidgetItem(choice.label)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.groups.addItem(item)
        self.groups_note = QLabel()
        self.groups_note.setWordWrap(True)
        self.team_title = QLineEdit()
        self.team_title.setMaxLength(80)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Give")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def _add_common_rows(self) -> None:
        self.form.addRow("&Where:", self.where)
        self.form.addRow("&Groups:", self.groups)
        self.form.addRow("", self.groups_note)
        self.form.addRow("Team &title:", self.team_title)
        self.layout_.addWidget(self.buttons)

    @property
    def place(self) -> tuple[int | None, str | None]:
        data: Any = self.where.currentData()
        return data if data else (None, None)

    @property
    def group_ids(self) -> tuple[int, ...]:
        if not self.groups.isEnabled():
            return ()
        items = (self.groups.item(n) for n in range(self.groups.count()))
        return tuple(
            item.data(Qt.ItemDataRole.UserRole) for item in items if item.checkState() == Qt.CheckState.Checked
        )

    def set_where(self, label: str) -> None:
        index = self.where.findText(label)
        if index >= 0:
            self.where.setCurrentIndex(index)

    def tick_group(self, label: str) -> None:
        for n in range(self.groups.count()):
            if self.groups.item(n).text().endswith(label):
                self.groups.item(n).setCheckState(Qt.CheckState.Checked)

    def _run(self, work: Callable[[], object], title: str) -> None:
        if self.running:
            return
        self.running = True
        self.buttons.setEnabled(False)
        self.context.ops.action(
            lambda _progress: work(), self._done, self._failed, title=title, parent=self, origin=self
        )

    def submit(self) -> None:
        raise NotImplementedError

    def _done(self, ids: object) -> None:
        self.running = False
        self.given.emit(ids)
        self.accept()

    def _failed(self, error: TrustDeskError) -> None:
        self.running = False
        self.buttons.setEnabled(True)
        show_error(self, error)  # the dialog stays open with the choices made


class GiveRoleDialog(_GrantDialog):
    """A standard role template filled in as one grant per module (``grant_role``)."""

    def __init__(
        self, context: AppContext, user: AdminUserRow, choices: GrantChoices, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, user, choices, "Give a role", parent)
        self.role = QComboBox()
        for choice in choices.roles:
            self.role.addItem(choice.label, choice.id)
        self.form.addRow("&Role:", self.role)
        self._add_common_rows()
        self.team_title.setPlaceholderText("the role's name")
        self.groups_note.setText(
            "Ticking groups limits the role's staff modules (CPD, staff, groups, flood fill) to those groups' staff."
        )
        self.role.currentIndexChanged.connect(self._role_changed)
        self._role_changed()

    def _role_changed(self) -> None:
        self.team_title.setPlaceholderText(self.role.currentText() or "the role's name")

    def set_role(self, name: str) -> None:
        self.role.setCurrentIndex(self.role.findText(name))

    def submit(self) -> None:
        db, acting, target, role_id = self.context.db, self.context.user.id, self.user.id, self.role.currentData()
        if role_id is None:
            show_error(self, ValidationError("Choose a role."))
            return
        org_id, cluster = self.place
        title, groups = self.team_title.text().strip() or None, self.group_ids
        self._run(
            lambda: grant_role(
                db, acting, target, role_id, organisation_id=org_id, cluster=cluster, title=title, group_ids=groups
            ),
            "Giving the role…",
        )


class GiveGrantDialog(_GrantDialog):
    """One module at one level (``give_grant``); the same module over the same reach changes its level."""

    def __init__(
        self, context: AppContext, user: AdminUserRow, choices: GrantChoices, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, user, choices, "Give a grant", parent)
        self.module = QComboBox()
        for module in choices.modules:
            self.module.addItem(MODULE_LABELS[module], module)
        self.level = QComboBox()
        for level in GRANTABLE_LEVELS:
            self.level.addItem(LEVEL_LABELS[level], level)
        self.form.addRow("&Module:", self.module)
        self.form.addRow("&Level:", self.level)
        self._add_common_rows()
        self.module.currentIndexChanged.connect(self._module_changed)
        self._module_changed()

    def set_module(self, module: Module) -> None:
        self.module.setCurrentIndex(self.module.findData(module))

    def set_level(self, level: Level) -> None:
        self.level.setCurrentIndex(self.level.findData(level))

    def _module_changed(self) -> None:
        module = self.module.currentData()
        staff = module in self.choices.staff_modules
        self.groups.setEnabled(staff)
        self.groups_note.setText(
            "Optional: only the staff in the ticked groups." if staff else "Only modules that list staff take groups."
        )
        report = module in REPORT_MODULES
        if report:  # a report permission is given over the whole trust
            self.where.setCurrentIndex(0)
        self.where.setEnabled(not report)

    def submit(self) -> None:
        db, acting, target = self.context.db, self.context.user.id, self.user.id
        if self.module.currentData() is None:
            show_error(self, ValidationError("Choose a module."))
            return
        org_id, cluster = self.place
        spec = GrantSpec(
            module=self.module.currentData(),
            level=self.level.currentData(),
            organisation_id=org_id,
            cluster=cluster,
            title=self.team_title.text(),
            group_ids=self.group_ids,
        )
        self._run(lambda: give_grant(db, acting, target, spec), "Giving the grant…")
