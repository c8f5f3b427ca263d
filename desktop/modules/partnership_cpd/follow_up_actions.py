"""The Partnership CPD "Follow-up" button: attendance, completion and evaluations after the event (C2).

Attended / Did not attend / Completed… act on the ticked rows (or one row from
the row menu) at the versions shown, like sign-off; what was left alone, and
why, is said in one line and the rows stay ticked so they can be looked at.
"Training event register…" marks every activity of one event at once.
"Import evaluations…" checks a spreadsheet first and applies it only when the
CPD lead confirms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMenu,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.queries.lookups import Choice
from desktop.dialogs.errors import show_done, show_error
from desktop.kit.context import AppContext
from desktop.modules.partnership_cpd.activity_table_model import READING_TICKS

if TYPE_CHECKING:  # the services and dialogs themselves are imported on first use (start-up stays quick)
    from db.services.attendance import FollowUpResult
    from db.services.evaluation_import import EvaluationPlan
    from desktop.modules.partnership_cpd.panel import PartnershipCpdPanel

LAST_FOLDER_KEY = "partnership_cpd/evaluation_folder"


class CompletionDateDialog(QDialog):
    """The one question a completion asks: on what day (today or earlier)."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Mark completed")
        layout = QVBoxLayout(self)
        what = "this activity" if count == 1 else f"the {count:,} ticked activities"
        layout.addWidget(QLabel(f"Record {what} as completed on:"))
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setMaximumDate(QDate.currentDate())
        self.date_edit.setDisplayFormat("dd MMM yyyy")
        layout.addWidget(self.date_edit)
        note = QLabel("Activities that start after that day, or that were turned down, are left alone and listed.")
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Mark completed")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def completed_on(self) -> date:
        return self.date_edit.date().toPython()  # type: ignore[return-value]  # QDate.toPython gives a date


class EventRegisterDialog(QDialog):
    """Choose a training event and whether its people attended."""

    def __init__(self, events: list[Choice], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Training event register")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.event_box = QComboBox()
        for choice in events:
            self.event_box.addItem(choice.label, choice.id)
        form.addRow("Training &event", self.event_box)
        self.attended = QRadioButton("&Attended")
        self.attended.setChecked(True)
        self.absent = QRadioButton("&Did not attend")
        form.addRow("Everyone booked on it", self.attended)
        form.addRow("", self.absent)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Record")
        self.ok_button.setEnabled(bool(events))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class FollowUp:
    """The flows behind the button and the row menu's Mark completed…, bound to one panel."""

    def __init__(self, panel: PartnershipCpdPanel) -> None:
        self.panel = panel

    @property
    def context(self) -> AppContext:
        return self.panel.context

    def _rows(self, rows: Mapping[int, int] | None) -> dict[int, int] | None:
        if rows is None and self.panel.model.reading_ticks:
            self.context.navigator.tell(READING_TICKS)
            return None
        ticked = self.panel.model.ticked if rows is None else dict(rows)
        if not ticked:
            self.context.navigator.tell("Tick the activities first.")
            return None
        return ticked

    def attendance(self, attended: bool, rows: Mapping[int, int] | None = None) -> None:
        from db.services.attendance import record_attendance

        ticked = self._rows(rows)
        if ticked is None:
            return
        db, user_id = self.context.db, self.context.user.id
        self._run(lambda: record_attendance(db, user_id, ticked, attended), "Recording attendance…", rows is None)

    def completion(self, rows: Mapping[int, int] | None = None) -> None:
        from db.services.attendance import record_completion

        ticked = self._rows(rows)
        if ticked is None:
            return
        dialog = CompletionDateDialog(len(ticked), self.panel.table)
        db, user_id = self.context.db, self.context.user.id

        def chosen() -> None:
            on = dialog.completed_on
            self._run(lambda: record_completion(db, user_id, ticked, on), "Recording completion…", rows is None)

        dialog.accepted.connect(chosen)
        dialog.open()

    def event_register(self) -> None:
        from db.services.attendance import record_event_attendance

        lookups = self.panel._lookups
        dialog = EventRegisterDialog(lookups.training_events if lookups else [], self.panel.table)
        db, user_id = self.context.db, self.context.user.id

        def chosen() -> None:
            event_id, attended = dialog.event_box.currentData(), dialog.attended.isChecked()
            self._run(lambda: record_event_attendance(db, user_id, event_id, attended), "Recording attendance…", False)

        dialog.accepted.connect(chosen)
        dialog.open()

    def _run(self, work: Callable[[], FollowUpResult], title: str, clear_ticks: bool) -> None:
        self.context.ops.action(
            lambda _progress: work(),
            lambda result: self._done(result, clear_ticks),
            lambda error: show_error(self.panel.table, error),
            title=title,
            parent=self.panel.table,
        )

    def _done(self, result: FollowUpResult, clear_ticks: bool) -> None:
        if clear_ticks and result.applied:
            self.panel.model.untick(list(result.applied))
        self.context.navigator.tell(result.sentence())
        if result.skipped:
            shown = "\n".join(
                f"• {row.title or f'#{row.activity_id}'} — {row.individual or '?'}: {row.reason.value}"
                for row in result.skipped[:15]
            )
            more = f"\n… and {len(result.skipped) - 15:,} more" if len(result.skipped) > 15 else ""
            show_done(self.panel.table, "Attendance and completion", result.sentence(), shown + more)

    # -- evaluations from a spreadsheet ----------------------------------------------
    def choose_import(self) -> None:
        folder = str(self.context.settings.value(LAST_FOLDER_KEY, "") or Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self.panel.table, "Import evaluations", folder, "Spreadsheets (*.csv *.xlsx)"
        )
        if chosen:
            self.context.settings.setValue(LAST_FOLDER_KEY, str(Path(chosen).parent))
            self.check_import(Path(chosen))

    def check_import(self, path: Path) -> None:
        from db.services.evaluation_import import preview_evaluations

        db, user_id = self.context.db, self.context.user.id
        self.context.ops.query(
            lambda: preview_evaluations(db, user_id, path),
            lambda plan: self._checked(path, plan),
            self._failed,
        )

    def _checked(self, path: Path, plan: EvaluationPlan) -> None:
        from desktop.modules.partnership_cpd.evaluation_import_dialog import EvaluationImportDialog

        dialog = EvaluationImportDialog(plan, preview=True, parent=self.panel.table)
        dialog.accepted.connect(lambda: self.apply_import(path, plan))
        dialog.open()

    def apply_import(self, path: Path, checked: EvaluationPlan | None = None) -> None:
        from db.services.evaluation_import import apply_evaluations

        db, user_id = self.context.db, self.context.user.id
        self.context.ops.action(
            lambda _progress: apply_evaluations(db, user_id, path, checked),
            self._imported,
            self._failed,
            title="Importing evaluations…",
            parent=self.panel.table,
        )

    def _imported(self, plan: EvaluationPlan) -> None:
        from desktop.modules.partnership_cpd.evaluation_import_dialog import EvaluationImportDialog

        self.context.navigator.tell(f"Imported evaluations from {plan.file_name}: {plan.sentence()}")
        dialog = EvaluationImportDialog(plan, preview=False, parent=self.panel.table)
        dialog.open()

    def _failed(self, error: TrustDeskError) -> None:
        show_error(self.panel.table, error)


def follow_up_button(panel: PartnershipCpdPanel) -> QToolButton:
    """The panel's "Follow-up" button; hidden with the decision buttons from view-and-comment users."""
    flows = FollowUp(panel)
    panel.follow_up = flows  # type: ignore[attr-defined]  # the row menu reaches the flows here
    button = QToolButton()
    button.setText("Follow-up")
    button.setToolTip("Attendance, completion and evaluations of the ticked activities")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    menu.setToolTipsVisible(True)
    deciding = [
        menu.addAction("Mark ticked &attended", lambda: flows.attendance(True)),
        menu.addAction("Mark ticked did &not attend", lambda: flows.attendance(False)),
        menu.addAction("Mark ticked &completed…", flows.completion),
    ]
    menu.addSeparator()
    deciding.append(menu.addAction("Training event &register…", flows.event_register))
    menu.addAction("&Import evaluations…", flows.choose_import)

    def showing() -> None:
        """Attendance needs CPD at decide level; evaluations need comment level (the service checks both)."""
        for action in deciding:
            action.setEnabled(panel.can_decide)
            action.setToolTip("" if panel.can_decide else "You may view partnership CPD but not record attendance.")

    menu.aboutToShow.connect(showing)
    button.setMenu(menu)
    return button


def add_row_entries(panel: PartnershipCpdPanel, menu: QMenu, row: int) -> None:
    """The row menu's follow-up entries for that one row (not the ticked ones)."""
    from desktop.modules.partnership_cpd.evaluation_dialog import EvaluationDialog

    activity = panel.model.row_at(row)
    one = {activity.id: activity.version}
    flows: FollowUp = panel.follow_up  # type: ignore[attr-defined]  # set by follow_up_button
    menu.addSeparator()

    def evaluate() -> None:
        dialog = EvaluationDialog(panel.context, activity.id, panel.table)
        dialog.open()

    menu.addAction("&Evaluation…", evaluate).setToolTip("Hours, a rating from 1 to 5, impact and change in practice")
    for text, slot in (
        ("Mark a&ttended", lambda: flows.attendance(True, one)),
        ("Mark completed…", lambda: flows.completion(one)),
    ):
        action = menu.addAction(text, slot)
        action.setEnabled(panel.can_decide)
        if not panel.can_decide:
            action.setToolTip("You may view partnership CPD but not record attendance.")
