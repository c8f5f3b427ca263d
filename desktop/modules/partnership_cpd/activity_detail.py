"""One activity in full, with its actions (C1-C3, C5, C7, A2).

Authorise, Reject and "Update authorisation" (for a request that changed after
its decision, C5) all go through the sign-off dialog, so the budget and cover
warnings and the reason rules are the same as for a bulk decision.  "Edit
dates and costs" opens its own editor (activity_edit_dialog.py), whose save is
what sends a decided request back to *needs re-authorisation*.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import cast

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.models import PartnershipState
from db.queries.activity_detail import ActivityDetail, load_activity_detail
from db.services.activity_edits import EditResult
from db.services.decisions import completion_refusal, mark_completed
from db.services.signoff import SignOffResult
from desktop.kit.context import AppContext
from desktop.kit.formatting import day, days, moment, money, state
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.partnership_cpd.activity_edit_dialog import ActivityEditDialog, edit_summary
from desktop.modules.partnership_cpd.activity_history_model import ActivityHistoryModel
from desktop.modules.partnership_cpd.evaluation_dialog import evaluation_button
from desktop.modules.partnership_cpd.request_section import RequestSection
from desktop.modules.partnership_cpd.sign_off_dialog import SignOffDialog
from resources_qt.style import set_warning


def _who_when(who: str | None, when: datetime | None) -> str:
    parts = [p for p in (who, moment(when) if when else "") if p]
    return " · ".join(parts)


class ActivityDetailDialog(QDialog):
    decided = Signal(object)  # SignOffResult

    def __init__(self, context: AppContext, activity_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.activity_id = activity_id
        self.detail: ActivityDetail | None = None
        self.setWindowTitle("Activity")
        self.resize(820, 680)
        layout = QVBoxLayout(self)
        self.heading = QLabel("Loading…")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        columns = QHBoxLayout()
        self.fields = QFormLayout()
        self.layers = QFormLayout()
        self.budget = QFormLayout()
        for title, form in (("Activity", self.fields), ("Decisions", self.layers), ("Budget and cover", self.budget)):
            box = QGroupBox(title)
            box.setLayout(form)
            columns.addWidget(box, 1)
        layout.addLayout(columns)
        self.audit_model = ActivityHistoryModel(self)
        self.audit_table = data_table(self.audit_model)
        # the request's justification, its line-manager and CPD-team answers and its comments (C1, C2)
        self.request_section = RequestSection(context, activity_id, self)
        self.request_section.changed.connect(self.load)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.audit_table, "History")
        self.tabs.addTab(self.request_section, "Request and comments")
        layout.addWidget(self.tabs, 1)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        actions = QHBoxLayout()
        self.authorise_button = QPushButton("&Authorise…")
        self.reject_button = QPushButton("&Reject…")
        self.reject_button.setAutoDefault(False)  # never what Enter presses
        self.reauthorise_button = QPushButton("&Update authorisation…")
        self.reauthorise_button.setToolTip("The request changed after it was decided: decide it again (C5)")
        self.edit_button = QPushButton("&Edit dates and costs…")
        self.editor: ActivityEditDialog | None = None
        self.completed_date = QDateEdit(QDate.currentDate())
        self.completed_date.setCalendarPopup(True)
        self.completed_date.setDisplayFormat("dd MMM yyyy")
        self.completed_date.setMaximumDate(QDate.currentDate())  # completion records a day already here
        self.completed_button = QPushButton("Mark &completed")
        for button in (self.authorise_button, self.reauthorise_button, self.edit_button, self.completed_button):
            button.setAutoDefault(False)  # Enter closes the details; it never records or decides anything
        for widget in (self.authorise_button, self.reject_button, self.reauthorise_button, self.edit_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(QLabel("Completed on"))
        actions.addWidget(self.completed_date)
        actions.addWidget(self.completed_button)
        actions.addWidget(evaluation_button(self, context, activity_id, self.load))  # evaluation_dialog.py
        layout.addLayout(actions)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.authorise_button.clicked.connect(lambda: self._decide(PartnershipState.AUTHORISED))
        self.reject_button.clicked.connect(lambda: self._decide(PartnershipState.REJECTED))
        self.reauthorise_button.clicked.connect(lambda: self._decide(PartnershipState.AUTHORISED))
        self.edit_button.clicked.connect(self.open_editor)
        self.completed_button.clicked.connect(self._mark_completed)
        self._set_actions(None)
        self.load()

    def load(self) -> None:
        db, user_id, activity_id = self.context.db, self.context.user.id, self.activity_id
        self.context.ops.query(lambda: load_activity_detail(db, user_id, activity_id), self._loaded, self._failed)

    def _failed(self, error: TrustDeskError) -> None:
        self.status_label.setText(error.message)

    def _loaded(self, detail: ActivityDetail) -> None:
        self.detail = detail
        row = detail.row
        self.heading.setText(f"<b>{row.title}</b> — {row.individual}, {row.organisation}")
        self._fill(
            self.fields,
            [
                ("Type", row.activity_type),
                ("Provider", row.provider or "—"),
                ("Dates", f"{day(row.starts_on)} – {day(row.ends_on)}"),
                ("Period", row.period),
                ("Course fee", money(row.course_fee_pence)),
                ("Cover/supply", money(row.cover_cost_pence)),
                ("Travel", money(row.travel_cost_pence)),
                ("Other", money(row.other_cost_pence)),
                ("Total cost", money(row.total_cost_pence)),
                ("Cover days", days(row.cover_days)),
                ("Training event", row.training_event or "—"),
                ("Learning module", row.learning_module or "—"),
                ("Created by", row.created_by or "—"),
                ("Evaluation", detail.evaluation or "—"),
            ],
        )
        self._fill(
            self.layers,
            [
                ("Line manager", state(row.line_manager_state)),
                ("", _who_when(detail.line_manager, detail.line_manager_at)),
                ("CPD team", state(row.cpd_team_state)),
                ("", _who_when(detail.cpd_team_user, detail.cpd_team_at)),
                ("Partnership", state(row.partnership_state)),
                ("", _partnership_who_when(detail)),
                ("Reason", detail.partnership_reason or "—"),
                ("Completion", state(row.completion_state)),
                ("Completed on", day(detail.completed_on) or "—"),
            ],
        )
        b, c = detail.budget, detail.cover
        self._fill(
            self.budget,
            [
                ("Organisation", f"{b.organisation} ({b.period})"),
                ("Budget", money(b.budget_pence) if b.budget_pence is not None else "No budget set"),
                ("Authorised", money(b.authorised_pence)),
                ("Pending", money(b.pending_pence)),
                ("Rejected", money(b.rejected_pence)),
                ("Remaining", money(b.remaining_pence)),
                ("Cover this period", f"{days(c.authorised_days)} of {days(c.limit_days)} cover days authorised"),
            ],
        )
        cover_field = self.budget.itemAt(self.budget.rowCount() - 1, QFormLayout.ItemRole.FieldRole)
        assert cover_field is not None  # the row _fill has just added
        self.cover_label = cast(QLabel, cover_field.widget())  # _fill puts a QLabel in every field
        over = c.authorised_days > c.limit_days
        set_warning(self.cover_label, over)  # "6 of 5 cover days" must not read like "4 of 5"
        self.cover_label.setToolTip("Past this individual's cover limit for the period" if over else "")
        self.audit_model.set_rows(detail.audit)
        self.request_section.set_detail(detail)
        if detail.audit:
            fit_columns(self.audit_table, maximum=320)
        self._set_actions(detail)

    @staticmethod
    def _fill(form: QFormLayout, pairs: list[tuple[str, str]]) -> None:
        while form.rowCount():
            form.removeRow(0)
        for label, value in pairs:
            text = QLabel(value)
            text.setWordWrap(True)
            form.addRow(label, text)

    def _set_actions(self, detail: ActivityDetail | None) -> None:
        may = detail is not None and detail.can_decide and not detail.is_own
        current = detail.row.partnership_state if detail else None
        self.authorise_button.setEnabled(may and current is PartnershipState.PENDING)
        self.reject_button.setEnabled(
            may and current in (PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION)
        )
        self.reauthorise_button.setEnabled(may and current is PartnershipState.NEEDS_REAUTHORISATION)
        why_not_complete = _why_no_completion(detail)
        self.completed_button.setEnabled(why_not_complete is None)
        self.completed_date.setEnabled(why_not_complete is None)
        self.completed_button.setToolTip(why_not_complete or "Record that the activity was completed on this date")
        self.edit_button.setEnabled(may)
        self.edit_button.setToolTip(_why_no_edit(detail))
        if detail is not None and detail.is_own:
            self.status_label.setText("Your own request: someone else must decide it or change its dates and costs.")
        elif detail is not None and not detail.can_decide:
            self.status_label.setText("You may view this activity but not decide it or change its dates and costs.")

    def _decide(self, decision: PartnershipState) -> None:
        if self.detail is None:
            return
        dialog = SignOffDialog(self.context, {self.detail.row.id: self.detail.row.version}, decision, self)
        dialog.signed_off.connect(self._signed_off)
        dialog.open()

    def _signed_off(self, result: SignOffResult) -> None:
        if result.skipped:
            self.status_label.setText(f"Not decided: {result.skipped[0].reason}.")
        else:
            self.status_label.setText("Decision saved; the individual will be notified.")
        self.decided.emit(result)
        self.load()

    def open_editor(self) -> None:
        if self.detail is None or not self.edit_button.isEnabled():
            return
        self.editor = ActivityEditDialog(self.context, self.detail.row, self)
        self.editor.saved.connect(self._edited)
        self.editor.stale.connect(self._stale)
        self.editor.open()

    def _edited(self, result: EditResult) -> None:
        if self.detail is not None:
            self.status_label.setText(edit_summary(result, self.detail.row))
        self.load()

    def _stale(self, message: str) -> None:
        self.status_label.setText(message)
        self.load()

    def _mark_completed(self) -> None:
        if self.detail is None:
            return
        db, user_id = self.context.db, self.context.user.id
        activity_id, version = self.detail.row.id, self.detail.row.version
        on = cast(date, self.completed_date.date().toPython())  # typed object in PySide6
        self.context.ops.action(
            lambda _progress: mark_completed(db, user_id, activity_id, version, on),
            self._completed,
            self._failed,
            title="Recording completion…",
            origin=self,
        )

    def _completed(self, _state: object) -> None:
        self.status_label.setText("Completion recorded.")
        self.load()


def _partnership_who_when(detail: ActivityDetail) -> str:
    """Who decided; for a request sent back by an edit (C5) that decision is set aside, so say "last"."""
    who_when = _who_when(detail.partnership_user, detail.partnership_at)
    if who_when and detail.row.partnership_state is PartnershipState.NEEDS_REAUTHORISATION:
        return f"last decided by {who_when}"
    return who_when


def _why_no_completion(detail: ActivityDetail | None) -> str | None:
    """The completion button's tooltip when it is disabled; None when completion may be recorded."""
    if detail is None:
        return "Loading…"
    if not detail.can_decide:
        return "Only someone who may decide partnership CPD for this organisation can record completion."
    row = detail.row
    if refusal := completion_refusal(row.partnership_state, row.line_manager_state, row.cpd_team_state):
        return refusal
    if row.starts_on > date.today():
        return f"It starts on {day(row.starts_on)}: record completion once it has happened."
    return None


def _why_no_edit(detail: ActivityDetail | None) -> str:
    """The edit button's tooltip: what it does, or why it is not available to this user."""
    if detail is None:
        return "Loading…"
    if not detail.can_decide:
        return "Only someone who may decide partnership CPD for this organisation can change its dates or costs."
    if detail.is_own:
        return "This is your own request: someone else must change its dates or costs."
    return "Correct the dates or costs; a decided request then needs re-authorisation (C5)."
