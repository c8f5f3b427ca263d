"""Groups: categories, groups and who is in them (G1-G2)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from db.changes import Kind
from db.queries.groups import GroupRow, MemberRow, list_groups, list_members
from desktop.models.group_table_model import GroupTableModel
from desktop.models.member_table_model import MemberTableModel
from desktop.models.row_table_model import RowRole
from desktop.panels.base import Panel
from desktop.widgets import data_table, fit_columns


class GroupsPanel(Panel):
    object_name = "groups"
    title = "Groups"
    icon_name = "groups"
    watches = frozenset({Kind.GROUPS, Kind.JOBS})

    def create_widget(self) -> QWidget:
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("Groups"))
        self.group_model = GroupTableModel(self)
        self.group_table = data_table(self.group_model)
        left_layout.addWidget(self.group_table)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        self.members_label = QLabel("Choose a group to see its members.")
        right_layout.addWidget(self.members_label)
        self.member_model = MemberTableModel(self)
        self.member_table = data_table(self.member_model)
        right_layout.addWidget(self.member_table)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([320, 560])
        self.group_table.selectionModel().selectionChanged.connect(self._group_chosen)
        self._member_request = 0
        return splitter

    def refresh(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: list_groups(db, user_id), self._groups_loaded)

    def _groups_loaded(self, rows: list[GroupRow]) -> None:
        self.group_model.set_rows(rows)
        fit_columns(self.group_table)
        self.member_model.set_rows([])
        self.members_label.setText("Choose a group to see its members." if rows else "No groups yet.")

    def _group_chosen(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        group: GroupRow = indexes[0].data(RowRole)
        self._member_request += 1
        request = self._member_request
        db, user_id = self.context.db, self.context.user.id
        self.members_label.setText(f"Loading members of {group.name}…")
        self.context.ops.query(
            lambda: list_members(db, user_id, group.id), lambda rows: self._members_loaded(request, group, rows)
        )

    def _members_loaded(self, request: int, group: GroupRow, rows: list[MemberRow]) -> None:
        if request != self._member_request:
            return
        self.member_model.set_rows(rows)
        fit_columns(self.member_table)
        self.members_label.setText(f"{group.category} › {group.name}: {len(rows):,} members")
