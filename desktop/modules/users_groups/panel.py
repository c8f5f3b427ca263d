"""Users & Groups: staff across the trust (P1-P3) and the groups they belong to (G1-G2).

The dock keeps the objectName "groups" so saved window layouts still find it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView, QTabWidget, QWidget

from db.changes import DataChange
from desktop.kit.panel import Panel
from desktop.modules.users_groups.group_editor import GroupEditor
from desktop.modules.users_groups.group_table_model import GroupTableModel
from desktop.modules.users_groups.member_choice_table_model import MemberChoiceTableModel
from desktop.modules.users_groups.staff_view import StaffView


class UsersGroupsPanel(Panel):
    def create_widget(self) -> QWidget:
        self.tabs = QTabWidget()
        self.staff_view = StaffView(self.context)
        self.group_editor = GroupEditor(self.context)
        self.tabs.addTab(self.staff_view, "Staff")
        self.tabs.addTab(self.group_editor, "Groups")
        return self.tabs

    def refresh(self) -> None:
        self.staff_view.refresh()
        self.group_editor.refresh()

    def refresh_for(self, change: DataChange) -> None:
        """A membership tick made in the group editor comes back here: reload the group list (counts,
        versions) but keep the member list the user is ticking in, scrolled where it was."""
        self.staff_view.refresh()
        self.group_editor.refresh(keep_members=change.origin is self.group_editor)

    # The group editor's parts, reachable from the panel as before the staff tab existed.
    @property
    def group_model(self) -> GroupTableModel:
        return self.group_editor.group_model

    @property
    def group_table(self) -> QTableView:
        return self.group_editor.group_table

    @property
    def member_model(self) -> MemberChoiceTableModel:
        return self.group_editor.member_model

    def import_staff(self) -> None:
        """File › Import staff… (the module's menu entry): file, columns, preview, then import."""
        from desktop.dialogs.staff_import.wizard import StaffImportDialog

        dialog = StaffImportDialog(self.context, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
