"""Tick all listed / Untick all listed for the group editor (G2).

Acts on everyone the editor's current search lists, not only the rows in
view: it counts them in SQL, says how many jobs will change (and how many are
left alone because the user may only view groups at their school), and on
Yes saves them in one transaction through the groups service, with one audit
row.  The loaded rows are then updated in place, so the view keeps its place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from db.errors import TrustDeskError
from db.queries.groups import GroupRow, ListedJobs, listed_jobs
from db.services import groups as groups_service
from desktop.dialogs.errors import show_error

if TYPE_CHECKING:
    from desktop.modules.users_groups.group_editor import GroupEditor


def confirmation(group: GroupRow, listed: ListedJobs, member: bool) -> tuple[str, str]:
    """The question and its detail for the confirmation (the counts the user decides on)."""
    jobs, listed_count = len(listed.to_change(member)), len(listed.job_ids)
    name = f"{group.category} › {group.name}"
    if member:
        question = f"Add {jobs:,} jobs to {name}?"
        detail = f"{listed_count:,} jobs are listed; {listed.members:,} of them are already members."
    else:
        question = f"Remove {jobs:,} jobs from {name}?"
        detail = f"{listed_count:,} jobs are listed; {listed_count - listed.members:,} of them are not members."
    if listed.view_only:
        detail += f" {listed.view_only:,} more are at schools where you may only view groups; they are left alone."
    return question, detail


class ListedTicks(QObject):
    def __init__(self, editor: GroupEditor) -> None:
        super().__init__(editor)
        self.editor = editor

    def change_all(self, member: bool) -> None:
        """Tick (or untick) everyone the current search lists: count, confirm, then one transaction."""
        editor = self.editor
        group = editor.group
        if group is None or not editor.can_edit:
            return
        db, user_id, filt = editor.context.db, editor.context.user.id, editor.filter_for(group)
        editor.context.ops.query(
            lambda: listed_jobs(db, user_id, filt), lambda listed: self._confirm(group, listed, member)
        )

    def _confirm(self, group: GroupRow, listed: ListedJobs, member: bool) -> None:
        editor = self.editor
        if editor.group is None or editor.group.id != group.id:
            return  # another group was chosen meanwhile
        jobs = listed.to_change(member)
        if not jobs:
            state = "already in" if member else "not in"
            editor.context.navigator.tell(
                f"All {len(listed.job_ids):,} listed jobs are {state} {group.category} › {group.name}; "
                "nothing to change."
            )
            return
        question, detail = confirmation(group, listed, member)
        answer = QMessageBox.question(
            editor,
            "Tick all listed" if member else "Untick all listed",
            f"{question}\n\n{detail} The change is saved at once and can be undone with the other button.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        db, user_id = editor.context.db, editor.context.user.id
        editor.saved_label.setText("Saving…")
        editor.context.ops.action(
            lambda _progress: groups_service.set_memberships(db, user_id, group.id, jobs, member),
            self._saved,
            self._failed,
            title=f"{'Adding' if member else 'Removing'} {len(jobs):,} jobs",
            origin=editor,  # as a single tick: the member list already shows it
        )

    def _saved(self, result: groups_service.BulkMembershipResult) -> None:
        editor = self.editor
        editor.show_saved()
        verb = "added to" if result.member else "removed from"
        editor.context.navigator.tell(
            f"{len(result.changed):,} jobs {verb} the group; {result.member_count:,} members."
        )
        editor.counted(result.group_id, result.member_count)
        if editor.members_only.isChecked() and not result.member:
            editor.load_members()  # the unticked rows leave a members-only list
        else:
            editor.member_model.mark(result.changed, result.member)

    def _failed(self, error: TrustDeskError) -> None:
        self.editor.saved_label.setText("Not saved")
        show_error(self.editor, error)
        self.editor.refresh()
