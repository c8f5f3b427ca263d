"""The staff list's actions on people and jobs (P1, P2): add, edit, end, reactivate, link as one person.

Buttons under the staff table and the same entries in the row's menu.  Each
action reads the job afresh (``job_record``: both version counters) before
opening its dialog, so what the dialog shows is what the service compares.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QMenu, QPushButton, QWidget

from db.queries.people import JobRecord, StaffFormChoices, job_record, staff_form_choices
from db.queries.staff import StaffRow
from db.services.job_lifecycle import reactivate_job
from desktop.dialogs.errors import show_error
from desktop.kit.context import AppContext
from desktop.kit.record_form import RecordForm
from desktop.modules.users_groups.end_job_dialog import EndJobDialog
from desktop.modules.users_groups.link_people_dialog import LinkPeopleDialog
from desktop.modules.users_groups.person_job_editor import PersonJobEditor


class StaffActions(QObject):
    def __init__(self, context: AppContext, selected: Callable[[], StaffRow | None], parent: QWidget) -> None:
        super().__init__(parent)
        self.context = context
        self.selected = selected
        self.window = parent
        self.choices = StaffFormChoices([], [])
        self.leavers = QCheckBox("Show leavers")
        self.leavers.setToolTip("List ended jobs too, to see or reactivate them.")
        self.add_button = QPushButton("Add person…")
        self.add_button.setToolTip("Add a person and their job by hand.")
        self.edit_button = QPushButton("Edit…")
        self.end_button = QPushButton("End job…")
        self.end_button.setToolTip("A leaver: the job leaves lists and pickers from the leaving date; history is kept.")
        self.reactivate_button = QPushButton("Reactivate")
        self.link_button = QPushButton("Link as one person…")
        self.link_button.setToolTip("Two records of the same person: move the other's jobs to this one (P1).")
        self.bar = QHBoxLayout()
        self.bar.addWidget(self.leavers)
        self.bar.addStretch()
        for button in (self.add_button, self.edit_button, self.end_button, self.reactivate_button, self.link_button):
            button.setEnabled(False)
            self.bar.addWidget(button)
        self.add_button.clicked.connect(self.add_person)
        self.edit_button.clicked.connect(lambda: self.edit(self.selected()))
        self.end_button.clicked.connect(lambda: self.end(self.selected()))
        self.reactivate_button.clicked.connect(lambda: self.reactivate(self.selected()))
        self.link_button.clicked.connect(lambda: self.link(self.selected()))

    def load(self) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(lambda: staff_form_choices(db, user_id), self._loaded)

    def _loaded(self, choices: StaffFormChoices) -> None:
        self.choices = choices
        self.update_buttons()

    def update_buttons(self) -> None:
        """Off for someone who may add staff nowhere (viewers); elsewhere the service has the last word."""
        row, may = self.selected(), bool(self.choices.organisations)
        self.add_button.setEnabled(may)
        for button in (self.edit_button, self.link_button):
            button.setEnabled(may and row is not None)
        self.end_button.setEnabled(may and row is not None and row.active)
        self.reactivate_button.setEnabled(may and row is not None and not row.active)

    def add_to_menu(self, menu: QMenu, row: StaffRow) -> None:
        may = bool(self.choices.organisations)
        menu.addSeparator()
        entries = [("Edit…", lambda: self.edit(row)), (f"Add a job for {row.name}…", lambda: self.add_job(row))]
        if row.active:
            entries.append(("End job…", lambda: self.end(row)))
        else:
            entries.append(("Reactivate", lambda: self.reactivate(row)))
        entries += [("Link as one person…", lambda: self.link(row)), ("Add person…", self.add_person)]
        for text, slot in entries:
            menu.addAction(text, slot).setEnabled(may)

    # -- the actions ----------------------------------------------------------------------------------------
    def add_person(self) -> None:
        editor = PersonJobEditor(self.context, self.choices, parent=self.window)
        first, last = editor.first_name, editor.last_name
        editor.saved.connect(lambda _id: self.tell(f"{first.text().strip()} {last.text().strip()} was added."))
        self._show(editor)

    def add_job(self, row: StaffRow) -> None:
        editor = PersonJobEditor(self.context, self.choices, for_person=(row.person_id, row.name), parent=self.window)
        editor.saved.connect(lambda _id: self.tell(f"{row.name} has a new job."))
        self._show(editor)

    def edit(self, row: StaffRow | None) -> None:
        self._with_record(row, self._edit)

    def _edit(self, record: JobRecord) -> None:
        editor = PersonJobEditor(self.context, self.choices, record=record, parent=self.window)
        editor.saved.connect(lambda _saved: self.tell(f"{record.name}: saved."))
        self._show(editor)

    def end(self, row: StaffRow | None) -> None:
        self._with_record(row, self._end)

    def _end(self, record: JobRecord) -> None:
        dialog = EndJobDialog(self.context, record, self.window)
        dialog.saved.connect(lambda _v: self.tell(f"{record.name}'s job at {record.organisation} has ended."))
        self._show(dialog)

    def reactivate(self, row: StaffRow | None) -> None:
        self._with_record(row, self._reactivate)

    def _reactivate(self, record: JobRecord) -> None:
        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _progress: reactivate_job(db, user_id, record.job_id, record.job_version),
            lambda _v: self.tell(f"{record.name}'s job at {record.organisation} is active again."),
            lambda error: show_error(self.window, error),
            title=f"Reactivating {record.name}'s job",
            origin=self.window,
        )

    def link(self, row: StaffRow | None) -> None:
        self._with_record(row, self._link)

    def _link(self, record: JobRecord) -> None:
        dialog = LinkPeopleDialog(self.context, record, self.window)
        dialog.saved.connect(
            lambda moved: self.tell(
                f"Linked as one person: {moved} job{'' if moved == 1 else 's'} moved to {record.name}."
            )
        )
        self._show(dialog)

    # -- plumbing ------------------------------------------------------------------------------------------
    def _with_record(self, row: StaffRow | None, then: Callable[[JobRecord], None]) -> None:
        if row is None:
            return
        db, user_id, job_id = self.context.db, self.context.user.id, row.job_id
        self.context.ops.query(lambda: job_record(db, user_id, job_id), then, lambda e: show_error(self.window, e))

    @staticmethod
    def _show(dialog: RecordForm) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def tell(self, text: str) -> None:
        self.context.navigator.tell(text)
