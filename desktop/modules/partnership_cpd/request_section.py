"""The request side of an activity's detail (C1, C2): its justification, the line-manager and
CPD-team answers, edit and withdraw while nobody has decided, and the comment thread.

A tab of the activity's detail dialog.  Each action goes through its service
(the buttons only spare the user a refusal: the service checks again) and, once
done, asks the dialog to reload so every figure on it is read afresh.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError
from db.models import CpdTeamState, LineManagerState, PartnershipState
from db.queries.activity_detail import ActivityDetail
from db.queries.request_form import EditableRequest, RequestExtras, editable_request, request_extras
from db.services.comments import add_comment
from db.services.layer_decisions import Layer
from db.services.requests import withdraw_request
from desktop.kit.context import AppContext
from desktop.kit.formatting import day
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.partnership_cpd.comment_table_model import CommentTableModel
from desktop.modules.partnership_cpd.layer_dialog import LayerDecisionDialog
from desktop.modules.partnership_cpd.request_dialog import RequestDialog
from resources_qt.style import set_warning

UNDECIDED = (PartnershipState.PENDING, PartnershipState.NEEDS_REAUTHORISATION)


class RequestSection(QWidget):
    """Emits ``changed`` after any action here saved something (the dialog reloads)."""

    changed = Signal()

    def __init__(self, context: AppContext, activity_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.activity_id = activity_id
        self.detail: ActivityDetail | None = None
        self.extras: RequestExtras | None = None
        # two columns, so the tab adds no height to the detail on a 768-pixel laptop screen
        columns = QHBoxLayout(self)
        layout = QVBoxLayout()
        thread = QVBoxLayout()
        columns.addLayout(layout, 1)
        columns.addLayout(thread, 1)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        buttons = QGridLayout()
        self.line_manager_button = QPushButton("&Line manager…")
        self.cpd_team_button = QPushButton("CPD &team…")
        self.edit_request_button = QPushButton("Edit re&quest…")
        self.withdraw_button = QPushButton("&Withdraw…")
        for place, button in enumerate(
            (self.line_manager_button, self.cpd_team_button, self.edit_request_button, self.withdraw_button)
        ):
            button.setAutoDefault(False)
            button.setEnabled(False)
            buttons.addWidget(button, place // 2, place % 2)
        layout.addStretch(1)
        layout.addLayout(buttons)
        thread.addWidget(QLabel("Comments (internal: the individual is not told)"))
        self.comment_model = CommentTableModel(self)
        self.comment_table = data_table(self.comment_model)
        thread.addWidget(self.comment_table, 1)
        entry = QHBoxLayout()
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setTabChangesFocus(True)
        self.comment_edit.setFixedHeight(52)
        self.comment_edit.setPlaceholderText("Add to the thread…")
        self.comment_button = QPushButton("Add &comment")
        self.comment_button.setAutoDefault(False)
        entry.addWidget(self.comment_edit, 1)
        entry.addWidget(self.comment_button, 0, Qt.AlignmentFlag.AlignTop)
        thread.addLayout(entry)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)

        self.line_manager_button.clicked.connect(lambda: self.open_layer(Layer.LINE_MANAGER))
        self.cpd_team_button.clicked.connect(lambda: self.open_layer(Layer.CPD_TEAM))
        self.edit_request_button.clicked.connect(self.open_edit)
        self.withdraw_button.clicked.connect(self.open_withdraw)
        self.comment_button.clicked.connect(self.submit_comment)
        self.comment_edit.textChanged.connect(self._actions)

    # -- loading ------------------------------------------------------------------------------------
    def set_detail(self, detail: ActivityDetail) -> None:
        self.detail = detail
        db, user_id, activity_id = self.context.db, self.context.user.id, self.activity_id
        self.context.ops.query(lambda: request_extras(db, user_id, activity_id), self._loaded, self._failed)

    def _loaded(self, extras: RequestExtras) -> None:
        self.extras = extras
        while self.form.rowCount():
            self.form.removeRow(0)
        for label, value in (
            ("Entered by", extras.entered_by or "—"),
            ("Further sessions", ", ".join(day(on) for on in extras.sessions) or "—"),
            ("Intended outcome", extras.intended_outcome or "—"),
            ("How impact will be measured", extras.impact_measure or "—"),
            ("How it will be shared", extras.sharing_plan or "—"),
            ("Line manager's reason", extras.line_manager_reason or "—"),
            ("CPD team's reason", extras.cpd_team_reason or "—"),
        ):
            text = QLabel(value)
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(label, text)
        self.comment_model.set_rows(extras.comments)
        if extras.comments:
            fit_columns(self.comment_table, maximum=160)
            # the comment takes what is left; a long one reads in full as the cell's tooltip
            self.comment_table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._actions()

    def _failed(self, error: TrustDeskError) -> None:
        self.status_label.setText(error.message)
        set_warning(self.status_label, True)

    def _actions(self) -> None:
        """Offer what this user may do to the request as it stands; a tooltip says why not."""
        detail, extras = self.detail, self.extras
        if detail is None or extras is None:
            return
        row = detail.row
        live = row.partnership_state is not PartnershipState.WITHDRAWN
        decider = detail.can_decide and not detail.is_own
        lm_decided = row.line_manager_state is not LineManagerState.PENDING
        self.line_manager_button.setText("Change &line manager's answer…" if lm_decided else "&Line manager…")
        self.line_manager_button.setEnabled(live and not detail.is_own and (decider or extras.is_line_manager))
        self.cpd_team_button.setEnabled(live and decider and row.cpd_team_state is CpdTeamState.PENDING)
        undecided = (
            row.partnership_state is PartnershipState.PENDING
            and not lm_decided
            and row.cpd_team_state is CpdTeamState.PENDING
        )
        may_change = decider or extras.entered_it
        self.edit_request_button.setEnabled(may_change and undecided)
        self.edit_request_button.setToolTip(
            "Change anything the request says" if undecided else "Decided at some layer: only Edit dates and costs"
        )
        self.withdraw_button.setEnabled(may_change and row.partnership_state in UNDECIDED)
        self.comment_edit.setEnabled(extras.can_comment)
        self.comment_button.setEnabled(extras.can_comment and bool(self.comment_edit.toPlainText().strip()))
        if not extras.can_comment:
            self.comment_edit.setPlaceholderText("You may read the comments but not add to them.")

    # -- actions ------------------------------------------------------------------------------------
    def open_layer(self, layer: Layer) -> None:
        if self.detail is None:
            return
        row = self.detail.row
        changing = layer is Layer.LINE_MANAGER and row.line_manager_state is not LineManagerState.PENDING
        preset = None
        if changing:
            agreed = row.line_manager_state is LineManagerState.AGREED
            preset = LineManagerState.DENIED if agreed else LineManagerState.AGREED
        dialog = LayerDecisionDialog(self.context, layer, {row.id: row.version}, self, changing=changing, preset=preset)
        dialog.decided.connect(lambda _result: self.changed.emit())
        dialog.open()

    def open_edit(self) -> None:
        db, user_id, activity_id = self.context.db, self.context.user.id, self.activity_id
        self.context.ops.query(lambda: editable_request(db, user_id, activity_id), self._edit_loaded, self._failed)

    def _edit_loaded(self, editing: EditableRequest) -> None:
        dialog = RequestDialog(self.context, self, editing=editing)
        dialog.saved.connect(lambda _result: self._done("Request saved; the individual will be notified."))
        dialog.stale.connect(lambda message: self._done(message))
        dialog.open()

    def open_withdraw(self) -> None:
        if self.detail is None:
            return
        dialog = WithdrawDialog(self.context, self.detail.row.id, self.detail.row.version, self.detail.row.title, self)
        dialog.withdrawn.connect(lambda: self._done("Withdrawn; the individual will be notified."))
        dialog.open()

    def submit_comment(self) -> None:
        text = self.comment_edit.toPlainText()
        if not self.comment_button.isEnabled():
            return
        self.comment_button.setEnabled(False)
        db, user_id, activity_id = self.context.db, self.context.user.id, self.activity_id
        self.context.ops.action(
            lambda _progress: add_comment(db, user_id, activity_id, text),
            self._commented,
            self._comment_failed,
            title="Adding the comment…",
            parent=self,
        )

    def _commented(self, _comment_id: int) -> None:
        self.comment_edit.clear()
        self._done("Comment added.")

    def _comment_failed(self, error: TrustDeskError) -> None:
        self._failed(error)
        self._actions()

    def _done(self, message: str) -> None:
        self.status_label.setText(message)
        set_warning(self.status_label, False)
        self.changed.emit()


class WithdrawDialog(QDialog):
    """Withdraw a request the partnership has not decided, with an optional reason the individual reads."""

    withdrawn = Signal()

    def __init__(
        self, context: AppContext, activity_id: int, version: int, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.activity_id, self.version = activity_id, version
        self.setWindowTitle("Withdraw request")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        heading = QLabel(
            f"Withdraw “{title}”? It stays in the record but no longer waits for any decision "
            "or counts in any pending total."
        )
        heading.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(QLabel("Reason (optional; the individual is told):"))
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(64)
        layout.addWidget(self.reason_edit)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        set_warning(self.error_label, True)
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.withdraw_button = buttons.addButton("Withdraw request", QDialogButtonBox.ButtonRole.AcceptRole)
        self.withdraw_button.setAutoDefault(False)  # a change nobody can undo is never what Enter presses
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def submit(self) -> None:
        self.withdraw_button.setEnabled(False)
        db, user_id, activity_id, version = self.context.db, self.context.user.id, self.activity_id, self.version
        reason = self.reason_edit.toPlainText()
        self.context.ops.action(
            lambda _progress: withdraw_request(db, user_id, activity_id, version, reason),
            self._done,
            self._failed,
            title="Withdrawing…",
            parent=self,
        )

    def _done(self, _version: int) -> None:
        self.withdrawn.emit()
        self.accept()

    def _failed(self, error: TrustDeskError) -> None:
        self.error_label.setText(error.message)
        self.withdraw_button.setEnabled(True)
