"""The line manager's and the CPD team's answers, for one activity or many ticked (C2, C4).

One dialog for both layers: the two answers as radio buttons, a reason (needed
to deny or decline, and to change a line manager's answer), then one service
call for every row.  The dialog stays open with what happened: how many rows
were answered, how many on the line manager's behalf, and each row left alone
with why (changed since shown, not yours to decide, your own, withdrawn).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from db.errors import TrustDeskError, is_transient
from db.models import CpdTeamState, LineManagerState
from db.services.layer_decisions import NEGATIVE, VERBS, Layer, LayerResult, LayerState, decide_layer
from desktop.kit.context import AppContext
from desktop.kit.fit_height import fit_height
from desktop.kit.widgets import data_table, fit_columns
from desktop.modules.partnership_cpd.skipped_table_model import SkippedTableModel
from resources_qt.style import set_warning

ANSWERS: dict[Layer, tuple[tuple[str, LayerState], tuple[str, LayerState]]] = {
    Layer.LINE_MANAGER: (("&Agreed", LineManagerState.AGREED), ("&Denied", LineManagerState.DENIED)),
    Layer.CPD_TEAM: (("A&pproved", CpdTeamState.APPROVED), ("De&clined", CpdTeamState.DECLINED)),
}
TITLES = {Layer.LINE_MANAGER: "Line manager's answer", Layer.CPD_TEAM: "CPD team's answer"}


def result_text(result: LayerResult) -> str:
    noun = "activity" if len(result.applied) == 1 else "activities"
    text = f"{VERBS[result.decision].capitalize()} {len(result.applied):,} {noun}"
    if result.layer is Layer.LINE_MANAGER and result.on_behalf:
        text += f" ({len(result.on_behalf):,} recorded on the line manager's behalf)"
    text += "."
    if result.skipped:
        reasons = Counter(str(row.reason) for row in result.skipped)
        parts = ", ".join(f"{count:,} because {reason}" for reason, count in reasons.most_common())
        text += f" Left alone {len(result.skipped):,}: {parts}."
    return text


class LayerDecisionDialog(QDialog):
    """Emits ``decided(LayerResult)`` once the answers are saved."""

    decided = Signal(object)

    def __init__(
        self,
        context: AppContext,
        layer: Layer,
        shown_versions: Mapping[int, int],
        parent: QWidget | None = None,
        *,
        changing: bool = False,
        preset: LayerState | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.layer = layer
        self.shown_versions = dict(shown_versions)
        self.changing = changing
        self.running = False
        self.result_: LayerResult | None = None
        count = len(self.shown_versions)
        self.setWindowTitle(TITLES[layer])
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        noun = "this activity" if count == 1 else f"the {count:,} ticked activities"
        whose = "the line manager's agreement" if layer is Layer.LINE_MANAGER else "the CPD team's approval"
        heading = QLabel(f"Record {whose} for {noun}.")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        if layer is Layer.LINE_MANAGER:
            behalf = QLabel(
                "Where you are not the individual's line manager, you record it on their behalf (the history says so)."
            )
            behalf.setWordWrap(True)
            layout.addWidget(behalf)
        answers = QHBoxLayout()
        self.group = QButtonGroup(self)
        self.answer_buttons: dict[LayerState, QRadioButton] = {}
        for text, answer in ANSWERS[layer]:
            button = QRadioButton(text)
            self.group.addButton(button)
            self.answer_buttons[answer] = button
            answers.addWidget(button)
        answers.addStretch(1)
        layout.addLayout(answers)
        self.answer_buttons[preset or ANSWERS[layer][0][1]].setChecked(True)
        self.reason_label = QLabel()
        layout.addWidget(self.reason_label)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setFixedHeight(72)
        layout.addWidget(self.reason_edit)
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status_label)
        self.skipped_model = SkippedTableModel(self)
        self.skipped_table = data_table(self.skipped_model)
        self.skipped_table.hide()
        layout.addWidget(self.skipped_table, 1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.submit)
        self.group.buttonToggled.connect(self._update)
        self.reason_edit.textChanged.connect(self._update)
        self._update()

    @property
    def answer(self) -> LayerState:
        return next(answer for answer, button in self.answer_buttons.items() if button.isChecked())

    def reason_needed(self) -> bool:
        return self.answer in NEGATIVE or self.changing

    def _update(self, *_args: object) -> None:
        needed = self.reason_needed()
        self.reason_label.setText(
            "Reason (needed: the individual is told why):" if needed else "Reason (optional; the individual sees it):"
        )
        done = self.result_ is not None
        self.save_button.setEnabled(
            not self.running and not done and (not needed or bool(self.reason_edit.toPlainText().strip()))
        )

    def submit(self) -> None:
        if not self.save_button.isEnabled():
            return
        self.running = True
        self._update()
        self.status_label.setText("Saving…")
        db, user_id, layer, versions = self.context.db, self.context.user.id, self.layer, self.shown_versions
        answer, reason = self.answer, self.reason_edit.toPlainText()
        self.context.ops.action(
            lambda progress: decide_layer(db, user_id, layer, versions, answer, reason, progress=progress),
            self._done,
            self._failed,
            title="Recording the answers…",
            parent=self,
        )

    def _done(self, result: LayerResult) -> None:
        self.running = False
        self.result_ = result
        self.status_label.setText(result_text(result))
        set_warning(self.status_label, not result.applied)
        if result.skipped:
            self.skipped_model.set_rows(result.skipped)
            self.skipped_table.show()
            fit_columns(self.skipped_table, maximum=300)
        fit_height(self)  # the result and the rows left alone, not squeezed into the size it opened at
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        self._update()
        self.decided.emit(result)

    def _failed(self, error: TrustDeskError) -> None:
        self.running = False
        again = " Your answer and reason are kept: press Save to try again." if is_transient(error) else ""
        self.status_label.setText(error.message + again)
        set_warning(self.status_label, True)
        self._update()
