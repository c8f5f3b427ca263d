"""Group categories, groups and their members (G1, G2).

Left: the groups, with create / rename / delete.  Right: every job in scope
with a tick for membership of the chosen group; each tick is saved at once as
one small action and a "Saved" note confirms it.  A tick changes its own row
only: the list is not reloaded, so a view scrolled past the first page stays
put.  If someone else changed the same membership meanwhile the save is
refused, the list reloads and the status line says why.  "Tick all listed" /
"Untick all listed" act on everyone the search lists, after a confirmation
with the count, in one transaction; "Members only" narrows the list to the group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from db.errors import StaleData, TrustDeskError
from db.models import Module
from db.queries.groups import (
    CategoryRow,
    GroupRow,
    GroupUsage,
    can_edit_groups,
    group_usage,
    list_categories,
    list_groups,
)
from db.queries.staff import StaffFilter, StaffPage, StaffRow, fetch_staff_page, first_staff_page
from db.services import groups as groups_service
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.paged_loader import PagedLoader, SearchBox
from desktop.kit.row_table_model import RowRole
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.users_groups.group_table_model import GroupTableModel
from desktop.modules.users_groups.listed_ticks import ListedTicks
from desktop.modules.users_groups.member_choice_table_model import MemberChoiceTableModel

SAVED_SHOWN_MS = 2500


class GroupEditor(QSplitter):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.context = context
        self.group: GroupRow | None = None
        self._members_of: int | None = None  # the group whose members the list shows
        self.categories: list[CategoryRow] = []
        self.can_edit = False

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(QLabel("Groups"))
        self.group_model = GroupTableModel(self)
        self.group_table = data_table(self.group_model)
        left_layout.addWidget(self.group_table, 1)
        buttons = QHBoxLayout()
        self.new_category_button = QPushButton("New category…")
        self.new_group_button = QPushButton("New group…")
        self.rename_button = QPushButton("Rename")
        self.delete_button = QPushButton("Delete")
        for button in (self.new_category_button, self.new_group_button, self.rename_button, self.delete_button):
            buttons.addWidget(button)
        left_layout.addLayout(buttons)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        header = QHBoxLayout()
        self.members_label = QLabel("Choose a group to edit its members.")
        self.saved_label = QLabel("")
        self.saved_label.setObjectName("savedIndicator")
        header.addWidget(self.members_label, 1)
        header.addWidget(self.saved_label)
        right_layout.addLayout(header)
        self.search = SearchBox("Narrow the list: name, role or organisation…")
        right_layout.addWidget(self.search)
        bulk = QHBoxLayout()
        self.members_only = QCheckBox("Members only")
        self.members_only.setToolTip("List only the chosen group's members.")
        self.tick_all_button = QPushButton("Tick all listed…")
        self.untick_all_button = QPushButton("Untick all listed…")
        for button, what in ((self.tick_all_button, "Add"), (self.untick_all_button, "Remove")):
            button.setToolTip(f"{what} everyone the search lists (not only the rows in view), after a confirmation.")
        bulk.addWidget(self.members_only)
        bulk.addStretch()
        bulk.addWidget(self.tick_all_button)
        bulk.addWidget(self.untick_all_button)
        right_layout.addLayout(bulk)
        self.member_model = MemberChoiceTableModel(self)
        self.member_table = data_table(self.member_model, sortable=False)
        right_layout.addWidget(self.member_table, 1)
        self.addWidget(left)
        self.addWidget(right)
        self.setSizes([380, 620])

        db, user_id = context.db, context.user.id
        self.loader = PagedLoader(
            context,
            self.member_model,
            lambda filt: first_staff_page(db, user_id, filt),
            lambda filt, offset: fetch_staff_page(db, user_id, filt, offset),
            self,
        )
        self.loader.loaded.connect(self._members_loaded)
        self._saved_timer = QTimer(self)
        self._saved_timer.setSingleShot(True)
        self._saved_timer.timeout.connect(lambda: self.saved_label.setText(""))
        self.group_table.selectionModel().selectionChanged.connect(self._group_chosen)
        self.search.search_changed.connect(lambda _text: self.load_members())
        self.members_only.toggled.connect(lambda _on: self.load_members())
        self.listed_ticks = ListedTicks(self)
        self.tick_all_button.clicked.connect(lambda: self.listed_ticks.change_all(True))
        self.untick_all_button.clicked.connect(lambda: self.listed_ticks.change_all(False))
        self._keep_once = False  # set while the group list reloads after our own change
        self.member_model.check_toggled.connect(self._ticked)
        self.new_category_button.clicked.connect(self.new_category)
        self.new_group_button.clicked.connect(self.new_group)
        rename_menu = QMenu(self.rename_button)
        rename_menu.addAction("Rename group…", self.rename_selected)
        rename_menu.addAction("Rename its category…", self.rename_category)
        self.rename_button.setMenu(rename_menu)
        delete_menu = QMenu(self.delete_button)
        delete_menu.addAction("Delete group…", self.delete_selected)
        delete_menu.addAction("Delete its category and all its groups…", self.delete_category)
        self.delete_button.setMenu(delete_menu)
        self._update_buttons()

    # -- loading --------------------------------------------------------------
    def refresh(self, *, keep_members: bool = False) -> None:
        """Reload the group list; ``keep_members`` after our own tick, whose rows already show it (and
        whose list and scroll position the user is still working in)."""
        db, user_id, keep = self.context.db, self.context.user.id, keep_members
        self.context.ops.query(
            lambda: (list_groups(db, user_id), list_categories(db), can_edit_groups(db, user_id)),
            lambda loaded: self._groups_loaded(loaded, keep),
        )

    def _groups_loaded(self, loaded: tuple[list[GroupRow], list[CategoryRow], bool], keep: bool = False) -> None:
        rows, self.categories, self.can_edit = loaded
        self._keep_once = keep
        chosen = self.group.id if self.group else None
        # Before the reset: the table keeps its current row across it (kit/selection_keeper.py), which
        # chooses the same group again; clearing it afterwards would leave no group chosen.
        self.group = None
        self.group_model.set_rows(rows)
        # The list is narrow: the group's name takes what is left, so the member count stays in view.
        header = self.group_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for n, row in enumerate(rows):
            if row.id == chosen and self.group is None:
                self.group_table.selectRow(n)
        self._keep_once = False
        if self.group is None:
            self.member_model.reset(0, [])
            self.members_label.setText("Choose a group to edit its members." if rows else "No groups yet.")
        self._update_buttons()

    def _group_chosen(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        chosen: GroupRow = indexes[0].data(RowRole)
        same_group = chosen.id == self._members_of
        if not same_group:
            self._members_of = chosen.id
            self.member_model.overrides.clear()  # ticks still saving belong to the group left behind
            self.member_model.pending.clear()
        self.group = chosen
        self._update_buttons()
        if self._keep_once and same_group:
            self._show_count()  # our own change came back: the rows already say it, keep the view where it is
            return
        self.load_members()

    def load_members(self) -> None:
        if self.group is None:
            return
        self.members_label.setText(f"Loading {self.group.name}…")
        self.loader.load(self.filter_for(self.group))

    def filter_for(self, group: GroupRow) -> StaffFilter:
        return StaffFilter(
            search=self.search.text(),
            group_id=group.id,
            members_only=self.members_only.isChecked(),
            module=Module.GROUPS.value,
        )

    def _members_loaded(self, _page: StaffPage) -> None:
        self._show_count()
        fit_columns(self.member_table)

    def _show_count(self) -> None:
        if self.group is not None:
            self.members_label.setText(
                f"{self.group.category} › {self.group.name}: {self.group.member_count:,} members · "
                f"{self.member_model.total:,} jobs listed — tick to add, untick to remove"
            )

    def _update_buttons(self) -> None:
        self.new_category_button.setEnabled(self.can_edit)
        self.new_group_button.setEnabled(self.can_edit and bool(self.categories))
        for button in (self.rename_button, self.delete_button, self.tick_all_button, self.untick_all_button):
            button.setEnabled(self.can_edit and self.group is not None)
        self.member_table.setEnabled(self.group is not None)
        self.members_only.setEnabled(self.group is not None)

    # -- ticks (G2) -------------------------------------------------------------
    def _ticked(self, row: StaffRow, member: bool) -> None:
        group = self.group
        if group is None:
            return
        if not self.can_edit:
            self.member_model.set_override(row.job_id, None)
            self.context.navigator.tell("You may view groups but not change their members.")
            return
        self.member_model.set_override(row.job_id, member)
        self.saved_label.setText("Saving…")
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _progress: groups_service.set_membership(db, user_id, group.id, row.job_id, member),
            lambda result: self._tick_saved(row, result.group_id, result.member_count),
            lambda error: self._tick_failed(row, error),
            title=f"{'Adding' if member else 'Removing'} {row.name}",
            origin=self,  # a tick: the panel reloads the groups but keeps the member list (``made_here``)
        )

    def _tick_saved(self, row: StaffRow, group_id: int, count: int) -> None:
        self.member_model.saved(row.job_id)
        self.saved_label.setText("✓ Saved")
        self.show_saved()
        self.counted(group_id, count)

    def show_saved(self) -> None:
        self.saved_label.setText("✓ Saved")
        self._saved_timer.start(SAVED_SHOWN_MS)

    def counted(self, group_id: int, count: int) -> None:
        if self.group is not None and self.group.id == group_id:
            self.group = replace(self.group, member_count=count)
            self._show_count()

    def _tick_failed(self, row: StaffRow, error: TrustDeskError) -> None:
        self.member_model.set_override(row.job_id, None)
        self.saved_label.setText("Not saved")
        self.context.navigator.tell(error.message)
        if isinstance(error, StaleData):
            self.refresh()
        else:
            show_error(self, error)

    # -- categories and groups (G1) ----------------------------------------------
    def _run(self, work: Callable[[], object], done_message: str, title: str) -> None:
        self.context.ops.action(
            lambda _progress: work(),
            lambda _result: self._changed(done_message),
            lambda error: self._edit_failed(error),
            title=title,
        )

    def _changed(self, message: str) -> None:
        self.context.navigator.tell(message)

    def _edit_failed(self, error: TrustDeskError) -> None:
        show_error(self, error)
        self.refresh()

    def new_category(self) -> None:
        name, ok = QInputDialog.getText(self, "New group category", "Name of the category (e.g. Key Stage Groups):")
        if ok and name.strip():
            db, user_id = self.context.db, self.context.user.id
            self._run(lambda: groups_service.create_category(db, user_id, name), f"Category “{name.strip()}” created.",
                      "Creating a category")  # fmt: skip

    def new_group(self) -> None:
        if not self.categories:
            return
        labels = [c.name for c in self.categories]
        current = labels.index(self.group.category) if self.group and self.group.category in labels else 0
        category, ok = QInputDialog.getItem(self, "New group", "Category:", labels, current, False)
        if not ok:
            return
        name, ok = QInputDialog.getText(self, "New group", f"Name of the new group in {category}:")
        if ok and name.strip():
            category_id = self.categories[labels.index(category)].id
            db, user_id = self.context.db, self.context.user.id
            self._run(lambda: groups_service.create_group(db, user_id, category_id, name),
                      f"Group “{name.strip()}” created in {category}.", "Creating a group")  # fmt: skip

    def rename_selected(self) -> None:
        group = self.group
        if group is None:
            return
        name, ok = QInputDialog.getText(self, "Rename group", "New name:", text=group.name)
        if ok and name.strip() and name.strip() != group.name:
            db, user_id = self.context.db, self.context.user.id
            self._run(lambda: groups_service.rename_group(db, user_id, group.id, name, group.version),
                      f"Group renamed to “{name.strip()}”.", "Renaming a group")  # fmt: skip

    def delete_selected(self) -> None:
        group = self.group
        if group is None:
            return
        db = self.context.db
        self.context.ops.query(
            lambda: group_usage(db, group_id=group.id), lambda usage: self._confirm_delete(group, usage)
        )

    def _ask_to_delete(self, title: str, what: str, usage: GroupUsage, flood_fill_note: str) -> bool:
        """One confirmation for groups and categories: say what goes before anything does."""
        uses = f"\n{usage.flood_fills:,} flood fills chose staff by {flood_fill_note}." if usage.flood_fills else ""
        answer = QMessageBox.question(
            self,
            title,
            f"{what}\n\n{usage.members:,} memberships will be removed (the staff themselves are not touched).{uses}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _confirm_delete(self, group: GroupRow, usage: GroupUsage) -> None:
        what = f"Delete “{group.category} › {group.name}”?"
        if self._ask_to_delete("Delete group", what, usage, "this group; they keep their activities"):
            db, user_id = self.context.db, self.context.user.id
            self.group = None
            message = f"Group “{group.name}” deleted; {usage.members:,} memberships removed."
            self._run(lambda: groups_service.delete_group(db, user_id, group.id, group.version), message,
                      "Deleting a group")  # fmt: skip

    def _selected_category(self) -> CategoryRow | None:
        if self.group is None:
            return None
        return next((c for c in self.categories if c.id == self.group.category_id), None)

    def rename_category(self) -> None:
        category = self._selected_category()
        if category is None:
            return
        name, ok = QInputDialog.getText(self, "Rename category", "New name:", text=category.name)
        if ok and name.strip() and name.strip() != category.name:
            db, user_id = self.context.db, self.context.user.id
            self._run(lambda: groups_service.rename_category(db, user_id, category.id, name, category.version),
                      f"Category renamed to “{name.strip()}”.", "Renaming a category")  # fmt: skip

    def delete_category(self) -> None:
        category = self._selected_category()
        if category is None:
            return
        db = self.context.db
        self.context.ops.query(
            lambda: group_usage(db, category_id=category.id),
            lambda usage: self._confirm_delete_category(category, usage),
        )

    def _confirm_delete_category(self, category: CategoryRow, usage: GroupUsage) -> None:
        what = f"Delete the category “{category.name}” and its {usage.groups:,} groups?"
        if self._ask_to_delete("Delete category", what, usage, "these groups"):
            db, user_id = self.context.db, self.context.user.id
            self.group = None
            message = f"Category “{category.name}” deleted; {usage.members:,} memberships removed."
            self._run(lambda: groups_service.delete_category(db, user_id, category.id, category.version), message,
                      "Deleting a category")  # fmt: skip
